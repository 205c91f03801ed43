// 发展党员统计 as a spreadsheet, one sheet per table an organization department reports upward: members in each
// development stage per branch, the overdue among them, transfers issued in the period by state, and the steps
// recorded with an effective date in the period.

import { addDays, dayNumber, type IsoDate } from "../../lib/calendar";
import { PIPELINE_STAGES } from "../dashboard";
import { RuleViolation } from "../errors";
import type { Actor, Institution } from "../institution";
import { refreshStaleNextDue } from "../membership/next-due";
import { RULES } from "../refusals";
import { STATUS_NAMES } from "../rules";
import { exportScope, type ExportScope } from "./scope";
import { addTitledSheet, newWorkbook, workbookBytes, type Cell } from "./sheet";
import { TRANSFER_STATES, type TransferState } from "../vocabulary";

export const TRANSFER_STATE_NAMES: Record<TransferState, string> = {
  ISSUED: "已开出待接收",
  ACCEPTING: "接收中",
  ACCEPTED: "已接收",
  REJECTED: "已退回",
  CANCELLED: "已撤销",
  EXPIRED: "已过期",
};

/** China Standard Time, the day a period's dates are read in. */
const CHINA_OFFSET = "+08:00";
const TOTAL = "合计";

export interface StatisticsRequest {
  orgId?: number;
  /** The period's first and last day; from 1 January of this year to today when omitted. */
  from?: IsoDate;
  to?: IsoDate;
}

export async function exportStatistics(
  institution: Institution,
  actor: Actor,
  request: StatisticsRequest = {},
): Promise<{ fileName: string; content: Buffer }> {
  const today = institution.today();
  const from = request.from ?? `${today.slice(0, 4)}-01-01`;
  const to = request.to ?? today;
  if (dayNumber(from) > dayNumber(to)) {
    throw new RuleViolation({ rule: RULES.exportsPeriodOrder, field: "to", message: `the period ends (${to}) before it begins (${from})` });
  }
  const scope = await exportScope(institution, actor, request.orgId);
  const { repositories } = institution;
  const rootOrgId = scope.root.id;
  // The overdue count reads each member's stored next due: bring the stale ones up to date first, as the dashboard does.
  await refreshStaleNextDue(institution, rootOrgId);
  const issued = { from: new Date(`${from}T00:00:00${CHINA_OFFSET}`), until: new Date(`${addDays(to, 1)}T00:00:00${CHINA_OFFSET}`) };
  const now = institution.now();
  const [byBranch, outgoing, incoming, steps] = await Promise.all([
    repositories.members.countActiveByOrganizationAndStage(rootOrgId, today),
    repositories.transfers.countOutgoingByState(rootOrgId, now, issued),
    repositories.transfers.countIncomingByState(rootOrgId, now, issued),
    repositories.records.countInForceByStep(rootOrgId, from, to),
  ]);

  const title = (table: string) => `${scope.root.name}${table}`;
  const workbook = await newWorkbook(title(`发展党员统计（${from}至${to}）`), now);
  const stageColumns = [
    { title: "党组织", width: 28 },
    ...PIPELINE_STAGES.map((stage) => ({ title: STATUS_NAMES[stage] })),
    { title: TOTAL },
  ];
  const count = (field: "members" | "overdue") => (orgId: number, stage: string) =>
    byBranch.find((group) => group.orgId === orgId && group.stage === stage)?.[field] ?? 0;
  addTitledSheet(workbook, "各阶段人数", title(`各发展阶段人数（截至${today}）`), stageColumns, stageTable(scope, count("members")));
  addTitledSheet(workbook, "逾期", title(`下一步骤已逾期人数（截至${today}）`), stageColumns, stageTable(scope, count("overdue")));
  addTitledSheet(
    workbook,
    "组织关系转接",
    title(`组织关系转接（${from}至${to}开出）`),
    [{ title: "方向", width: 6 }, ...TRANSFER_STATES.map((state) => ({ title: TRANSFER_STATE_NAMES[state] })), { title: TOTAL }],
    [
      ["转出", ...stateRow(outgoing)],
      ["转入", ...stateRow(incoming)],
    ],
  );
  const stepRows: Cell[][] = institution.ruleSet.definition.steps.map((step) => [step.code, step.name.zh, steps.get(step.code) ?? 0]);
  stepRows.push(["", TOTAL, [...steps.values()].reduce((sum, value) => sum + value, 0)]);
  addTitledSheet(
    workbook,
    "记录的步骤",
    title(`${from}至${to}记录的发展步骤`),
    [{ title: "步骤", width: 6 }, { title: "名称", width: 30 }, { title: "记录数" }],
    stepRows,
  );
  return { fileName: `${scope.root.name}发展党员统计-${from}至${to}.xlsx`, content: await workbookBytes(workbook) };
}

/** One row per organization of the scope, zeros included (a report upward lists every branch), then a total row. */
function stageTable(scope: ExportScope, count: (orgId: number, stage: string) => number): Cell[][] {
  const rows = scope.organizations.map((org) => {
    const counts = PIPELINE_STAGES.map((stage) => count(org.id, stage));
    return [org.name, ...counts, counts.reduce((sum, value) => sum + value, 0)];
  });
  const totals = PIPELINE_STAGES.map((_, index) => rows.reduce((sum, row) => sum + (row[index + 1] as number), 0));
  return [...rows, [TOTAL, ...totals, totals.reduce((sum, value) => sum + value, 0)]];
}

function stateRow(counts: Record<TransferState, number>): number[] {
  const values = TRANSFER_STATES.map((state) => counts[state]);
  return [...values, values.reduce((sum, value) => sum + value, 0)];
}
