// The printable letter of a transfer issued here, for the clerk who hands it to the member: it names the member, so it
// is only for accounts granted personal data. What makes it checkable (the 编号, the 核验码 and the QR codes to the
// public verification page) holds nothing personal.

import { ageOn, todayInChina } from "../../../lib/calendar";
import { Conflict, Forbidden, NotFound } from "../../errors";
import type { Actor, Institution } from "../../institution";
import { renderLetterPdf, type LetterIssuerContact } from "./pdf";
import { openPersonalData } from "../../membership/members";
import type { RuleSet } from "../../rules";
import { letterOf } from "./format";
import { exportedDestination, readableTransfer } from "../views";
import { MEMBER_STAGES, type MemberStage } from "../../vocabulary";
import { RULES } from "../../refusals";

const DAY_MS = 86_400_000;

/** An exported transfer keeps its outside destination sealed beside it; this stands in should that be missing. */
const OUTSIDE_ORGANIZATION = "（外部组织）";

/** Where the letter's QR codes point, and what it prints of the issuing committee beyond its name. */
export interface LetterSettings {
  publicBaseUrl: string;
  issuerContact: LetterIssuerContact;
}

export async function transferLetterPdf(
  institution: Institution,
  actor: Actor,
  transferId: string,
  { publicBaseUrl, issuerContact }: LetterSettings,
): Promise<{ fileName: string; content: Buffer }> {
  const transfer = await readableTransfer(institution, actor, transferId);
  if (!transfer.issuedHere) {
    throw new Forbidden({ rule: RULES.letterIssuedHere, message: "only the institution that issued a transfer prints its letter" });
  }
  if (!actor.canReadPersonalData) {
    throw new Forbidden({
      rule: RULES.personalDataNotGranted,
      message: "the letter names the member, whose personal data your account is not granted",
    });
  }
  const { organizations, members } = institution.repositories;
  const member = transfer.memberId ? await members.get(transfer.memberId) : null;
  if (!member) throw new NotFound(`the member of transfer ${transferId} is not held here`);
  if (transfer.letterNumber === null || transfer.holderSalt === null) {
    throw new Conflict(`transfer ${transferId} was issued before letters had numbers: reissue it to print a letter`, {
      rule: RULES.letterNoNumber,
    });
  }
  const nameOf = async (orgId: number | null) => (orgId === null ? null : ((await organizations.get(orgId))?.name ?? null));
  // An organization is named with its committee, which names the university: 甲大学党委 计算机学院本科生第一党支部.
  const fullNameOf = async (orgId: number | null) => {
    const name = await nameOf(orgId);
    const committee = orgId === null ? null : await organizations.committeeOf(orgId);
    return committee === null || committee === orgId ? name : `${await nameOf(committee)}${name}`;
  };
  const personal = openPersonalData(institution, member);
  const issuedOn = todayInChina(transfer.createdAt);
  const content = await renderLetterPdf({
    kind: transfer.kind,
    number: transfer.letterNumber,
    salt: transfer.holderSalt,
    addressee: (await fullNameOf(transfer.toOrgId)) ?? exportedDestination(institution, transfer)?.name ?? OUTSIDE_ORGANIZATION,
    member: {
      name: personal.name,
      gender: personal.gender,
      age: ageOn(personal.birthDate, issuedOn),
      ethnicity: personal.ethnicity,
      idNumber: personal.idNumber,
      phone: personal.phone,
    },
    stageName: stageName(institution.ruleSet, member.stage),
    fromOrgName: (await fullNameOf(transfer.fromOrgId)) ?? String(transfer.fromOrgId),
    issuerName: (await nameOf(await organizations.committeeOf(transfer.fromOrgId))) ?? String(transfer.fromOrgId),
    issuerContact,
    issuedOn,
    validDays: Math.round((transfer.validUntil.getTime() - transfer.createdAt.getTime()) / DAY_MS),
    letterUrl: `${publicBaseUrl}/verify?number=${transfer.letterNumber}&salt=${transfer.holderSalt}`,
    receiptUrl: `${publicBaseUrl}/verify?number=${transfer.letterNumber}`,
    letter: letterOf(transfer),
  });
  return { fileName: `介绍信-${transfer.letterNumber}.pdf`, content };
}

// The rule set lists its stages in the ledger's order (applicant … full member); a cancelled probation has none.
function stageName(ruleSet: RuleSet, stage: MemberStage): string {
  return ruleSet.definition.stages[MEMBER_STAGES.indexOf(stage)]?.name.zh ?? stage;
}
