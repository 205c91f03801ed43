// 组织关系转接: the letters this organization issued (转出) and those addressed to it (转入), and the form an approver
// issues a letter with. The transfer page (transfer.js) reuses the names of states, kinds and organizations below.
import { html, useCallback, useEffect, useMemo, useState } from "/portal/vendor/preact-htm.js";
import { api, may } from "../lib/api.js";
import { formatDate, messages } from "../lib/i18n.js";
import { Link, navigate } from "../lib/router.js";
import { committeeOf, organizationName, useOrganizations } from "../lib/organizations.js";
import { loadRules, stageName } from "../lib/rules.js";
import { Badge, ErrorMessage, Field, Loading, PageHeading, useAsync } from "../lib/ui.js";

const t = messages({
  "zh-CN": {
    title: "组织关系转接",
    outgoing: "转出",
    incoming: "转入",
    outgoingEmpty: "还没有转出的介绍信。",
    incomingEmpty: "还没有转入的介绍信。",
    more: "加载更多",
    letter: "介绍信",
    member: "党员",
    kind: "类型",
    from: "转出组织",
    to: "转入组织",
    state: "状态",
    validUntil: "有效期至",
    MEMBERSHIP: "组织关系",
    MATERIALS: "材料",
    ISSUED: "已开具",
    ACCEPTING: "接收中（待链上确认）",
    ACCEPTED: "已接收",
    REJECTED: "已退回",
    CANCELLED: "已撤销",
    EXPIRED: "已过期",
    issueTitle: "开具介绍信",
    issueIntro: "为党员开具组织关系介绍信（预备党员、正式党员）或转递发展材料（入党申请人、积极分子、发展对象）。类型由党员所处阶段决定。",
    issueOnlyApprovers: "介绍信由党员所在党委的审批人开具。",
    memberField: "党员",
    memberHint: "只列出本组织在册的党员。",
    chooseMember: "请选择党员",
    destination: "转往",
    destinationHint: "联盟内有审批权的党委及其下属组织；联盟外的单位请选“联盟外单位”。",
    chooseDestination: "请选择转入组织",
    exportOption: "联盟外单位（导出介绍信）",
    exportName: "联盟外单位名称",
    exportContact: "联系方式",
    exportContactHint: "选填，只保存在本系统，加密存储。",
    validDays: "有效天数",
    validDaysHint: "1 至 90 天，默认 30 天。",
    submit: "开具介绍信",
    submitting: "正在开具…",
    required: "请填写{field}",
    validDaysRange: "有效天数应为 1 至 90 之间的整数",
    "rule.transfer.oneOpen": "该党员已有一封尚未办结的介绍信，请先撤销或等待对方办理。",
    "rule.transfer.kindFitsStage": "已取消预备党员资格的人员没有可转接的组织关系或材料。",
    "rule.member.transferredOut": "该党员已转出本单位。",
    "rule.scope.approvingCommittee": "只有党员所在党委的审批人可以开具介绍信。",
    "field.toOrgId": "这个组织不能接收转接（未知、就是党员现在的组织，或上级党委没有审批权）。",
  },
  en: {
    title: "Transfers",
    outgoing: "Outgoing",
    incoming: "Incoming",
    outgoingEmpty: "No letters have been issued yet.",
    incomingEmpty: "No letters have arrived yet.",
    more: "Load more",
    letter: "Letter",
    member: "Member",
    kind: "Kind",
    from: "From",
    to: "To",
    state: "State",
    validUntil: "Valid until",
    MEMBERSHIP: "Membership",
    MATERIALS: "Materials",
    ISSUED: "Issued",
    ACCEPTING: "Accepting (awaiting the chain)",
    ACCEPTED: "Accepted",
    REJECTED: "Rejected",
    CANCELLED: "Cancelled",
    EXPIRED: "Expired",
    issueTitle: "Issue a transfer letter",
    issueIntro:
      "Issue the letter that moves a member's relationship (probationary and full members) or an applicant's, activist's or candidate's materials. The member's stage decides the kind.",
    issueOnlyApprovers: "Letters are issued by an approver of the member's committee.",
    memberField: "Member",
    memberHint: "Only the members your organization holds are listed.",
    chooseMember: "Choose a member",
    destination: "Destination",
    destinationHint: "An organization under an approving committee of the consortium; choose “Outside the consortium” for any other.",
    chooseDestination: "Choose the destination",
    exportOption: "Outside the consortium (export the letter)",
    exportName: "Name of the outside organization",
    exportContact: "Contact",
    exportContactHint: "Optional; kept here only, encrypted.",
    validDays: "Valid for (days)",
    validDaysHint: "1 to 90 days; 30 by default.",
    submit: "Issue the letter",
    submitting: "Issuing…",
    required: "Enter the {field}",
    validDaysRange: "Enter a whole number of days from 1 to 90",
    "rule.transfer.oneOpen": "The member already has an open letter: cancel it or wait for the destination first.",
    "rule.transfer.kindFitsStage": "A cancelled probationary member has no relationship or materials to transfer.",
    "rule.member.transferredOut": "The member has already left this organization.",
    "rule.scope.approvingCommittee": "Only an approver of the member's committee issues the letter.",
    "field.toOrgId": "This organization cannot receive a transfer (unknown, the member's own, or without an approving committee).",
  },
});

