// A member's file received from another institution, replayed the way the federation review checks it before a
// transfer is accepted and the import stores its findings: in file order, each record as if written then. The audit
// sweep replays an imported record with this same function, so that it expects exactly what the import stored.
import type { IsoDate } from "../../lib/calendar";
import type { RecordBody } from "../../lib/record-hash";
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
export type ReceivedRecord = Pick<RecordBody, "ruleVersion" | "step" | "effectiveDate" | "fields" | "supersedes"> & { recordHash: string };

/**
 * What the replay made of one record: the rules' outcome, or why it was not evaluated. A record of another rule
 * version is not one the rule set can speak for; a correction was checked in place of the record it replaces.
 */
export type ReceivedRecordOutcome =
  | { evaluated: true; findings: Finding[]; violations: Violation[] }
  | { evaluated: false; reason: "unreadable" | "otherRuleVersion" | "correction" };

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
  const outcomes = records.map((record, index): ReceivedRecordOutcome => {
    if (record === null) return { evaluated: false, reason: "unreadable" };
    if (record.ruleVersion !== ruleSet.version) return { evaluated: false, reason: "otherRuleVersion" };
    placeOf.set(index, history.length);
    if (record.supersedes) {
      const corrected = placeOf.get(records.findIndex((candidate) => candidate?.recordHash === record.supersedes!.recordHash));
      if (corrected !== undefined) history[corrected] = { ...history[corrected], superseded: true };
      history.push({ step: record.step, effectiveDate: record.effectiveDate, fields: record.fields, superseded: true });
      return { evaluated: false, reason: "correction" };
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
