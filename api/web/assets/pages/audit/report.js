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
    adminCheckpoints: "管理日志的链上检查点",
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
    FOREIGN_CHECKPOINT: "非本实例写入的链上检查点",
    MEMBER_MISMATCH: "与链上不符的成员",
    FOREIGN_MEMBER: "不属于本实例的成员",
    FOREIGN_RECORD: "不属于本实例成员的记录",
    FOREIGN_WRITE: "非本实例写入链上的成员记录",
    UNHELD_MEMBER: "链上有、数据库中没有的本校成员",
    PERSONAL_DATA_UNREADABLE: "无法打开的个人信息",
    TRANSFER_MISMATCH: "与链上不符的转接",
    FINDINGS_MISMATCH: "与日志或规则不符的提示",
    HARD_RULE_BROKEN: "违反硬性规则的记录",
    EVIDENCE_TAMPERED: "被改动的材料文件",
    ACCOUNT_MISMATCH: "与管理日志不符的账户",
    ADMIN_LOG_BROKEN: "被改动的管理日志",
    ADMIN_LOG_CHECKPOINT_MISMATCH: "与链上检查点不符的管理日志",
    DUPLICATE_MEMBER: "同一人的重复在册档案",
    "explain.TAMPERED":
      "记录内容已无法用原密钥打开、算出的哈希与存证哈希不同、与本行其他字段不符，或不是链上成员记录链在该序号上的那一条：有人在数据库中改动了它。",
    "explain.DELETED":
      "日志中缺少这个位置的记录、检查点覆盖的记录多于日志现有的记录，或链上成员记录链中的某条记录在数据库中已不存在：有人删除了记录。",
    "explain.REORDERED": "记录在日志中的位置与链上收到它们的顺序不同，或同一成员的序号按编号倒序：有人调换了记录的顺序。",
    "explain.INSERTED": "这条记录不在任何成员的链上记录链中，也从未排队上链：它是被直接插入数据库的伪造记录。",
    "explain.UNANCHORED": "这条记录写入后超过期限仍未在链上确认，或链上合约拒绝了它（原因见技术细节）。",
    "explain.CHECKPOINT_MISMATCH": "用数据库中的记录重建日志，得不到链上检查点的根哈希：日志在检查点之后被改动过。",
    "explain.FOREIGN_CHECKPOINT": "链上有本日志的检查点不是本实例写入的：另一把密钥写入了本日志。它不用于核对日志。",
    "explain.MEMBER_MISMATCH": "成员的组织或阶段与链上不同，或成员被标为已转出却没有链上已接收的转接支持：有人在数据库中改动了成员。",
    "explain.FOREIGN_MEMBER": "链上没有这名成员且没有待上链的写入，或链上它属于另一所大学的党委：这一行是在系统之外被放进数据库的。",
    "explain.FOREIGN_RECORD": "这条记录属于一名不属于本实例的成员（见该成员的问题）。",
    "explain.FOREIGN_WRITE":
      "链上本校成员的记录链中有一条记录，是由一笔本实例从未发出的交易写入的：另一把在该组织有角色的密钥绕过本系统写了它（技术细节中有密钥地址和交易）。",
    "explain.UNHELD_MEMBER":
      "链上把这名成员登记在本校的组织下，数据库中却没有它的成员行：成员行被删除，或另一把密钥绕过本系统登记或转入了它（技术细节中有交易）。",
    "explain.PERSONAL_DATA_UNREADABLE": "成员的个人信息无法按该行所属组织打开：该行在系统之外被移到其他组织或被替换。任何人都看不到它。",
    "explain.TRANSFER_MISMATCH": "转接的状态、双方或介绍信哈希与链上不同，或链上没有该转接：有人在数据库中改动了转接。",
    "explain.FINDINGS_MISMATCH":
      "记录上保存的提示与写入该记录时管理日志记下的提示不同，或与按记录所标规则版本对该成员档案重新核验得出的提示不同：有人删除或添加了提示，或写入时所用的规则不是该版本的规则。",
    "explain.HARD_RULE_BROKEN":
      "按记录所标规则版本对该成员档案重新核验，这条记录违反了一条硬性规则，系统本应拒绝写入它：它是绕过系统写入的，或写入时所用的规则被改动过（技术细节中有所违反的规则）。",
    "explain.EVIDENCE_TAMPERED": "保存的材料文件已不能还原为其 SHA-256 所对应的内容：文件被改动，下载时会被拒绝。",
    "explain.ACCOUNT_MISMATCH":
      "按管理日志重建的账户与账户表不同：有账户未经记录就被加入，或角色、组织、个人信息授权、停用状态、密码哈希被改动。",
    "explain.ADMIN_LOG_BROKEN": "管理日志的这一条内容与其哈希不符，或其前一哈希与上一条不符：日志被改动、删除或插入过。",
    "explain.ADMIN_LOG_CHECKPOINT_MISMATCH":
      "管理日志在链上检查点所覆盖位置的哈希与检查点不同，或日志比检查点短：有人改写（并重算了哈希）或截短了管理日志。",
    "explain.DUPLICATE_MEMBER":
      "同一身份证号有不止一名在册成员：这些档案是在系统强制“一人一档”之前录入的，需由组织部门确认哪一份属于本人。",
    "subject.member": "成员 {id}",
    "subject.transfer": "转接 {id}",
    "subject.account": "账户 {id}",
    "subject.evidence": "材料文件 {id}",
    "subject.auditEntry": "管理日志第 {id} 条",
    "subject.checkpoint": "交易 {id}",
    download: "下载报告 JSON",
    downloadSheet: "下载报告表格",
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
    adminCheckpoints: "Administrative log checkpoints on chain",
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
    FOREIGN_CHECKPOINT: "Checkpoints this instance did not write",
    MEMBER_MISMATCH: "Members disagreeing with the chain",
    FOREIGN_MEMBER: "Members that are not this instance's",
    FOREIGN_RECORD: "Records of members that are not this instance's",
    FOREIGN_WRITE: "Members' records written on chain by another key",
    UNHELD_MEMBER: "This university's members on chain that no row holds",
    PERSONAL_DATA_UNREADABLE: "Personal data that does not open",
    TRANSFER_MISMATCH: "Transfers disagreeing with the chain",
    FINDINGS_MISMATCH: "Findings disagreeing with the log or the rules",
    HARD_RULE_BROKEN: "Records the rules would have refused",
    EVIDENCE_TAMPERED: "Altered evidence files",
    ACCOUNT_MISMATCH: "Accounts disagreeing with the administrative log",
    ADMIN_LOG_BROKEN: "Altered administrative log",
    ADMIN_LOG_CHECKPOINT_MISMATCH: "Administrative log disagreeing with its checkpoints",
    DUPLICATE_MEMBER: "People on file twice",
    "explain.TAMPERED":
      "The record no longer opens under its key, hashes to another value than its attested hash, disagrees with its row, or is not the record the member's chain on chain holds at that sequence: someone changed it in the database.",
    "explain.DELETED":
      "A log position is empty, a checkpoint covers more records than the log holds, or a record of a member's chain on chain has no row: someone deleted records.",
    "explain.REORDERED":
      "Records sit in the log in another order than the chain received them, or a member's sequence numbers run backwards: someone reordered records.",
    "explain.INSERTED":
      "The record is on no member's chain on chain and was never queued for it: it was forged straight into the database.",
    "explain.UNANCHORED":
      "The record was not confirmed on chain within the deadline, or the chain's contract refused it (see the technical details).",
    "explain.CHECKPOINT_MISMATCH":
      "Rebuilding the log from the database does not give a checkpoint's root on chain: the log was changed after the checkpoint.",
    "explain.FOREIGN_CHECKPOINT":
      "A checkpoint of this log on chain that this instance never wrote: another key wrote into its log. It is not held against the log.",
    "explain.MEMBER_MISMATCH":
      "The member's organization or stage differs from the chain's, or the member is marked as having left with no accepted transfer on chain behind it: someone changed the member in the database.",
    "explain.FOREIGN_MEMBER":
      "The chain holds no such member and no chain write of it is waiting, or holds it under another university's committee: the row was put into the database outside the service.",
    "explain.FOREIGN_RECORD": "This record belongs to a member that is not this instance's (see that member's finding).",
    "explain.FOREIGN_WRITE":
      "A record on the chain of one of this university's members was appended by a transaction this instance never sent: another key with a role in the organization wrote it behind the system's back (the technical details name the key and the transaction).",
    "explain.UNHELD_MEMBER":
      "The ledger holds this member in one of this university's organizations, but no member row holds it: the row was deleted, or another key registered or moved the member in behind the system's back (the technical details name the transaction).",
    "explain.PERSONAL_DATA_UNREADABLE":
      "The member's personal data does not open for the organization its row names: the row was moved or its data replaced outside the service. No one is shown it.",
    "explain.TRANSFER_MISMATCH":
      "The transfer's state, parties or letter hash differ from the chain's, or the chain holds no such transfer: someone changed it in the database.",
    "explain.FINDINGS_MISMATCH":
      "The findings stored on the record differ from those the administrative log noted when it was written, or from those the rules of the version it names give when replayed over the member's file: someone deleted or added findings, or the record was checked against other rules than its version's.",
    "explain.HARD_RULE_BROKEN":
      "Replaying the rules of the version it names over the member's file, this record breaks a hard rule, so the service would have refused it: it was written behind the service's back, or under altered rules (the technical details name the rule).",
    "explain.EVIDENCE_TAMPERED":
      "The stored file no longer gives the bytes its SHA-256 names: it was altered, and downloads of it are refused.",
    "explain.ACCOUNT_MISMATCH":
      "The accounts rebuilt from the administrative log differ from the accounts table: an account was added without an entry, or a role, organization, personal-data grant, disabled flag or password hash was changed.",
    "explain.ADMIN_LOG_BROKEN":
      "This administrative log entry no longer hashes to its stored hash, or its previous hash is not the entry before it: the log was edited, or entries removed or slipped in.",
    "explain.ADMIN_LOG_CHECKPOINT_MISMATCH":
      "At a position a checkpoint on chain covers, the administrative log's hash is not the checkpoint's, or the log is shorter than the checkpoint: someone rewrote it (recomputing the hashes) or cut it short.",
    "explain.DUPLICATE_MEMBER":
      "More than one active member has the same ID number: these files were entered before the system held one active member per person; the organization department must settle which file is the person's.",
    "subject.member": "member {id}",
    "subject.transfer": "transfer {id}",
    "subject.account": "account {id}",
    "subject.evidence": "evidence file {id}",
    "subject.auditEntry": "administrative log entry {id}",
    "subject.checkpoint": "transaction {id}",
    download: "Download the report (JSON)",
    downloadSheet: "Download the report as a spreadsheet (Excel)",
  },
});