const PAGE_SIZE = 20;
const MAX_VALIDITY_DAYS = 90;
const DEFAULT_VALIDITY_DAYS = 30;
const STATE_TONES = { ISSUED: "info", ACCEPTING: "info", ACCEPTED: "ok", REJECTED: "bad", CANCELLED: "neutral", EXPIRED: "warn" };
const EXPORT = "export";
/** The API's field names as the form's fields. */
const FORM_FIELDS = {
  memberId: "memberId",
  toOrgId: "destination",
  exportTo: "exportName",
  "exportTo.name": "exportName",
  "exportTo.contact": "exportContact",
  validDays: "validDays",
};

export function StateBadge({ state }) {
  return html`<${Badge} tone=${STATE_TONES[state] ?? "neutral"}>${t(state)}<//>`;
}

export function kindName(kind) {
  return t(kind);
}

/** "0x1a2b3c…9f8e" */
export function shortHash(hex) {
  return hex ? `${hex.slice(0, 8)}…${hex.slice(-4)}` : "";
}

/** An API refusal in the page's words when `translate` knows its rule ("rule.…") or field ("field.…"); else as it is. */
export function inPageWords(translate, error) {
  if (!error?.rule && !error?.field) return error;
  const key = error.rule ? `rule.${error.rule}` : `field.${error.field}`;
  const text = translate(key);
  return text === key ? error : { rule: error.rule, field: error.field, message: text };
}

function useTransferList(direction) {
  const [list, setList] = useState({ items: [], nextCursor: null, loading: true, error: null });
  const load = useCallback(
    async (cursor) => {
      setList((previous) => ({ ...previous, loading: true, error: null }));
      const query = new URLSearchParams({ direction, limit: String(PAGE_SIZE) });
      if (cursor) query.set("cursor", cursor);
      try {
        const page = await api(`/api/transfers?${query}`);
        setList((previous) => ({
          items: cursor ? [...previous.items, ...page.items] : page.items,
          nextCursor: page.nextCursor,
          loading: false,
          error: null,
        }));
      } catch (error) {
        setList((previous) => ({ ...previous, loading: false, error }));
      }
    },
    [direction],
  );
  useEffect(() => {
    load(null);
  }, [load]);
  return { ...list, more: () => load(list.nextCursor), retry: () => load(null) };
}

function MemberCell({ transfer, memberNames }) {
  const name = transfer.memberId ? memberNames.get(transfer.memberId) : null;
  const label = name ?? html`<span class="mono">${shortHash(transfer.memberKey)}</span>`;
  return transfer.memberId ? html`<${Link} href=${`/console/members/${transfer.memberId}`}>${label}<//>` : label;
}

