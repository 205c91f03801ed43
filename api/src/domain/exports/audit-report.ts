// The audit sweep's report as a spreadsheet beside its JSON: a summary sheet with what was checked and the verdict,
// then one row per finding with its kind in Chinese, the row it concerns and the technical detail.
import type { AuditReport, FindingKind, FindingSubject } from "../audit/report";
import { addTitledSheet, newWorkbook, workbookBytes, type Cell } from "./sheet";

/** The portal names the same kinds on the audit report page (api/web/assets/pages/audit/report.js). */
export const FINDING_KIND_NAMES: Record<FindingKind, string> = {
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
  PERSONAL_DATA_UNREADABLE: "无法打开的个人信息",
  TRANSFER_MISMATCH: "与链上不符的转接",
  FINDINGS_MISMATCH: "与日志或规则不符的提示",
  HARD_RULE_BROKEN: "违反硬性规则的记录",
  EVIDENCE_TAMPERED: "被改动的材料文件",
  ACCOUNT_MISMATCH: "与管理日志不符的账户",
  ADMIN_LOG_BROKEN: "被改动的管理日志",
  ADMIN_LOG_CHECKPOINT_MISMATCH: "与链上检查点不符的管理日志",
  DUPLICATE_MEMBER: "同一人的重复在册档案",
  FOREIGN_WRITE: "非本实例写入链上的成员记录",
  UNHELD_MEMBER: "链上有、数据库中没有的本校成员",
};

/** The row a finding names, in the portal's words for it. */
const SUBJECT_REFERENCES: Record<FindingSubject["type"], (id: string) => string> = {
  member: (id) => `成员 ${id}`,
  transfer: (id) => `转接 ${id}`,
  account: (id) => `账户 ${id}`,
  evidence: (id) => `材料文件 ${id}`,
  auditEntry: (id) => `管理日志第 ${id} 条`,
  checkpoint: (id) => `交易 ${id}`,
};

export async function auditReportWorkbook(auditId: string, report: AuditReport): Promise<{ fileName: string; content: Buffer }> {
  const title = `审计报告（${report.finishedAt.slice(0, 10)}）`;
  const workbook = await newWorkbook(title, new Date(report.finishedAt));
  const summary: Cell[][] = [
    ["结论", report.clean ? "未发现问题：数据库中的每条记录都与链上一致。" : `发现 ${report.findings.length} 个问题`],
    ["审计编号", auditId],
    ["审计的日志", `党委 ${report.logId} 的存证日志`],
    ["开始时间", report.startedAt],
    ["结束时间", report.finishedAt],
    ["链 ID / 区块高度", `链 ${report.chainId}，读至区块 ${report.blockNumber}`],
    ["核对的记录", report.totals.records],
    ["核对的成员", report.totals.members],
    ["链上检查点", report.totals.checkpoints],
    ["管理日志的链上检查点", report.totals.adminCheckpoints],
    ["问题", report.totals.findings],
  ];
  addTitledSheet(
    workbook,
    "概要",
    title,
    [
      { title: "项目", width: 20 },
      { title: "内容", width: 60 },
    ],
    summary,
  );
  const findings = addTitledSheet(
    workbook,
    "问题",
    `${title}：问题明细`,
    [
      { title: "问题类型", width: 26 },
      { title: "涉及", width: 24 },
      { title: "序号", width: 6 },
      { title: "成员标识", width: 24 },
      { title: "技术细节", width: 48 },
    ],
    report.findings.map((finding) => [
      FINDING_KIND_NAMES[finding.kind],
      rowReference(finding.recordId, finding.subject),
      finding.sequence ?? null,
      finding.memberKey ?? null,
      finding.detail,
    ]),
  );
  findings.getColumn(5).alignment = { wrapText: true, vertical: "top" };
  return { fileName: `audit-${auditId}.xlsx`, content: await workbookBytes(workbook) };
}

function rowReference(recordId: number | null, subject: FindingSubject | undefined): string {
  if (recordId !== null) return `记录 #${recordId}`;
  if (subject) return SUBJECT_REFERENCES[subject.type](subject.id);
  return "（无记录编号）";
}
