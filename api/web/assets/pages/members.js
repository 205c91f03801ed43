// 党员发展: the members of the clerk's organizations, newest first, with the step each one is due for and the
// findings on their records, and the form to enter a new applicant.
import { html, useEffect, useRef, useState } from "/portal/vendor/preact-htm.js";
import { api, session } from "../lib/api.js";
import { messages } from "../lib/i18n.js";
import { Link } from "../lib/router.js";
import { loadRules, stageName, stepName } from "../lib/rules.js";
import { Badge, ErrorMessage, Loading, PageHeading, useAsync } from "../lib/ui.js";
import { EnrollForm } from "./member/enroll-form.js";
import { dueText } from "./member/timeline.js";

const t = messages({
  "zh-CN": {
    title: "党员发展",
    enroll: "登记入党申请人",
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
    loadMore: "加载更多",
    loadingMore: "正在加载…",
  },
  en: {
    title: "Members",
    enroll: "Enter a new applicant",
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
    loadMore: "Load more",
    loadingMore: "Loading…",
  },
});

const PAGE_SIZE = 50;
const ENROLLING_ROLES = new Set(["CLERK", "ORG_ADMIN"]);

/** Pages of GET /api/members, appended as the clerk asks for more: { items, nextCursor, loading, error, more }. */
function useMemberPages() {
  const [list, setList] = useState({ items: [], nextCursor: null, loading: true, error: null });
  const live = useRef(true);
  const load = async (cursor) => {
    setList((previous) => ({ ...previous, loading: true, error: null }));
    try {
      const page = await api(`/api/members?limit=${PAGE_SIZE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      if (live.current) {
        setList((previous) => ({ items: cursor ? [...previous.items, ...page.items] : page.items, nextCursor: page.nextCursor, loading: false, error: null }));
      }
    } catch (error) {
      if (live.current) setList((previous) => ({ ...previous, loading: false, error }));
    }
  };
  useEffect(() => {
    load(null);
    return () => {
      live.current = false;
    };
  }, []);
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
  const list = useMemberPages();
  const [enrolling, setEnrolling] = useState(false);
  const mayEnroll = ENROLLING_ROLES.has(session()?.account.role);

  const error = rules.error ?? (list.items.length === 0 ? list.error : null);
  const ready = rules.data && !(list.loading && list.items.length === 0);

  return html`
    <${PageHeading} title=${t("title")}>
      ${mayEnroll
        ? html`<button type="button" aria-expanded=${enrolling ? "true" : "false"} aria-controls="enroll" onClick=${() => setEnrolling(!enrolling)}>${t("enroll")}</button>`
        : null}
    <//>
    ${enrolling && rules.data
      ? html`
          <section class="panel" id="enroll" aria-labelledby="enroll-title">
            <h2 id="enroll-title">${t("enroll")}</h2>
            <${EnrollForm} rules=${rules.data} onCancel=${() => setEnrolling(false)} />
          </section>
        `
      : null}
    ${error
      ? html`<${ErrorMessage} error=${error} onRetry=${rules.error ? rules.reload : list.retry} />`
      : !ready
        ? html`<${Loading} />`
        : html`
            <section class="panel" aria-labelledby="members-list">
              <h2 id="members-list">${t("list")}</h2>
              ${list.items.length === 0 ? html`<p>${t("empty")}</p>` : html`<${MemberTable} rules=${rules.data} members=${list.items} />`}
              <p role="status" class="hint">${list.items.length > 0 ? t(list.nextCursor ? "shown" : "allShown", { n: list.items.length }) : ""}</p>
              <${ErrorMessage} error=${list.items.length > 0 ? list.error : null} onRetry=${list.retry} />
              ${list.nextCursor
                ? html`<div class="actions"><button type="button" class="secondary" disabled=${list.loading} onClick=${list.more}>${list.loading ? t("loadingMore") : t("loadMore")}</button></div>`
                : null}
            </section>
          `}
  `;
}
