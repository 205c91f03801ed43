// A member's recorded steps replayed the way MembershipLedger sees them: the member's status, the probation
// end (extended at most once), and look-ups of the latest record of a step for the rules.
import { addMonths, type IsoDate } from "../../lib/calendar";
import type { ChainAction, MemberStatus, StepDefinition } from "./schema";
import type { RuleSet } from "./schema";

/** One recorded step as the rules need it. Superseded records (replaced by a correction) are ignored. */
export interface HistoryRecord {
  step: string;
  effectiveDate: IsoDate;
  fields: Record<string, unknown>;
  superseded?: boolean;
  /**
   * For a record entered from earlier files (a roster import): the status the files say the member reached with it.
   * Its step's prerequisites, and every step before it, count as done: the files do not hold them one by one.
   */
  archivalStatus?: MemberStatus;
}

export interface MemberHistory {
  /** The live records in chronological order. */
  readonly records: readonly HistoryRecord[];
  readonly status: MemberStatus;
  readonly lastEffectiveDate: IsoDate | undefined;
  /** The day probation ends (full membership dates from it), once admitted. */
  readonly probationEnd: IsoDate | undefined;
  /** 1 + the number of probation extensions recorded. */
  readonly probationPeriods: number;
  /** The rule-set position of the latest archival record's step (-1 without one): steps up to it count as done. */
  readonly archivedThrough: number;
  latest(step: string): HistoryRecord | undefined;
  all(step: string): readonly HistoryRecord[];
}

/** Status after a chain action, exactly as MembershipLedger moves its stage. */
const STATUS_AFTER: Partial<Record<ChainAction, MemberStatus>> = {
  register: "APPLICANT",
  selectActivist: "ACTIVIST",
  selectCandidate: "CANDIDATE",
  admit: "PROBATIONARY",
  convert: "FULL",
  cancel: "CANCELLED",
};

export interface ResolvedChainAction {
  action: ChainAction;
  /** The record whose field chose the action (S23 for S24). */
  source?: HistoryRecord;
}

/** The chain action a step implies, given the latest records before it; null if the deciding record is missing. */
export function resolveChainAction(
  step: StepDefinition,
  latest: (step: string) => HistoryRecord | undefined
): ResolvedChainAction | null {
  const definition = step.chainAction;
  if (typeof definition === "string") return { action: definition };
  const source = latest(definition.fromStep);
  const action = source === undefined ? undefined : definition.map[String(source.fields[definition.field])];
  return action === undefined ? null : { action, source };
}

/**
 * Replays a member's history. Records are taken in chronological order (effective date, then step order, then
 * the given order), so a correction that supersedes an older record takes that record's place.
 */
export function replayHistory(ruleSet: RuleSet, history: readonly HistoryRecord[]): MemberHistory {
  const records = history
    .map((record, index) => ({ record, index, ordinal: stepOrdinal(ruleSet, record.step) }))
    .filter(({ record }) => !record.superseded)
    .sort(
      (a, b) => compare(a.record.effectiveDate, b.record.effectiveDate) || a.ordinal - b.ordinal || a.index - b.index
    )
    .map(({ record }) => record);

  const byStep = new Map<string, HistoryRecord[]>();
  const latest = (step: string) => byStep.get(step)?.at(-1);
  let status: MemberStatus = "NONE";
  let probationEnd: IsoDate | undefined;
  let probationPeriods = 1;
  let archivedThrough = -1;

  for (const record of records) {
    if (record.archivalStatus !== undefined) {
      status = record.archivalStatus;
      archivedThrough = Math.max(archivedThrough, stepOrdinal(ruleSet, record.step), reachingOrdinal(ruleSet, record.archivalStatus));
      if (record.step === ruleSet.probation.startStep) probationEnd = addMonths(record.effectiveDate, ruleSet.probation.months);
      byStep.set(record.step, [...(byStep.get(record.step) ?? []), record]);
      continue;
    }
    const resolved = resolveChainAction(ruleSet.step(record.step)!, latest);
    if (resolved?.action === "admit") {
      const start = record.step === ruleSet.probation.startStep ? record : latest(ruleSet.probation.startStep);
      if (start !== undefined) probationEnd = addMonths(start.effectiveDate, ruleSet.probation.months);
    }
    if (resolved?.action === "extendProbation" && probationEnd !== undefined) {
      const months = resolved.source?.fields[ruleSet.probation.extensionMonthsField];
      if (typeof months === "number") probationEnd = addMonths(probationEnd, months);
      probationPeriods += 1;
    }
    status = (resolved && STATUS_AFTER[resolved.action]) ?? status;
    byStep.set(record.step, [...(byStep.get(record.step) ?? []), record]);
  }

  return {
    records,
    status,
    lastEffectiveDate: records.at(-1)?.effectiveDate,
    probationEnd,
    probationPeriods,
    archivedThrough,
    latest,
    all: (step) => byStep.get(step) ?? [],
  };
}

/**
 * The rule-set position of the step whose chain action brings a member to `status` (S17 for probationary, S24 for
 * full): an archival record attesting that status attests that step too, even when it dates another (the branch
 * meeting for a probationary member).
 */
function reachingOrdinal(ruleSet: RuleSet, status: MemberStatus): number {
  return ruleSet.steps.findIndex((step) => {
    const actions = typeof step.chainAction === "string" ? [step.chainAction] : Object.values(step.chainAction.map);
    return actions.some((action) => STATUS_AFTER[action] === status);
  });
}

export function stepOrdinal(ruleSet: RuleSet, code: string): number {
  const ordinal = ruleSet.steps.findIndex((step) => step.code === code);
  if (ordinal < 0) throw new Error(`history names step ${code}, unknown to rule set ${ruleSet.version}`);
  return ordinal;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
