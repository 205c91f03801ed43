// 党员发展: the members of the clerk's organizations, found by name, 学号/工号 or ID number and filtered by stage,
// organization, status, overdue and findings, with the step each one is due for and the findings on their records,
// and the form to enter a new applicant.
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { api, may, session } from "../lib/api.js";
import { messages } from "../lib/i18n.js";
import { useOrganizations } from "../lib/organizations.js";
import { Link, navigate, useLocation } from "../lib/router.js";
import { PrintButton, RosterExportButton } from "../lib/print-export.js";
import { loadRules, stageName, stepName } from "../lib/rules.js";
import { Badge, ErrorMessage, Loading, PageHeading, useAsync } from "../lib/ui.js";
import { EnrollForm } from "./member/enroll-form.js";
import { filtersOf, MemberFilters, MemberSearch, membersHref } from "./member/list-filters.js";
import { dueText } from "./member/timeline.js";

const t = messages({
  "zh-CN": {
    title: "党员发展",
    enroll: "登记入党申请人",
    importRoster: "导入党员名册",
    list: "党员发展名单",
    name: "姓名",
    stage: "发展阶段",
    nextDue: "下一步",
    findings: "提醒",
    open: "操作",
    view: "查看档案",
    viewOf: "：{name}",
    overdue: "已逾期",
    noNextStep: "暂无",
    findingCount: "{n} 条提醒",
    noFindings: "无",
    transferredOut: "已转出",
    shown: "已显示 {n} 人。",
    allShown: "共 {n} 人，已全部显示。",
    empty: "还没有登记的成员。点击“登记入党申请人”开始。",
    noMatch: "没有符合条件的成员。",
    loadMore: "加载更多",
    loadingMore: "正在加载…",
  },
  en: {
    title: "Members",
    enroll: "Enter a new applicant",
    importRoster: "Import a roster",
    list: "Members in development",
    name: "Name",
    stage: "Stage",
    nextDue: "Next step",
    findings: "Findings",
    open: "Actions",
    view: "Open file",
    viewOf: ": {name}",
    overdue: "Overdue",
    noNextStep: "None",
    findingCount: "{n} finding(s)",
    noFindings: "None",
    transferredOut: "Transferred out",
    shown: "{n} shown.",
    allShown: "All {n} shown.",
    empty: "No member is on file yet. Choose “Enter a new applicant” to begin.",
    noMatch: "No member matches.",
    loadMore: "Load more",
    loadingMore: "Loading…",
  },
});

const PAGE_SIZE = 50;

/**
 * Pages of the members that pass `filters` (GET /api/members) or, with a search, that also match it (POST
 * /api/members/search, so what was typed stays out of URLs), appended as the clerk asks for more.
 */
function useMemberPages(filters, search) {
  const [list, setList] = useState({ items: [], nextCursor: null, loading: true, error: null });
  const generation = useRef(0);
  const load = async (cursor) => {
    const current = ++generation.current;
    setList((previous) => ({ ...previous, ...(cursor ? {} : { items: [], nextCursor: null }), loading: true, error: null }));
    const request = { ...filters, limit: String(PAGE_SIZE), ...(cursor && { cursor }) };
    try {
      const page = search
        ? await api("/api/members/search", { method: "POST", body: { ...request, [search.field]: search.value } })
        : await api(`/api/members?${new URLSearchParams(request)}`);
      if (current === generation.current) {
        setList((previous) => ({
          items: cursor ? [...previous.items, ...page.items] : page.items,
          nextCursor: page.nextCursor,
          loading: false,
          error: null,
        }));
      }
    } catch (error) {
      if (current === generation.current) setList((previous) => ({ ...previous, loading: false, error }));
    }
  };
  const key = JSON.stringify([filters, search]);
  useEffect(() => {
    load(null);
    return () => {
      generation.current += 1;
    };
  }, [key]);
  return { ...list, more: () => load(list.nextCursor), retry: () => load(list.items.length > 0 ? list.nextCursor : null) };
}

function displayName(member) {
  return member.personal?.name ?? `${member.memberKey.slice(0, 10)}`;
}