function TransferList({ direction, organizations, memberNames }) {
  const list = useTransferList(direction);
  const headingId = `transfers-${direction}`;
  return html`
    <section class="panel transfer-panel" aria-labelledby=${headingId}>
      <h2 id=${headingId}>${t(direction)}</h2>
      ${list.error ? html`<${ErrorMessage} error=${list.error} onRetry=${list.retry} />` : null}
      ${!list.loading && !list.error && list.items.length === 0 ? html`<p class="hint">${t(`${direction}Empty`)}</p>` : null}
      ${
        list.items.length > 0
          ? html`
            <div class="table-scroll">
              <table class="responsive-table transfers-table">
                <thead>
                  <tr>
                    <th scope="col">${t("letter")}</th>
                    <th scope="col">${t("member")}</th>
                    <th scope="col">${t("kind")}</th>
                    <th scope="col">${t("from")}</th>
                    <th scope="col">${t("to")}</th>
                    <th scope="col">${t("state")}</th>
                    <th scope="col">${t("validUntil")}</th>
                  </tr>
                </thead>
                <tbody>
                  ${list.items.map(
                    (transfer) => html`
                      <tr key=${transfer.id}>
                        <td data-label=${t("letter")}><${Link} href=${`/console/transfers/${transfer.id}`} class="mono">${shortHash(transfer.id)}<//></td>
                        <td data-label=${t("member")}><${MemberCell} transfer=${transfer} memberNames=${memberNames} /></td>
                        <td data-label=${t("kind")}>${kindName(transfer.kind)}</td>
                        <td data-label=${t("from")}>${organizationName(organizations, transfer.fromOrgId)}</td>
                        <td data-label=${t("to")}>${organizationName(organizations, transfer.toOrgId)}</td>
                        <td data-label=${t("state")}><${StateBadge} state=${transfer.state} /></td>
                        <td data-label=${t("validUntil")}>${formatDate(transfer.validUntil)}</td>
                      </tr>
                    `,
                  )}
                </tbody>
              </table>
            </div>
          `
          : null
      }
      ${list.loading ? html`<${Loading} />` : null}
      ${list.nextCursor && !list.loading ? html`<div class="actions"><button type="button" class="secondary" onClick=${list.more}>${t("more")}</button></div>` : null}
    </section>
  `;
}

function memberLabel(rules, organizations, member) {
  const who = member.personal?.name ?? shortHash(member.memberKey);
  return `${who} · ${stageName(rules, member.stage)} · ${organizationName(organizations, member.orgId)}`;
}

/** Destinations the domain accepts: open organizations under an approving committee, other than the member's own. */
function destinationGroups(organizations, fromOrgId) {
  const groups = new Map();
  for (const org of organizations.values()) {
    const committee = committeeOf(organizations, org.id);
    if (org.kind === "CONSORTIUM" || org.closed || org.id === fromOrgId || !committee?.mayApprove) continue;
    groups.set(committee.id, [...(groups.get(committee.id) ?? []), org]);
  }
  return [...groups].map(([committeeId, orgs]) => ({ committee: organizations.get(committeeId), orgs }));
}

function validate(values) {
  /** @type {Record<string, unknown>} */
  const errors = {};
  if (!values.memberId) errors.memberId = t("required", { field: t("memberField") });
  if (!values.destination) errors.destination = t("required", { field: t("destination") });
  if (values.destination === EXPORT && !values.exportName.trim()) errors.exportName = t("required", { field: t("exportName") });
  const days = Number(values.validDays);
  if (!Number.isInteger(days) || days < 1 || days > MAX_VALIDITY_DAYS) errors.validDays = t("validDaysRange");
  return errors;
}

function requestOf(values) {
  const request = { memberId: values.memberId, validDays: Number(values.validDays) };
  if (values.destination !== EXPORT) return { ...request, toOrgId: Number(values.destination) };
  const contact = values.exportContact.trim();
  return { ...request, exportTo: { name: values.exportName.trim(), ...(contact && { contact }) } };
}

