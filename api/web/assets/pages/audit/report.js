// An audit report as an auditor reads it: the counts, then the findings grouped by kind, each kind explained in a
// plain sentence and each finding linked to the member file it concerns when the report names the member.
import { html } from "/portal/vendor/preact-htm.js";
import { api } from "../../lib/api.js";
import { formatDateTime, messages } from "../../lib/i18n.js";
import { Link } from "../../lib/router.js";
import { ErrorMessage, useAsync } from "../../lib/ui.js";

const t = messages({
  "zh-CN": {
    title: "审计报告",
    clean: "未发现问题：数据库中的每条记录都与链上一致。",
    dirty: "发现 {n} 个问题",
    startedAt: "开始时间",
    finishedAt: "结束时间",
    chain: "链 ID / 区块高度",
    chainFacts: "链 {chainId}，读至区块 {block}",
    logId: "审计的日志",
    log: "党委 {id} 的存证日志",
    totals: "核对范围",
    records: "记录",
    members: "成员",
    checkpoints: "链上检查点",
    findings: "问题",
    record: "记录",
    sequence: "序号",
    member: "成员",
    detail: "技术细节",
    recordId: "#{id}",
    noRecord: "（无记录编号）",
    memberFile: "成员档案",
    memberOf: "（记录 #{id}）",
    unknownMember: "本组织范围内找不到该成员",
    TAMPERED: "被改动的记录",
    DELETED: "被删除的记录",
    REORDERED: "顺序被调换的记录",
    INSERTED: "被插入的伪造记录",
    UNANCHORED: "未按时上链的记录",
    CHECKPOINT_MISMATCH: "与链上检查点不符的日志",
    "explain.TAMPERED": "记录内容已无法用原密钥打开、算出的哈希与存证哈希不同、与本行其他字段不符，或不是链上成员记录链在该序号上的那一条：有人在数据库中改动了它。",
    "explain.DELETED": "日志中缺少这个位置的记录、检查点覆盖的记录多于日志现有的记录，或链上成员记录链中的某条记录在数据库中已不存在：有人删除了记录。",
    "explain.REORDERED": "记录在日志中的位置与链上收到它们的顺序不同，或同一成员的序号按编号倒序：有人调换了记录的顺序。",
    "explain.INSERTED": "这条记录不在任何成员的链上记录链中，也从未排队上链：它是被直接插入数据库的伪造记录。",
    "explain.UNANCHORED": "这条记录写入后超过期限仍未在链上确认，或链上合约拒绝了它（原因见技术细节）。",
    "explain.CHECKPOINT_MISMATCH": "用数据库中的记录重建日志，得不到链上检查点的根哈希：日志在检查点之后被改动过。",
    download: "下载报告 JSON",
  },
  en: {
    title: "Audit report",
    clean: "No findings: every record in the database agrees with the chain.",
    dirty: "{n} finding(s)",
    startedAt: "Started",
    finishedAt: "Finished",
    chain: "Chain / block",
    chainFacts: "chain {chainId}, read at block {block}",
    logId: "Log audited",
    log: "the attestation log of committee {id}",
    totals: "What was checked",
    records: "Records",
    members: "Members",
    checkpoints: "Checkpoints on chain",
    findings: "Findings",
    record: "Record",
    sequence: "Sequence",
    member: "Member",
    detail: "Technical details",
    recordId: "#{id}",
    noRecord: "(no record number)",
    memberFile: "Member file",
    memberOf: " (record #{id})",
    unknownMember: "not a member of your organizations",
    TAMPERED: "Tampered records",
    DELETED: "Deleted records",
    REORDERED: "Reordered records",
    INSERTED: "Inserted (forged) records",
    UNANCHORED: "Records not anchored in time",
    CHECKPOINT_MISMATCH: "Log disagreeing with a checkpoint on chain",
    "explain.TAMPERED": "The record no longer opens under its key, hashes to another value than its attested hash, disagrees with its row, or is not the record the member's chain on chain holds at that sequence: someone changed it in the database.",
    "explain.DELETED": "A log position is empty, a checkpoint covers more records than the log holds, or a record of a member's chain on chain has no row: someone deleted records.",
    "explain.REORDERED": "Records sit in the log in another order than the chain received them, or a member's sequence numbers run backwards: someone reordered records.",
    "explain.INSERTED": "The record is on no member's chain on chain and was never queued for it: it was forged straight into the database.",
    "explain.UNANCHORED": "The record was not confirmed on chain within the deadline, or the chain's contract refused it (see the technical details).",
    "explain.CHECKPOINT_MISMATCH": "Rebuilding the log from the database does not give a checkpoint's root on chain: the log was changed after the checkpoint.",
    download: "Download the report (JSON)",
  },
});