function NextDue({ rules, nextDue }) {
  if (!nextDue) return html`<span class="hint">${t("noNextStep")}</span>`;
  return html`
    <span>${stepName(rules, nextDue.step)}</span>
    <span class="members-due">${dueText(nextDue)}</span>
    ${nextDue.overdue ? html` <${Badge} tone="bad">${t("overdue")}<//>` : null}
  `;
}

function MemberRow({ rules, member }) {
  const name = displayName(member);
  return html`
    <tr>
      <td data-label=${t("name")}>${member.personal ? name : html`<span class="mono">${name}</span>`}</td>
      <td data-label=${t("stage")}>
        ${stageName(rules, member.stage)}
        ${member.status !== "ACTIVE" ? html` <${Badge}>${t("transferredOut")}<//>` : null}
      </td>
      <td data-label=${t("nextDue")}><${NextDue} rules=${rules} nextDue=${member.nextDue} /></td>
      <td data-label=${t("findings")}>
        ${member.findingCount > 0 ? html`<${Badge} tone="warn">${t("findingCount", { n: member.findingCount })}<//>` : html`<span class="hint">${t("noFindings")}</span>`}
      </td>
      <td>
        <${Link} href=${`/console/members/${encodeURIComponent(member.id)}`}>${t("view")}<span class="visually-hidden">${t("viewOf", { name })}</span><//>
      </td>
    </tr>
  `;
}

function MemberTable({ rules, members }) {
  return html`
    <div class="table-scroll">
      <table class="responsive-table members-table">
        <caption class="visually-hidden">${t("list")}</caption>
        <thead>
          <tr>
            <th scope="col">${t("name")}</th>
            <th scope="col">${t("stage")}</th>
            <th scope="col">${t("nextDue")}</th>
            <th scope="col">${t("findings")}</th>
            <th scope="col"><span class="visually-hidden">${t("open")}</span></th>
          </tr>
        </thead>
        <tbody>
          ${members.map((member) => html`<${MemberRow} key=${member.id} rules=${rules} member=${member} />`)}
        </tbody>
      </table>
    </div>
  `;
}

export default function MembersPage() {
  const rules = useAsync(loadRules, []);
  const organizations = useOrganizations();
  const { query } = useLocation();
  const filters = filtersOf(query);
  const [search, setSearch] = useState(null);
  const list = useMemberPages(filters, search);
  const narrowed = search !== null || Object.keys(filters).some((key) => key !== "order");
  const [enrolling, setEnrolling] = useState(false);
  const mayEnroll = may("enterMembers");

  const ready = rules.data && !(list.loading && list.items.length === 0);
  const results =
    list.error && list.items.length === 0
      ? html`<${ErrorMessage} error=${list.error} onRetry=${list.retry} />`
      : !ready
        ? html`<${Loading} />`
        : html`
        ${list.items.length === 0 ? html`<p>${t(narrowed ? "noMatch" : "empty")}</p>` : html`<${MemberTable} rules=${rules.data} members=${list.items} />`}
        <p role="status" class="hint">${list.items.length > 0 ? t(list.nextCursor ? "shown" : "allShown", { n: list.items.length }) : ""}</p>
        <${ErrorMessage} error=${list.items.length > 0 ? list.error : null} onRetry=${list.retry} />
        ${
          list.nextCursor
            ? html`<div class="actions"><button type="button" class="secondary" disabled=${list.loading} onClick=${list.more}>${list.loading ? t("loadingMore") : t("loadMore")}</button></div>`
            : null
        }
      `;

  return html`
    <${PageHeading} title=${t("title")}>
      <div class="actions no-print"><${RosterExportButton} /><${PrintButton} /></div>
      ${
        mayEnroll
          ? html`<button type="button" aria-expanded=${enrolling ? "true" : "false"} aria-controls="enroll" onClick=${() => setEnrolling(!enrolling)}>${t("enroll")}</button>`
          : null
      }
      ${may("importRosters") ? html`<${Link} href="/console/roster-import" class="no-print">${t("importRoster")}<//>` : null}
    <//>
    ${
      enrolling && rules.data
        ? html`
          <section class="panel" id="enroll" aria-labelledby="enroll-title">
            <h2 id="enroll-title">${t("enroll")}</h2>
            <${EnrollForm} rules=${rules.data} onCancel=${() => setEnrolling(false)} />
          </section>
        `
        : null
    }
    ${
      rules.error
        ? html`<${ErrorMessage} error=${rules.error} onRetry=${rules.reload} />`
        : html`
          <section class="panel" aria-labelledby="members-list">
            <h2 id="members-list">${t("list")}</h2>
            <${MemberSearch} search=${search} onSearch=${setSearch} />
            ${
              rules.data
                ? html`<${MemberFilters}
                  filters=${filters}
                  rules=${rules.data}
                  organizations=${organizations.byId}
                  rootId=${session()?.account.orgId}
                  onChange=${(next) => navigate(membersHref(next))}
                />`
                : null
            }
            ${results}
          </section>
        `
    }
  `;
}
