// One member's complete, valid development under the 2014 rules: the reference history the rules tests
// start from and break one rule at a time.
import type { HistoryRecord, StepInput } from "../../../api/src/domain/rules";
import { JOURNEY } from "../../../api/src/seed/journey";

export const BIRTH_DATE = "2000-05-10";
export const TODAY = "2026-11-20";

export { fullMember, JOURNEY, VOTE_9_OF_9 } from "../../../api/src/seed/journey";

/** The journey's records before the first record of `step`. */
export function historyBefore(step: string): HistoryRecord[] {
  const index = JOURNEY.findIndex((record) => record.step === step);
  if (index < 0) throw new Error(`no ${step} in the journey`);
  return JOURNEY.slice(0, index);
}

/** The journey's own record of `step` (its first), as a write against the history before it. */
export function journeyInput(step: string, changes: Partial<StepInput> = {}): StepInput {
  const record = JOURNEY.find((candidate) => candidate.step === step)!;
  return {
    step,
    effectiveDate: record.effectiveDate,
    fields: record.fields,
    history: historyBefore(step),
    member: { birthDate: BIRTH_DATE },
    facts: { approvingOrgMayApprove: true },
    today: TODAY,
    ...changes,
  };
}