/** The kinds in the order docs/formats.md lists them (api/src/domain/audit/report.ts FINDING_KINDS). */
const FINDING_KINDS = [
  "TAMPERED",
  "DELETED",
  "REORDERED",
  "INSERTED",
  "UNANCHORED",
  "CHECKPOINT_MISMATCH",
  "FOREIGN_CHECKPOINT",
  "MEMBER_MISMATCH",
  "FOREIGN_MEMBER",
  "FOREIGN_RECORD",
  "FOREIGN_WRITE",
  "UNHELD_MEMBER",
  "PERSONAL_DATA_UNREADABLE",
  "TRANSFER_MISMATCH",
  "FINDINGS_MISMATCH",
  "HARD_RULE_BROKEN",
  "EVIDENCE_TAMPERED",
  "ACCOUNT_MISMATCH",
  "ADMIN_LOG_BROKEN",
  "ADMIN_LOG_CHECKPOINT_MISMATCH",
  "DUPLICATE_MEMBER",
];
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
                  <td data-label=${t("record")}>
                    ${finding.recordId !== null ? t("recordId", { id: finding.recordId }) : finding.subject ? t(`subject.${finding.subject.type}`, { id: finding.subject.id }) : t("noRecord")}
                  </td>
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

export function AuditReport({ report, onDownload, onDownloadSheet }) {
  const keys = [...new Set(report.findings.map((finding) => finding.memberKey).filter(Boolean))];
  const members = useAsync(() => (keys.length > 0 ? memberIdsByKey(keys) : Promise.resolve(new Map())), [keys.join()]);
  // A kind this page does not know yet (a newer server) still shows, after the known ones, by its code.
  const kinds = [
    ...FINDING_KINDS,
    ...new Set(report.findings.map((finding) => finding.kind).filter((kind) => !FINDING_KINDS.includes(kind))),
  ];
  const groups = kinds
    .map((kind) => ({ kind, findings: report.findings.filter((finding) => finding.kind === kind) }))
    .filter((group) => group.findings.length > 0);
  const totals = ["records", "members", "checkpoints", "adminCheckpoints", "findings"];
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
      <div class="actions">
        <button type="button" onClick=${onDownloadSheet}>${t("downloadSheet")}</button>
        <button type="button" class="secondary" onClick=${onDownload}>${t("download")}</button>
      </div>
    </section>
  `;
}
