// One member's file replayed through the rules the way each of its records was evaluated when it entered this
// instance: a record written here as recordStep evaluated it (the records before it as history, a correction in place
// of the record it replaces), a roster's archival records as the roster import evaluated them (together, by their
// dates), and a record received with a transfer as the federation review replayed the file it came in.
import { todayInChina, type IsoDate } from "../../lib/calendar";
import type { RecordBody } from "../../lib/record-hash";
import { historyRecordOf } from "../membership/history";
import {
  ARCHIVAL_MILESTONES,
  archivalDatesOf,
  evaluateArchival,
  evaluateStep,
  PROVEN_FACTS,
  replayReceivedFile,
  type RuleSet,
} from "../rules";

/** A record of the file, its body opened, in the member's sequence order. */
export interface FileRecord {
  id: number;
  recordHash: string;
  body: RecordBody;
  /** When this instance stored it: the day its rules were judged on. */
  createdAt: Date;
  /** Received with an accepted transfer. */
  imported: boolean;
}

/** What the rules say of one record: the rules of its soft findings (sorted) and the hard rules it breaks. */
export interface ReplayedRecord {
  id: number;
  findingRules: string[];
  violations: string[];
}

/**
 * A row's created_at is the database's clock, the write's "today" was the service's: they may straddle midnight by a
 * little, and a record dated the day it was written must not look written the day before.
 */
const CLOCK_SKEW_MS = 5 * 60_000;

function dayOf(record: FileRecord): IsoDate {
  return todayInChina(new Date(record.createdAt.getTime() + CLOCK_SKEW_MS));
}

/** Replays every record of the file; `ruleSetOf` throws for a rule version this instance does not hold. */
export function replayMemberFile(
  records: readonly FileRecord[],
  member: { birthDate?: IsoDate },
  ruleSetOf: (version: string) => RuleSet,
): ReplayedRecord[] {
  const received = replayReceived(records, member, ruleSetOf);
  const archival = replayArchival(records, member, ruleSetOf);
  return records.map((record, index) => {
    const outcome = received.get(record.id) ?? archival.get(record.id) ?? guarded(() => replayWritten(records, index, member, ruleSetOf));
    return { id: record.id, findingRules: outcome.findingRules.sort(), violations: outcome.violations };
  });
}

type Outcome = Omit<ReplayedRecord, "id">;

/** A record the rules cannot be applied to (a rule version not held, a step they do not know) breaks them. */
function unappliable(error: unknown): Outcome {
  return { findingRules: [], violations: [`the rules cannot be applied to it: ${error instanceof Error ? error.message : String(error)}`] };
}

function guarded(replay: () => Outcome): Outcome {
  try {
    return replay();
  } catch (error) {
    return unappliable(error);
  }
}

/** A record written here: the member's records before it as history, as recordStep loaded them. */
function replayWritten(
  records: readonly FileRecord[],
  index: number,
  member: { birthDate?: IsoDate },
  ruleSetOf: (version: string) => RuleSet,
): Outcome {
  const { body } = records[index];
  const earlier = records.slice(0, index);
  const superseded = new Set(earlier.flatMap((record) => (record.body.supersedes ? [record.body.supersedes.recordHash] : [])));
  // A correction was evaluated in place of the record it replaces: that record is left out of its history.
  const history = earlier
    .filter((record) => record.recordHash !== body.supersedes?.recordHash)
    .map((record) => historyRecordOf(record.body, superseded.has(record.recordHash)));
  const { findings, violations } = evaluateStep(ruleSetOf(body.ruleVersion), {
    step: body.step,
    effectiveDate: body.effectiveDate,
    fields: body.fields,
    history,
    member,
    facts: PROVEN_FACTS,
    today: dayOf(records[index]),
  });
  return { findingRules: findings.map((finding) => finding.rule), violations: violations.map((violation) => violation.message) };
}

/** A roster's archival records, evaluated together by their dates as the roster import checked its row. */
function replayArchival(
  records: readonly FileRecord[],
  member: { birthDate?: IsoDate },
  ruleSetOf: (version: string) => RuleSet,
): Map<number, Outcome> {
  const archival = records
    .filter((record) => record.body.archival && !record.imported)
    .map((record) => ({ record, milestone: ARCHIVAL_MILESTONES.find((milestone) => milestone.step === record.body.step) }));
  const outcomes = new Map<number, Outcome>();
  if (archival.length === 0) return outcomes;
  const dates = archivalDatesOf(archival.map(({ record }) => record.body));
  const [{ record: first }] = archival;
  try {
    const evaluation = evaluateArchival(ruleSetOf(first.body.ruleVersion), dates, member, dayOf(first));
    for (const { record, milestone } of archival) {
      const broken = evaluation.violations.filter((violation) => violation.date === milestone?.date);
      outcomes.set(record.id, {
        findingRules: evaluation.findings.filter((finding) => finding.date === milestone?.date).map((finding) => finding.rule),
        violations: [
          ...(milestone ? [] : [`step ${record.body.step} is not a milestone a roster gives`]),
          ...broken.map((violation) => `${violation.rule}: ${violation.message.en}`),
        ],
      });
    }
  } catch (error) {
    for (const { record } of archival) outcomes.set(record.id, unappliable(error));
  }
  return outcomes;
}

/**
 * Records received with a transfer, as the review replayed the file they came in: the whole file up to them, under the
 * rule version this instance held then (the one they name; the review refused any other).
 */
function replayReceived(
  records: readonly FileRecord[],
  member: { birthDate?: IsoDate },
  ruleSetOf: (version: string) => RuleSet,
): Map<number, Outcome> {
  const outcomes = new Map<number, Outcome>();
  const file = records.map(({ recordHash, body }) => ({ ...body, recordHash }));
  const versions = new Set(records.filter((record) => record.imported).map((record) => record.body.ruleVersion));
  for (const version of versions) {
    const received = records.flatMap((record, index) => (record.imported && record.body.ruleVersion === version ? [index] : []));
    try {
      const replayed = replayReceivedFile(ruleSetOf(version), file, member, (index) => dayOf(records[index])).outcomes;
      for (const index of received) {
        const outcome = replayed[index];
        outcomes.set(
          records[index].id,
          outcome.evaluated
            ? {
                findingRules: outcome.findings.map((finding) => finding.rule),
                violations: outcome.violations.map((violation) => violation.message),
              }
            : { findingRules: [], violations: [] },
        );
      }
    } catch (error) {
      for (const index of received) outcomes.set(records[index].id, unappliable(error));
    }
  }
  return outcomes;
}
