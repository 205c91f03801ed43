// The printable letter of a transfer issued here, for the clerk who hands it to the member: it names the member, so it
// is only for accounts granted personal data. What makes it checkable (transfer code, letter hash, QR code to the
// public verification page) holds nothing personal.
import { MEMBER_STAGES, type MemberStage } from "../data-access";
import { todayInChina } from "../lib/calendar";
import { Forbidden, NotFound } from "./errors";
import type { Actor, Institution } from "./institution";
import { renderLetterPdf } from "./letter-pdf";
import { openPersonalData } from "./members";
import type { RuleSet } from "./rules";
import { exportedDestination, letterOf, readableTransfer } from "./transfers";

/** An exported transfer keeps its outside destination sealed beside it; this stands in should that be missing. */
const OUTSIDE_ORGANIZATION = "（外部组织）";

export async function transferLetterPdf(
  institution: Institution,
  actor: Actor,
  transferId: string,
  publicBaseUrl: string,
): Promise<{ fileName: string; content: Buffer }> {
  const transfer = await readableTransfer(institution, actor, transferId);
  if (!transfer.issuedHere) {
    throw new Forbidden({ rule: "letter.issuedHere", message: "only the institution that issued a transfer prints its letter" });
  }
  if (!actor.canReadPersonalData) {
    throw new Forbidden({ rule: "personalData.notGranted", message: "the letter names the member, whose personal data your account is not granted" });
  }
  const { organizations, members } = institution.repositories;
  const member = transfer.memberId ? await members.get(transfer.memberId) : null;
  if (!member) throw new NotFound(`the member of transfer ${transferId} is not held here`);
  const nameOf = async (orgId: number | null) => (orgId === null ? null : ((await organizations.get(orgId))?.name ?? null));
  const personal = openPersonalData(institution, member);
  const content = await renderLetterPdf({
    kind: transfer.kind,
    addressee: (await nameOf(transfer.toOrgId)) ?? exportedDestination(institution, transfer)?.name ?? OUTSIDE_ORGANIZATION,
    member: { name: personal.name, gender: personal.gender, idNumber: personal.idNumber },
    stageName: stageName(institution.ruleSet, member.stage),
    fromOrgName: (await nameOf(transfer.fromOrgId)) ?? String(transfer.fromOrgId),
    issuerName: (await nameOf(await organizations.committeeOf(transfer.fromOrgId))) ?? String(transfer.fromOrgId),
    issuedOn: todayInChina(transfer.createdAt),
    validUntil: todayInChina(transfer.validUntil),
    letterHash: transfer.letterHash,
    verifyUrl: `${publicBaseUrl}/verify?transfer=${transfer.id}`,
    letter: letterOf(transfer),
  });
  return { fileName: `letter-${transfer.id.slice(0, 10)}.pdf`, content };
}

// The rule set lists its stages in the ledger's order (applicant … full member); a cancelled probation has none.
function stageName(ruleSet: RuleSet, stage: MemberStage): string {
  return ruleSet.definition.stages[MEMBER_STAGES.indexOf(stage)]?.name.zh ?? stage;
}
