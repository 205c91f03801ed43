// The member list's search box and filters. The filters live in the page's URL query (stage, orgId, status, overdue,
// withFindings, order), so back, refresh and the dashboard's links keep them; what was searched for (a name, a
// 学号/工号, an ID number) stays in the page only, never in a URL that a server log or the browser history keeps.
import { html, useState } from "/portal/vendor/preact-htm.js";
import { messages } from "../../lib/i18n.js";
import { organizationChoices } from "../../lib/organizations.js";
import { DEVELOPMENT_STAGES, stageName } from "../../lib/rules.js";

const t = messages({
  "zh-CN": {
    search: "查找成员",
    by: "查找方式",
    byName: "姓名",
    byStaffNumber: "学号/工号",
    byIdNumber: "身份证号",
    value: "查找内容",
    nameHint: "输入姓名或姓名的开头几个字",
    staffNumberHint: "输入完整的学号或工号",
    idNumberHint: "输入 18 位身份证号",
    idNumberInvalid: "身份证号应为 18 位：17 位数字加 1 位数字或 X。",
    find: "查找",
    clear: "清除查找",
    filters: "筛选",
    stage: "发展阶段",
    anyStage: "全部阶段",
    organization: "所属组织",
    anyOrganization: "全部组织",
    status: "状态",
    anyStatus: "全部",
    ACTIVE: "在册",
    TRANSFERRED_OUT: "已转出",
    overdue: "只看已逾期",
    withFindings: "只看有提醒",
    order: "排序",
    newest: "最近登记的在前",
    oldest: "最早登记的在前",
  },
  en: {
    search: "Find members",
    by: "Find by",
    byName: "Name",
    byStaffNumber: "Student/staff number",
    byIdNumber: "ID number",
    value: "Search for",
    nameHint: "Type the name or its first characters",
    staffNumberHint: "Type the whole student or staff number",
    idNumberHint: "Type the 18-character ID number",
    idNumberInvalid: "An ID number has 18 characters: 17 digits and a digit or X.",
    find: "Find",
    clear: "Clear the search",
    filters: "Filters",
    stage: "Stage",
    anyStage: "All stages",
    organization: "Organization",
    anyOrganization: "All organizations",
    status: "Status",
    anyStatus: "All",
    ACTIVE: "On the roll",
    TRANSFERRED_OUT: "Transferred out",
    overdue: "Overdue only",
    withFindings: "With findings only",
    order: "Order",
    newest: "Newest first",
    oldest: "Oldest first",
  },
});

const SEARCH_FIELDS = ["name", "staffNumber", "idNumber"];
const SEARCH_LABELS = { name: "byName", staffNumber: "byStaffNumber", idNumber: "byIdNumber" };
const ID_NUMBER = /^[0-9]{17}[0-9Xx]$/;
const FILTER_KEYS = ["stage", "orgId", "status", "overdue", "withFindings", "order"];
const STAGES = [...DEVELOPMENT_STAGES, "CANCELLED"];

/** The list's filters as the URL query gives them: only the known keys, as strings. */
export function filtersOf(query) {
  return Object.fromEntries(FILTER_KEYS.filter((key) => query.get(key)).map((key) => [key, query.get(key)]));
}

/** The URL of the member list with these filters. */
export function membersHref(filters) {
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value));
  return query.size > 0 ? `/console/members?${query}` : "/console/members";
}

/** The search box: a way to search and what to look for; `onSearch` gets { field, value } or null to clear. */
export function MemberSearch({ search, onSearch }) {
  const [field, setField] = useState(search?.field ?? "name");
  const [value, setValue] = useState(search?.value ?? "");
  const [error, setError] = useState(null);
  const submit = (event) => {
    event.preventDefault();
    const typed = value.trim();
    if (!typed) return onSearch(null);
    if (field === "idNumber" && !ID_NUMBER.test(typed)) return setError(t("idNumberInvalid"));
    setError(null);
    onSearch({ field, value: typed });
  };
  const clear = () => {
    setValue("");
    setError(null);
    onSearch(null);
  };
  return html`
    <form class="members-search" role="search" aria-label=${t("search")} onSubmit=${submit} novalidate>
      <div class="field">
        <label for="members-search-by">${t("by")}</label>
        <select id="members-search-by" value=${field} onChange=${(event) => setField(event.currentTarget.value)}>
          ${SEARCH_FIELDS.map((name) => html`<option value=${name}>${t(SEARCH_LABELS[name])}</option>`)}
        </select>
      </div>
      <div class=${`field${error ? " field-invalid" : ""}`}>
        <label for="members-search-value">${t("value")}</label>
        <input
          id="members-search-value"
          type="search"
          value=${value}
          maxlength="64"
          autocomplete="off"
          placeholder=${t(`${field}Hint`)}
          aria-invalid=${error ? "true" : undefined}
          aria-describedby=${error ? "members-search-error" : undefined}
          onInput=${(event) => setValue(event.currentTarget.value)}
        />
        ${error ? html`<p class="field-error" id="members-search-error" role="alert">${error}</p>` : null}
      </div>
      <div class="actions">
        <button type="submit">${t("find")}</button>
        ${search ? html`<button type="button" class="secondary" onClick=${clear}>${t("clear")}</button>` : null}
      </div>
    </form>
  `;
}

/** The filters; `onChange` gets the filters to show next. */
export function MemberFilters({ filters, rules, organizations, rootId, onChange }) {
  const set = (key) => (event) => {
    const control = event.currentTarget;
    onChange({ ...filters, [key]: control.type === "checkbox" ? (control.checked ? "true" : "") : control.value });
  };
  return html`
    <fieldset class="members-filters no-print">
      <legend>${t("filters")}</legend>
      <div class="field">
        <label for="members-stage">${t("stage")}</label>
        <select id="members-stage" value=${filters.stage ?? ""} onChange=${set("stage")}>
          <option value="">${t("anyStage")}</option>
          ${STAGES.map((stage) => html`<option value=${stage}>${stageName(rules, stage)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="members-org">${t("organization")}</label>
        <select id="members-org" value=${filters.orgId ?? ""} onChange=${set("orgId")}>
          <option value="">${t("anyOrganization")}</option>
          ${organizationChoices(organizations, rootId).map((choice) => html`<option value=${String(choice.id)}>${choice.label}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="members-status">${t("status")}</label>
        <select id="members-status" value=${filters.status ?? ""} onChange=${set("status")}>
          <option value="">${t("anyStatus")}</option>
          ${["ACTIVE", "TRANSFERRED_OUT"].map((status) => html`<option value=${status}>${t(status)}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="members-order">${t("order")}</label>
        <select id="members-order" value=${filters.order ?? "newest"} onChange=${set("order")}>
          ${["newest", "oldest"].map((order) => html`<option value=${order}>${t(order)}</option>`)}
        </select>
      </div>
      <div class="field members-checks">
        <label><input type="checkbox" checked=${filters.overdue === "true"} onChange=${set("overdue")} /> ${t("overdue")}</label>
        <label><input type="checkbox" checked=${filters.withFindings === "true"} onChange=${set("withFindings")} /> ${t("withFindings")}</label>
      </div>
    </fieldset>
  `;
}
