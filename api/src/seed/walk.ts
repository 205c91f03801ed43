// Walks one person through the journey's steps up to a given one, through the real domain services: the demo seed
// uses it for its members, tests and benchmarks for theirs.
import type { Actor, Institution } from "../domain/institution";
import type { PersonalData } from "../domain/membership/members";
import { enrollMember, recordStep, type RecordedStep } from "../domain/membership/records";
import { addMonths } from "../lib/calendar";
import { ROLES } from "../domain/vocabulary";
import { JOURNEY } from "./journey";

export interface Walk {
  orgId: number;
  personal: PersonalData;
  /** The last step to record, e.g. "S17". */
  upTo: string;
  /** Shifts the journey's dates (2019–2022) forward by whole years. */
  yearsLater?: number;
}

/** Enters the person and records each step up to `upTo`, as the clerk and (for approvals) the approver would. */
export async function walkMember(institution: Institution, clerk: Actor, approver: Actor, walk: Walk): Promise<RecordedStep[]> {
  const last = JOURNEY.findIndex((record) => record.step === walk.upTo);
  if (last < 0) throw new RangeError(`the journey has no step ${walk.upTo}`);
  const [application, ...rest] = JOURNEY.slice(0, last + 1).map((record) => ({
    ...record,
    effectiveDate: addMonths(record.effectiveDate, 12 * (walk.yearsLater ?? 0)),
  }));
  const enrolled = await enrollMember(institution, clerk, {
    orgId: walk.orgId,
    personal: walk.personal,
    application: { effectiveDate: application.effectiveDate, fields: application.fields, evidence: [] },
  });
  const recorded = [enrolled];
  for (const record of rest) {
    const actor = institution.ruleSet.step(record.step)!.recordedBy === ROLES.approver ? approver : clerk;
    // The journey's approvals name university A's committee; an approval names the approver's own committee.
    const fields = record.fields.approvingOrgId === undefined ? record.fields : { ...record.fields, approvingOrgId: approver.orgId };
    recorded.push(
      await recordStep(institution, actor, enrolled.memberId, {
        step: record.step,
        effectiveDate: record.effectiveDate,
        fields,
        evidence: [],
      }),
    );
  }
  return recorded;
}