/** The kinds in the order docs/formats.md lists them (api/src/domain/audit/report.ts FINDING_KINDS). */
const FINDING_KINDS = ["TAMPERED", "DELETED", "REORDERED", "INSERTED", "UNANCHORED", "CHECKPOINT_MISMATCH"];
const MEMBER_PAGE_SIZE = 100;

/**
 * Member ids by member key for the keys a report names. Findings name members by their key (the chain's identity),
 * the console's pages by id: the auditor's own member list (organization subtree) joins them, page by page until every
 * key is found.
 */
async function memberIdsByKey(keys) {
  const wanted = new Set(keys);
  const found = new Map();
  let cursor = null;
  while (wanted.size > found.size) {
    const query = new URLSearchParams({ limit: String(MEMBER_PAGE_SIZE), ...(cursor && { cursor }) });
    const page = await api(`/api/members?${query}`);
    for (const member of page.items) if (wanted.has(member.memberKey)) found.set(member.memberKey, member.id);
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return found;
}

function MemberCell({ finding, members }) {
  if (!finding.memberKey) return "—";
  const memberId = members?.get(finding.memberKey);
  if (!memberId) return html`<span class="hint">${members ? t("unknownMember") : "…"}</span>`;
  return html`
    <${Link} href=${`/console/members/${memberId}`}>
      ${t("memberFile")}${finding.recordId !== null ? html`<span class="visually-hidden">${t("memberOf", { id: finding.recordId })}</span>` : null}
    <//>
  `;
}

function FindingGroup({ kind, findings, members }) {
  const titleId = `audit-kind-${kind}`;
  return html`
    <section class="audit-kind" aria-labelledby=${titleId}>
      <h3 id=${titleId}>${t(kind)} <span class="badge badge-bad">${findings.length}</span></h3>
      <p>${t(`explain.${kind}`)}</p>
      <div class="table-scroll">
        <table class="responsive-table audit-findings">
          <thead>
            <tr><th scope="col">${t("record")}</th><th scope="col">${t("sequence")}</th><th scope="col">${t("member")}</th><th scope="col">${t("detail")}</th></tr>
          </thead>
          <tbody>
            ${findings.map(
              (finding) => html`
                <tr>
                  <td data-label=${t("record")}>${finding.recordId !== null ? t("recordId", { id: finding.recordId }) : t("noRecord")}</td>
                  <td data-label=${t("sequence")}>${finding.sequence ?? "—"}</td>
                  <td data-label=${t("member")}><${MemberCell} finding=${finding} members=${members} /></td>
                  <td data-label=${t("detail")} class="audit-detail">${finding.detail}</td>
                </tr>
              `,
            )}
          </tbody>
        </table>
      </div>
    </section>
  `;
}

export function AuditReport({ report, onDownload }) {
  const keys = [...new Set(report.findings.map((finding) => finding.memberKey).filter(Boolean))];
  const members = useAsync(() => (keys.length > 0 ? memberIdsByKey(keys) : Promise.resolve(new Map())), [keys.join()]);
  const groups = FINDING_KINDS.map((kind) => ({ kind, findings: report.findings.filter((finding) => finding.kind === kind) })).filter(
    (group) => group.findings.length > 0,
  );
  const totals = ["records", "members", "checkpoints", "findings"];
  return html`
    <section class="panel audit-report" aria-labelledby="audit-report-title">
      <h2 id="audit-report-title">${t("title")}</h2>
      <p class=${`verdict verdict-${report.clean ? "ok" : "bad"}`}>${report.clean ? t("clean") : t("dirty", { n: report.totals.findings })}</p>
      <dl class="facts">
        <dt>${t("startedAt")}</dt><dd>${formatDateTime(report.startedAt)}</dd>
        <dt>${t("finishedAt")}</dt><dd>${formatDateTime(report.finishedAt)}</dd>
        <dt>${t("logId")}</dt><dd>${t("log", { id: report.logId })}</dd>
        <dt>${t("chain")}</dt><dd>${t("chainFacts", { chainId: report.chainId, block: report.blockNumber })}</dd>
      </dl>
      <h3>${t("totals")}</h3>
      <ul class="audit-totals">
        ${totals.map((name) => html`<li><span class="audit-figure">${report.totals[name]}</span> ${t(name)}</li>`)}
      </ul>
      <${ErrorMessage} error=${members.error} onRetry=${members.reload} />
      ${groups.map((group) => html`<${FindingGroup} key=${group.kind} kind=${group.kind} findings=${group.findings} members=${members.data} />`)}
      <div class="actions"><button type="button" onClick=${onDownload}>${t("download")}</button></div>
    </section>
  `;
}
