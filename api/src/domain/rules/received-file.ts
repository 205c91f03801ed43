// A member's file received from another institution, replayed the way the federation review checks it before a
// transfer is accepted and the import stores its findings: in file order, each record as if written then — except the
// archival records a roster import entered at the source, which are checked together by their dates, as that import
// checked them (they hold no fields and skip the steps the roster does not date). The audit sweep replays an imported
// record with this same function, so that it expects exactly what the import stored.
import type { IsoDate } from "../../lib/calendar";
import type { RecordBody } from "../../lib/record-hash";
import { ARCHIVAL_MILESTONES, archivalDatesOf, evaluateArchival, type ArchivalEvaluation } from "./archival";
import { RULES } from "../refusals";
import { evaluateStep, type Finding, type Violation } from "./engine";
import { replayHistory, type HistoryRecord } from "./history";
import type { Facts } from "./kinds";
import type { MemberStatus, RuleSet } from "./schema";

/**
 * The facts a replay takes as given: the ledger admits an approval only from an approving committee, so a record that
 * reached it was decided by one (the write path refused any other approver before evaluating the rules).
 */
export const PROVEN_FACTS: Facts = { approvingOrgMayApprove: true };

/** A record of the file; null when its body is missing or does not hash to its record hash (the replay skips it). */
export type ReceivedRecord = Pick<RecordBody, "ruleVersion" | "step" | "effectiveDate" | "fields" | "supersedes" | "archival"> & {
  recordHash: string;
};

/**
 * What the replay made of one record: the rules' outcome, or why it was not evaluated. A record of another rule
 * version is not one the rule set can speak for.
 */
export type ReceivedRecordOutcome =
  | { evaluated: true; findings: Finding[]; violations: Violation[] }
  | { evaluated: false; reason: "unreadable" | "otherRuleVersion" };

export interface ReplayedReceivedFile {
  /** One per record of the file, in its order. */
  outcomes: ReceivedRecordOutcome[];
  /** The member's status once the whole file is replayed. */
  status: MemberStatus;
}

/** Replays `ruleSet` over the file's records in order; `todayOf(index)` is the day the record at `index` is judged on. */
export function replayReceivedFile(
  ruleSet: RuleSet,
  records: readonly (ReceivedRecord | null)[],
  member: { birthDate?: IsoDate },
  todayOf: (index: number) => IsoDate,
): ReplayedReceivedFile {
  const history: HistoryRecord[] = [];
  /** Where each record of the file went in `history` (records not evaluated have no place there). */
  const placeOf = new Map<number, number>();
  const archival = archivalEvaluation(ruleSet, records, member, todayOf);
  const outcomes = records.map((record, index): ReceivedRecordOutcome => {
    if (record === null) return { evaluated: false, reason: "unreadable" };
    if (record.ruleVersion !== ruleSet.version) return { evaluated: false, reason: "otherRuleVersion" };
    placeOf.set(index, history.length);
    if (record.archival && archival !== null) {
      const milestone = ARCHIVAL_MILESTONES.find((candidate) => candidate.step === record.step);
      history.push({ step: record.step, effectiveDate: record.effectiveDate, fields: record.fields, superseded: false, archivalStatus: milestone?.status });
      return archivalOutcome(archival, record, milestone?.date);
    }
    if (record.supersedes) {
      // A correction is checked in place of the record it replaces, as the source's write path checked it, and the
      // records after it build on the correction, not on the record it replaced.
      const corrected = placeOf.get(records.findIndex((candidate) => candidate?.recordHash === record.supersedes!.recordHash));
      if (corrected !== undefined) history[corrected] = { ...history[corrected], superseded: true };
    }
    const { findings, violations } = evaluateStep(ruleSet, {
      step: record.step,
      effectiveDate: record.effectiveDate,
      fields: record.fields,
      history: history.filter((earlier) => !earlier.superseded),
      member,
      facts: PROVEN_FACTS,
      today: todayOf(index),
    });
    history.push({ step: record.step, effectiveDate: record.effectiveDate, fields: record.fields, superseded: false });
    return { evaluated: true, findings, violations };
  });
  return { outcomes, status: replayHistory(ruleSet, history).status };
}

/** The file's archival records checked together by their dates, as the roster import checked its row; null if none. */
function archivalEvaluation(
  ruleSet: RuleSet,
  records: readonly (ReceivedRecord | null)[],
  member: { birthDate?: IsoDate },
  todayOf: (index: number) => IsoDate,
): ArchivalEvaluation | null {
  const first = records.findIndex((record) => record?.archival && record.ruleVersion === ruleSet.version);
  if (first === -1) return null;
  const archival = records.filter((record): record is ReceivedRecord => !!record?.archival && record.ruleVersion === ruleSet.version);
  return evaluateArchival(ruleSet, archivalDatesOf(archival), member, todayOf(first));
}

/** One archival record's share of the evaluation: what the rules said of its date; a step no roster gives breaks them. */
function archivalOutcome(evaluation: ArchivalEvaluation, record: ReceivedRecord, date: string | undefined): ReceivedRecordOutcome {
  if (date === undefined) {
    return {
      evaluated: true,
      findings: [],
      violations: [{ rule: RULES.rosterNotAMilestone, field: "step", message: `${RULES.rosterNotAMilestone}: 步骤 ${record.step} 不是名册所载的节点` }],
    };
  }
  return {
    evaluated: true,
    findings: evaluation.findings.filter((finding) => finding.date === date).map(({ rule, message }) => ({ rule, message })),
    violations: evaluation.violations
      .filter((violation) => violation.date === date)
      .map((violation) => ({ rule: violation.rule, field: "effectiveDate", message: `${violation.rule}: ${violation.message.zh}` })),
  };
}
