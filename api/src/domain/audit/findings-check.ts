// The soft-rule findings stored on each record against those its write's entry in the administrative log named (the
// entry is written in the same transaction, and the log is hash-chained): a finding deleted or added later shows.
// What the row and the log were both made to say is caught by the rules' replay (rules-replay.ts).
import type { LoggedFindingRules, RecordFindingRules } from "../../data-access/repositories/instance-scan";
import type { FindingSet } from "./report";

export function checkFindings(
  stored: readonly RecordFindingRules[],
  logged: readonly LoggedFindingRules[],
  isImported: (recordId: number) => boolean,
  findings: FindingSet,
): void {
  const storedOf = new Map(stored.map((entry) => [entry.recordId, entry.rules]));
  for (const entry of logged) {
    const rules = storedOf.get(entry.recordId) ?? [];
    if (rules.join(",") === entry.rules.join(",")) continue;
    findings.add({
      kind: "FINDINGS_MISMATCH",
      recordId: entry.recordId,
      detail: `Record ${entry.recordId} was written with finding(s) [${entry.rules.join(", ")}] (administrative log entry ${entry.auditEntryId}), but [${rules.join(", ")}] are stored.`,
    });
  }
  // Findings on a record whose write no entry names. An imported record's findings come from the transfer's review,
  // which the log does not list record by record: the rules' replay (rules-replay.ts) recomputes them instead.
  const loggedIds = new Set(logged.map((entry) => entry.recordId));
  for (const entry of stored) {
    if (loggedIds.has(entry.recordId) || isImported(entry.recordId)) continue;
    findings.add({
      kind: "FINDINGS_MISMATCH",
      recordId: entry.recordId,
      detail: `Record ${entry.recordId} has finding(s) [${entry.rules.join(", ")}] stored, but no entry of the administrative log names its write.`,
    });
  }
}
