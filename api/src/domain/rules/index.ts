// The rules engine: rule sets as data (rules/<version>/rules.json), evaluated per write.
export { loadRuleSet, parseRuleSet, ruleSetHash, type RuleSet } from "./rule-set";
export {
  evaluateStep,
  nextSteps,
  STATUS_NAMES,
  type Evaluation,
  type Finding,
  type NextStep,
  type StepInput,
  type Violation,
  type ChainDates,
} from "./engine";
export { replayHistory, type HistoryRecord, type MemberHistory } from "./history";
export {
  PROVEN_FACTS,
  replayReceivedFile,
  type ReceivedRecord,
  type ReceivedRecordOutcome,
  type ReplayedReceivedFile,
} from "./received-file";
export { RULE_KINDS, type Facts } from "./kinds";
export type {
  ChainAction,
  MemberStatus,
  StepDefinition,
  FieldDefinition,
  RuleDefinition,
  RuleSetDefinition,
} from "./schema";
export {
  ARCHIVAL_MILESTONES,
  archivalDatesOf,
  evaluateArchival,
  type ArchivalDateName,
  type ArchivalDates,
  type ArchivalEvaluation,
  type ArchivalMilestone,
} from "./archival";
