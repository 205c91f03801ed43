// Correcting a member's personal data: the new version is checked like a roster row (GB 11643 check character, and
// the birth date and sex the number encodes), sealed in place of the old one with the keyed indexes it is found by,
// and the old version is kept, sealed as it was, with who replaced it, when and why.
import { z } from "zod";
import { ActivePersonExistsError, type Member } from "../../data-access";
import { requireRole } from "../access";
import { Conflict, Forbidden, RuleViolation } from "../errors";
import type { Actor, Institution } from "../institution";
import {
  memberView,
  openPersonalData,
  personalDataSchema,
  readableMember,
  sealPersonalData,
  tryOpenPersonalData,
  type MemberView,
  type PersonalData,
} from "./members";
import { refusalText } from "../messages";
import { idNumberBirthDate, idNumberProblem, idNumberSex, normalizeIdNumber } from "../roster/id-number";
import { RULES } from "../refusals";

/** Why personal data is corrected: the one list (the portal names each, api/web/assets/pages/member/personal-data.js). */
export const PERSONAL_DATA_REASON_CODES = ["TYPING_MISTAKE", "DOCUMENT_CHANGED", "MEMBER_REQUEST", "OTHER"] as const;

export const correctPersonalDataSchema = z.strictObject({
  personal: personalDataSchema,
  reasonCode: z.enum(PERSONAL_DATA_REASON_CODES),
});
export type CorrectPersonalDataRequest = z.infer<typeof correctPersonalDataSchema>;

export interface PersonalDataVersion {
  personal: PersonalData | null;
  reasonCode: string;
  replacedBy: { accountId: string; username: string | null };
  replacedAt: string;
}

function refused(rule: string, field: string, detail = ""): RuleViolation {
  return new RuleViolation({ rule, field, message: `${refusalText(rule)?.en ?? rule}${detail}` });
}

/**
 * Refuses personal data whose ID number fails GB 11643 or disagrees with the birth date or sex given beside it,
 * naming the field. The ID number comes back normalized (upper-case X).
 */
export function checkedPersonalData(personal: PersonalData): PersonalData {
  const idNumber = normalizeIdNumber(personal.idNumber);
  const problem = idNumberProblem(idNumber);
  if (problem) throw refused(`roster.idNumber.${problem}`, "personal.idNumber");
  const encodedBirthDate = idNumberBirthDate(idNumber);
  if (personal.birthDate !== encodedBirthDate) {
    throw refused(RULES.rosterBirthDateMismatch, "personal.birthDate", ` (${personal.birthDate} ≠ ${encodedBirthDate})`);
  }
  if (personal.gender !== undefined && personal.gender !== idNumberSex(idNumber)) throw refused(RULES.rosterSexMismatch, "personal.gender");
  return { ...personal, idNumber };
}

function requireGranted(actor: Actor, action: string): void {
  if (!actor.canReadPersonalData) {
    throw new Forbidden({ rule: RULES.personalDataNotGranted, message: `${action} needs an account granted personal data` });
  }
}

/** Replaces the member's personal data with a checked new version; the old one goes to its history. */
export async function correctPersonalData(
  institution: Institution,
  actor: Actor,
  memberId: string,
  request: CorrectPersonalDataRequest,
): Promise<MemberView> {
  requireRole(actor, "correctPersonalData");
  requireGranted(actor, "correcting personal data");
  const member = await readableMember(institution, actor, memberId);
  if (member.status !== "ACTIVE") {
    throw new Conflict(`member ${memberId} was transferred out and is read-only`, { rule: RULES.memberTransferredOut });
  }
  const personal = checkedPersonalData(request.personal);
  const before = openPersonalData(institution, member);
  if (changedFields(before, personal).length === 0) {
    throw new RuleViolation({ rule: RULES.personalDataUnchanged, field: "personal", message: "the personal data is already so" });
  }
  try {
    const corrected = await institution.transaction(async (tx) => {
      await tx.personalDataHistory.add({
        memberId: member.id,
        orgId: member.orgId,
        personalData: member.personalData,
        reasonCode: request.reasonCode,
        replacedBy: actor.accountId,
      });
      const updated = await tx.members.update(member.id, sealPersonalData(institution, member.memberKey, member.orgId, personal));
      await tx.auditLog.append({
        accountId: actor.accountId,
        orgId: actor.orgId,
        action: "member.personalDataCorrect",
        targetType: "member",
        targetId: member.id,
        // Which fields changed, never their values: the audit log holds no personal data.
        details: { memberKey: member.memberKey, reasonCode: request.reasonCode, fields: changedFields(before, personal) },
      });
      return updated as Member;
    });
    return memberView(institution, actor, corrected);
  } catch (error) {
    if (error instanceof ActivePersonExistsError) {
      throw new Conflict("a member with this ID number is already on file", {
        rule: RULES.memberUniqueIdNumber,
        field: "personal.idNumber",
      });
    }
    throw error;
  }
}

function changedFields(before: PersonalData, after: PersonalData): string[] {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])] as (keyof PersonalData)[];
  return keys.filter((key) => before[key] !== after[key]).sort();
}

/** The versions corrections replaced, oldest first, each with who replaced it, when and why. */
export async function personalDataHistory(institution: Institution, actor: Actor, memberId: string): Promise<PersonalDataVersion[]> {
  requireGranted(actor, "reading the history of personal data");
  const member = await readableMember(institution, actor, memberId);
  const versions = await institution.repositories.personalDataHistory.listByMember(member.id);
  const accounts = new Map<string, string | null>();
  for (const accountId of new Set(versions.map((version) => version.replacedBy))) {
    accounts.set(accountId, (await institution.repositories.accounts.get(accountId))?.username ?? null);
  }
  return versions.map((version) => ({
    // Sealed to the organization that held it then; null if that row was altered outside the service.
    personal: tryOpenPersonalData(institution, { memberKey: member.memberKey, orgId: version.orgId, personalData: version.personalData }),
    reasonCode: version.reasonCode,
    replacedBy: { accountId: version.replacedBy, username: accounts.get(version.replacedBy) ?? null },
    replacedAt: version.replacedAt.toISOString(),
  }));
}
