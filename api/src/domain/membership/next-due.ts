// Each member's most pressing next step, as the lists and the dashboard show it. The rules engine derives it from the
// member's history; it is stored beside the member (a cache, not a fact) so that pages need not replay every
// history per call. Which step presses most does not depend on the day, only whether it is overdue does: so the
// stored step and its limits hold until the member's next record or another rule set, and the overdue are those whose
// limit is before today — one indexed count.
import type { Member, StoredNextDue } from "../../data-access";
import type { IsoDate } from "../../lib/calendar";
import type { FieldCipher } from "../../lib/field-encryption";
import { loadHistory } from "./history";
import type { Institution } from "../institution";
import { nextSteps, type NextStep } from "../rules";

/** The step a clerk should see first in a list: an overdue one, else the one due soonest, else the first offered. */
export interface NextDue {
  step: string;
  name: { zh: string; en: string };
  dueBy?: string;
  deadline?: string;
  overdue: boolean;
}

/** What is stored: the pressing step and its limits, without the day-dependent `overdue` or the rule set's names. */
interface PressingStep {
  step: string;
  dueBy?: IsoDate;
  deadline?: IsoDate;
}

export function nextDueOf(steps: readonly NextStep[]): NextDue | null {
  const pressing = steps.reduce<NextStep | null>((best, step) => (best === null || pressesMore(step, best) ? step : best), null);
  if (!pressing) return null;
  const { step, name, dueBy, deadline, overdue } = pressing;
  return { step, name, ...(dueBy !== undefined && { dueBy }), ...(deadline !== undefined && { deadline }), overdue };
}

/** Overdue before not; then the earlier limit (the one `overdue` is measured against); ties keep rule-set order. */
function pressesMore(candidate: NextStep, best: NextStep): boolean {
  if (candidate.overdue !== best.overdue) return candidate.overdue;
  const limit = candidate.dueBy ?? candidate.deadline;
  const bestLimit = best.dueBy ?? best.deadline;
  return limit !== undefined && (bestLimit === undefined || limit < bestLimit);
}

/**
 * Derives again, and stores, the next due of every active member of the subtree whose stored one is not derived from
 * its last record under the current rules; afterwards the stored dates are the rules engine's answer for all of them
 * (unless `stop` said to stop early). Returns how many it derived.
 */
export async function refreshStaleNextDue(institution: Institution, rootOrgId: number, stop: () => boolean = () => false): Promise<number> {
  const stale = await institution.repositories.members.listStaleNextDue(rootOrgId, institution.ruleSet.hash);
  for (const { id, headSequence } of stale) {
    if (stop()) break;
    const member = await institution.repositories.members.get(id);
    if (member) await derive(institution, member, headSequence);
  }
  return stale.length;
}

/** The next due of each active member given (null for those who left), derived again where the stored one is stale. */
export async function nextDueOfMembers(institution: Institution, members: readonly Member[]): Promise<Map<string, NextDue | null>> {
  const active = members.filter((member) => member.status === "ACTIVE");
  const stored = new Map(
    (await institution.repositories.members.listNextDue(active.map((member) => member.id))).map((row) => [row.memberId, row]),
  );
  const today = institution.today();
  const result = new Map<string, NextDue | null>(members.map((member) => [member.id, null]));
  for (const member of active) {
    const row = stored.get(member.id);
    const pressing = (row && openCurrent(institution, row)) ?? (await derive(institution, member, row?.headSequence ?? null));
    result.set(member.id, pressing && presented(institution, pressing, today));
  }
  return result;
}

/** A stored next due that is current (its basis is the member's head under these rules) and opens under it; else undefined. */
function openCurrent(institution: Institution, row: StoredNextDue): PressingStep | null | undefined {
  if (row.rules !== institution.ruleSet.hash || row.sequence === null || row.sequence !== row.headSequence) return undefined;
  const opened = openSealed(institution.cipher, row);
  return opened === undefined || limitOf(opened) !== row.dueOn ? undefined : opened;
}

/**
 * Whether a stored next due the dashboard would count as current (derived from the member's last record) is the one
 * sealed under that basis. A row edited outside the service fails this; one merely stale is derived again when read.
 */
export function currentNextDueIntact(
  cipher: Pick<FieldCipher, "decrypt">,
  memberId: string,
  row: Omit<StoredNextDue, "memberId">,
): boolean {
  if (row.sequence === null || row.sequence !== row.headSequence) return true;
  const opened = openSealed(cipher, { memberId, ...row });
  return opened !== undefined && limitOf(opened) === row.dueOn;
}

/** The sealed step of a row, undefined when it does not open under the basis the row names. */
function openSealed(
  cipher: Pick<FieldCipher, "decrypt">,
  row: Pick<StoredNextDue, "memberId" | "sealed" | "rules" | "sequence">,
): PressingStep | null | undefined {
  if (row.sealed === null || row.rules === null || row.sequence === null) return undefined;
  try {
    return JSON.parse(cipher.decrypt(row.sealed, sealContext(row.memberId, row.rules, row.sequence))) as PressingStep | null;
  } catch {
    return undefined;
  }
}

function limitOf(pressing: PressingStep | null): IsoDate | null {
  return pressing?.dueBy ?? pressing?.deadline ?? null;
}

async function derive(institution: Institution, member: Member, headSequence: number | null): Promise<PressingStep | null> {
  // Without a day, no step is overdue and the most pressing is the one with the earliest limit: the day only decides
  // whether that one is overdue (nextDueOf ranks overdue steps first, and the earliest limit is overdue if any is).
  const pressing = nextDueOf(nextSteps(institution.ruleSet, await loadHistory(institution, member)));
  const stored: PressingStep | null = pressing && {
    step: pressing.step,
    ...(pressing.dueBy !== undefined && { dueBy: pressing.dueBy }),
    ...(pressing.deadline !== undefined && { deadline: pressing.deadline }),
  };
  if (headSequence !== null) {
    const rules = institution.ruleSet.hash;
    await institution.repositories.members.storeNextDue(member.id, {
      dueOn: limitOf(stored),
      sealed: institution.cipher.encryptJson(stored, sealContext(member.id, rules, headSequence)),
      rules,
      sequence: headSequence,
    });
  }
  return stored;
}

function presented(institution: Institution, pressing: PressingStep, today: IsoDate): NextDue {
  const limit = pressing.dueBy ?? pressing.deadline;
  return {
    step: pressing.step,
    name: institution.ruleSet.step(pressing.step)!.name,
    ...(pressing.dueBy !== undefined && { dueBy: pressing.dueBy }),
    ...(pressing.deadline !== undefined && { deadline: pressing.deadline }),
    overdue: limit !== undefined && today > limit,
  };
}

function sealContext(memberId: string, rulesHash: string, sequence: number): string {
  return `member-next-due:${memberId}:${rulesHash}:${sequence}`;
}
