// The controls of a step's fields, generated from the rule set's field definitions (rules/<version>/rules.json):
// text, long text, integer, date, yes/no, a choice among the options, members, an organization. The enrolment form
// (S1) and the form recording the next step both draw their step fields from here.
import { html } from "/portal/vendor/preact-htm.js";
import { api, session } from "../../lib/api.js";
import { localized, messages } from "../../lib/i18n.js";
import { useAsync, Field } from "../../lib/ui.js";

const t = messages({
  "zh-CN": {
    choose: "请选择",
    yes: "是",
    no: "否",
    missing: "请填写“{label}”",
    memberRefsHint: "列出的是本组织的正式党员；按住 Ctrl（Mac 上为 ⌘）可选择多人。",
    noFullMembers: "本组织暂无登记在册的正式党员。请填写党员的成员密钥（0x 开头的 66 位），多个用逗号分隔。",
    otherMembers: "{label}：其他党员的成员密钥",
    otherMembersHint: "不在本系统中的正式党员，填写其成员密钥（0x 开头的 66 位），多个用逗号分隔。",
    badMemberKey: "不是有效的成员密钥：{keys}",
    orgRefHint: "组织编号，默认为您所在的党组织。",
    pickOne: "请至少选择或填写一人",
  },
  en: {
    choose: "Choose…",
    yes: "Yes",
    no: "No",
    missing: "Fill in “{label}”",
    memberRefsHint: "Full members of your organization; hold Ctrl (⌘ on a Mac) to choose several.",
    noFullMembers:
      "No full member of your organization is on file. Enter the Party members' member keys (0x and 64 hex digits), separated by commas.",
    otherMembers: "{label}: member keys of other Party members",
    otherMembersHint: "Full members not held in this system: their member keys (0x and 64 hex digits), separated by commas.",
    badMemberKey: "Not a member key: {keys}",
    orgRefHint: "Organization number; yours by default.",
    pickOne: "Choose or enter at least one person",
  },
});

const LONG_TEXT = /(summary|opinion|resolution|assessment)$/i;
const MEMBER_KEY = /^0x[0-9a-f]{64}$/;

/** Today in China, the calendar the rules count days in, as YYYY-MM-DD. */
export function todayInChina() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
}

/** The form state of a step's fields before anything is typed. */
export function initialFieldValues(step) {
  const values = {};
  for (const definition of step?.fields ?? []) {
    if (definition.type === "memberRefs") values[definition.name] = { chosen: [], others: "" };
    else if (definition.type === "orgRef") values[definition.name] = String(session()?.account.orgId ?? "");
    else values[definition.name] = "";
  }
  return values;
}

function otherMemberKeys(text) {
  return text
    .split(/[\s,，、;；]+/)
    .map((key) => key.trim().toLowerCase())
    .filter(Boolean);
}

/**
 * The step's fields as the API takes them, or the problems found before sending: { fields, problems } where problems
 * maps `${errorPrefix}${name}` to a message (a required field left empty, a malformed member key).
 */
export function readStepFields(step, values, errorPrefix) {
  const fields = {};
  /** @type {Record<string, unknown>} */
  const problems = {};
  for (const definition of step?.fields ?? []) {
    const key = `${errorPrefix}${definition.name}`;
    const value = values[definition.name];
    let read;
    if (definition.type === "memberRefs") {
      const others = otherMemberKeys(value.others);
      const malformed = others.filter((memberKey) => !MEMBER_KEY.test(memberKey));
      if (malformed.length > 0) problems[key] = t("badMemberKey", { keys: malformed.join(", ") });
      const keys = [...new Set([...value.chosen, ...others])];
      // A member chosen from the list is checked against its file by the API; one typed in is the clerk's declaration.
      read = keys.length > 0 ? keys.map((memberKey) => ({ memberKey, isFullMember: true, underDiscipline: false })) : undefined;
    } else if (value === "") {
      read = undefined;
    } else if (definition.type === "integer" || definition.type === "orgRef") {
      read = Number(value);
    } else if (definition.type === "boolean") {
      read = value === "true";
    } else {
      read = definition.type === "text" ? value.trim() || undefined : value;
    }
    if (read === undefined && definition.required && !problems[key]) {
      problems[key] = definition.type === "memberRefs" ? t("pickOne") : t("missing", { label: localized(definition.label) });
    }
    if (read !== undefined) fields[definition.name] = read;
  }
  return { fields, problems };
}

