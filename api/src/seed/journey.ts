// One member's complete, valid development under the 2014 rules (probation ends 2022-06-20). The rules tests
// break it one rule at a time; the demo seed replays prefixes of it, shifted to recent years.
import type { HistoryRecord } from "../domain/rules";

const key = (digit: string) => `0x${digit.repeat(64)}`;
export const fullMember = (digit: string) => ({ memberKey: key(digit), isFullMember: true, underDiscipline: false });

export const VOTE_9_OF_9 = { entitledMembers: 9, presentMembers: 9, votesFor: 9 };

/** Every step in order, dated so that every hard and soft rule holds. Probation ends 2022-06-20. */
export const JOURNEY: readonly HistoryRecord[] = [
  { step: "S1", effectiveDate: "2019-09-01", fields: { applicationSummary: "志愿加入中国共产党" } },
  { step: "S2", effectiveDate: "2019-09-20", fields: { interviewer: "李老师", summary: "动机端正" } },
  { step: "S3", effectiveDate: "2020-03-10", fields: { recommendation: "PARTY_MEMBERS" } },
  { step: "S4", effectiveDate: "2020-03-20", fields: { filedWith: "甲大学党委组织部" } },
  { step: "S5", effectiveDate: "2020-03-20", fields: { contacts: [fullMember("a"), fullMember("b")] } },
  { step: "S6", effectiveDate: "2020-09-01", fields: { assessment: "表现良好" } },
  { step: "S6", effectiveDate: "2021-03-01", fields: { assessment: "表现良好" } },
  { step: "S7", effectiveDate: "2021-03-15", fields: { opinionSummary: "党员和群众意见一致同意" } },
  { step: "S8", effectiveDate: "2021-03-25", fields: {} },
  { step: "S9", effectiveDate: "2021-04-01", fields: { sponsors: [fullMember("a"), fullMember("c")] } },
  { step: "S10", effectiveDate: "2021-05-10", fields: { conclusion: "PASSED", summary: "政治审查合格" } },
  { step: "S11", effectiveDate: "2021-05-20", fields: { trainingDays: 3, provider: "甲大学党校" } },
  { step: "S12", effectiveDate: "2021-06-01", fields: { conclusion: "APPROVED" } },
  { step: "S13", effectiveDate: "2021-06-10", fields: { approvingOrgId: 2, conclusion: "APPROVED" } },
  { step: "S14", effectiveDate: "2021-06-15", fields: { formNumber: "2021-017" } },
  { step: "S15", effectiveDate: "2021-06-20", fields: { entitledMembers: 9, presentMembers: 7, votesFor: 7 } },
  { step: "S16", effectiveDate: "2021-07-01", fields: { interviewer: "王部长", summary: "谈话合格" } },
  { step: "S17", effectiveDate: "2021-08-15", fields: { approvingOrgId: 2, decisionNumber: "甲党组〔2021〕15号" } },
  { step: "S18", effectiveDate: "2021-08-30", fields: {} },
  { step: "S19", effectiveDate: "2021-09-01", fields: { partyGroup: "第一党小组" } },
  { step: "S20", effectiveDate: "2021-09-01", fields: {} },
  { step: "S21", effectiveDate: "2022-01-10", fields: { assessment: "表现良好" } },
  { step: "S22", effectiveDate: "2022-05-20", fields: {} },
  { step: "S23", effectiveDate: "2022-06-20", fields: { ...VOTE_9_OF_9, outcome: "CONVERT" } },
  { step: "S24", effectiveDate: "2022-07-01", fields: { approvingOrgId: 2 } },
  { step: "S25", effectiveDate: "2022-07-15", fields: { archivedTo: "甲大学档案馆" } },
];