function IssueForm({ organizations, members, preselected }) {
  const rules = useAsync(loadRules, []);
  const [values, setValues] = useState({
    memberId: preselected ?? "",
    destination: "",
    exportName: "",
    exportContact: "",
    validDays: String(DEFAULT_VALIDITY_DAYS),
  });
  const [errors, setErrors] = useState(/** @type {Record<string, unknown>} */ ({}));
  const [failure, setFailure] = useState(null);
  const [busy, setBusy] = useState(false);
  const update = (name) => (event) => setValues({ ...values, [name]: event.currentTarget.value });
  const chosen = members.find((member) => member.id === values.memberId);
  const groups = destinationGroups(organizations, chosen?.orgId);

  const submit = async (event) => {
    event.preventDefault();
    const invalid = validate(values);
    setErrors(invalid);
    setFailure(null);
    if (Object.keys(invalid).length > 0) return;
    setBusy(true);
    try {
      const created = await api("/api/transfers", { method: "POST", body: requestOf(values) });
      navigate(`/console/transfers/${created.id}`);
    } catch (error) {
      const field = FORM_FIELDS[error.field];
      if (field) setErrors({ [field]: inPageWords(t, error).message });
      else setFailure(inPageWords(t, error));
      setBusy(false);
    }
  };

  return html`
    <form class="issue-form" onSubmit=${submit} noValidate aria-labelledby="issue-title">
      <${ErrorMessage} error=${failure} />
      <${Field} id="memberId" label=${t("memberField")} hint=${t("memberHint")} error=${errors.memberId} required>
        ${(attributes) => html`
          <select ...${attributes} value=${values.memberId} onChange=${update("memberId")}>
            <option value="">${t("chooseMember")}</option>
            ${members.map((member) => html`<option value=${member.id}>${memberLabel(rules.data, organizations, member)}</option>`)}
          </select>
        `}
      <//>
      <${Field} id="destination" label=${t("destination")} hint=${t("destinationHint")} error=${errors.destination} required>
        ${(attributes) => html`
          <select ...${attributes} value=${values.destination} onChange=${update("destination")}>
            <option value="">${t("chooseDestination")}</option>
            ${groups.map(
              ({ committee, orgs }) => html`
                <optgroup label=${committee.name}>
                  ${orgs.map((org) => html`<option value=${String(org.id)}>${org.name}</option>`)}
                </optgroup>
              `,
            )}
            <option value=${EXPORT}>${t("exportOption")}</option>
          </select>
        `}
      <//>
      ${
        values.destination === EXPORT
          ? html`
            <${Field} id="exportName" label=${t("exportName")} error=${errors.exportName} required>
              ${(attributes) => html`<input ...${attributes} maxlength="128" value=${values.exportName} onInput=${update("exportName")} />`}
            <//>
            <${Field} id="exportContact" label=${t("exportContact")} hint=${t("exportContactHint")} error=${errors.exportContact}>
              ${(attributes) => html`<input ...${attributes} maxlength="128" value=${values.exportContact} onInput=${update("exportContact")} />`}
            <//>
          `
          : null
      }
      <${Field} id="validDays" label=${t("validDays")} hint=${t("validDaysHint")} error=${errors.validDays} required>
        ${(attributes) => html`<input ...${attributes} type="number" inputmode="numeric" min="1" max=${MAX_VALIDITY_DAYS} step="1" value=${values.validDays} onInput=${update("validDays")} />`}
      <//>
      <div class="actions"><button type="submit" disabled=${busy}>${busy ? t("submitting") : t("submit")}</button></div>
    </form>
  `;
}

/** The members this account sees (the first 100, and the preselected one even beyond them). */
async function loadMembers(preselected) {
  const { items } = await api("/api/members?limit=100");
  if (preselected && !items.some((member) => member.id === preselected))
    items.unshift(await api(`/api/members/${encodeURIComponent(preselected)}`));
  return items;
}

function IssueSection({ organizations, members, preselected }) {
  const issuable = (members.data ?? []).filter(
    (member) => member.id === preselected || (member.status === "ACTIVE" && member.stage !== "CANCELLED"),
  );
  return html`
    <section class="panel transfer-panel" aria-labelledby="issue-title">
      <h2 id="issue-title">${t("issueTitle")}</h2>
      <p class="hint">${t("issueIntro")}</p>
      ${members.error ? html`<${ErrorMessage} error=${members.error} onRetry=${members.reload} />` : null}
      ${
        members.data && organizations.size > 0
          ? html`<${IssueForm} organizations=${organizations} members=${issuable} preselected=${preselected} />`
          : members.error
            ? null
            : html`<${Loading} />`
      }
    </section>
  `;
}

export default function TransfersPage({ query }) {
  const organizations = useOrganizations();
  const preselected = query.get("memberId");
  const members = useAsync(() => loadMembers(preselected), [preselected]);
  // Names only for accounts granted personal data; the others see member keys.
  const memberNames = useMemo(
    () => new Map((members.data ?? []).filter((m) => m.personal).map((m) => [m.id, m.personal.name])),
    [members.data],
  );
  const issues = may("approve");
  const issuing = issues
    ? html`<${IssueSection} organizations=${organizations.byId} members=${members} preselected=${preselected} />`
    : html`<p class="hint">${t("issueOnlyApprovers")}</p>`;
  const lists = html`
    <${TransferList} direction="outgoing" organizations=${organizations.byId} memberNames=${memberNames} />
    <${TransferList} direction="incoming" organizations=${organizations.byId} memberNames=${memberNames} />
  `;
  // Arriving with a member chosen (from the member's page) means issuing a letter: the form comes first then.
  return html`
    <${PageHeading} title=${t("title")} />
    <${ErrorMessage} error=${organizations.error} onRetry=${organizations.reload} />
    ${preselected ? html`${issuing}${lists}` : html`${lists}${issuing}`}
  `;
}