/** Full members of the caller's organizations, to choose contacts and sponsors from; loaded only when a step needs them. */
export function useFullMembers(needed, exceptMemberId) {
  const { data } = useAsync(
    () => (needed ? api("/api/members?stage=FULL&limit=100").then((page) => page.items) : Promise.resolve([])),
    [needed],
  );
  return (data ?? []).filter((member) => member.id !== exceptMemberId && member.status === "ACTIVE");
}

function memberLabel(member) {
  return member.personal?.name ? `${member.personal.name}（${member.memberKey.slice(0, 10)}…）` : `${member.memberKey.slice(0, 18)}…`;
}

function Control({ definition, value, set, attributes }) {
  switch (definition.type) {
    case "enum":
      return html`
        <select ...${attributes} value=${value} onChange=${(event) => set(event.currentTarget.value)}>
          <option value="">${t("choose")}</option>
          ${definition.options.map((option) => html`<option value=${option.value}>${localized(option.label)}</option>`)}
        </select>
      `;
    case "boolean":
      return html`
        <select ...${attributes} value=${value} onChange=${(event) => set(event.currentTarget.value)}>
          <option value="">${t("choose")}</option>
          <option value="true">${t("yes")}</option>
          <option value="false">${t("no")}</option>
        </select>
      `;
    case "integer":
    case "orgRef":
      return html`<input ...${attributes} type="number" inputmode="numeric" step="1" min=${definition.type === "orgRef" ? 1 : definition.min} max=${definition.max} value=${value} onInput=${(event) => set(event.currentTarget.value)} />`;
    case "date":
      return html`<input ...${attributes} type="date" value=${value} onInput=${(event) => set(event.currentTarget.value)} />`;
    default:
      return LONG_TEXT.test(definition.name)
        ? html`<textarea ...${attributes} maxlength=${definition.maxLength} value=${value} onInput=${(event) => set(event.currentTarget.value)}></textarea>`
        : html`<input ...${attributes} maxlength=${definition.maxLength} value=${value} onInput=${(event) => set(event.currentTarget.value)} />`;
  }
}

function MemberRefsFields({ definition, value, set, id, error, fullMembers }) {
  const label = localized(definition.label);
  return html`
    ${
      fullMembers.length > 0
        ? html`
          <${Field} id=${id} label=${label} hint=${t("memberRefsHint")} error=${error} required=${definition.required}>
            ${(attributes) => html`
              <select ...${attributes} multiple size=${Math.min(8, Math.max(4, fullMembers.length))}
                onChange=${(event) => set({ ...value, chosen: Array.from(event.currentTarget.selectedOptions, (option) => option.value) })}>
                ${fullMembers.map((member) => html`<option value=${member.memberKey} selected=${value.chosen.includes(member.memberKey)}>${memberLabel(member)}</option>`)}
              </select>
            `}
          <//>
          <${Field} id=${`${id}-others`} label=${t("otherMembers", { label })} hint=${t("otherMembersHint")}>
            ${(attributes) => html`<input ...${attributes} class="mono" value=${value.others} onInput=${(event) => set({ ...value, others: event.currentTarget.value })} />`}
          <//>
        `
        : html`
          <${Field} id=${id} label=${label} hint=${t("noFullMembers")} error=${error} required=${definition.required}>
            ${(attributes) => html`<input ...${attributes} class="mono" value=${value.others} onInput=${(event) => set({ ...value, others: event.currentTarget.value })} />`}
          <//>
        `
    }
  `;
}

/**
 * One labelled control per field of `step`. `values` and `onChange(name, value)` hold the form state; `errors` is keyed
 * by `${errorPrefix}${name}`, so the refusal of a rule on a field appears right under it.
 */
export function StepFields({ step, values, onChange, errors, idPrefix, errorPrefix, fullMembers = [] }) {
  return (step?.fields ?? []).map((definition) => {
    const id = `${idPrefix}-${definition.name}`;
    const error = errors[`${errorPrefix}${definition.name}`];
    const set = (value) => onChange(definition.name, value);
    const value = values[definition.name];
    if (value === undefined) return null;
    if (definition.type === "memberRefs") {
      return html`<${MemberRefsFields} key=${definition.name} definition=${definition} value=${value} set=${set} id=${id} error=${error} fullMembers=${fullMembers} />`;
    }
    return html`
      <${Field} key=${definition.name} id=${id} label=${localized(definition.label)} error=${error} required=${definition.required}
        hint=${definition.type === "orgRef" ? t("orgRefHint") : undefined}>
        ${(attributes) => html`<${Control} definition=${definition} value=${value} set=${set} attributes=${attributes} />`}
      <//>
    `;
  });
}
