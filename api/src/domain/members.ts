// Members: their encrypted personal data, the blind index on the ID number, and the views clerks see.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { InvalidCursorError, type Member, type MemberStage } from "../data-access";
import { isIsoDate } from "../lib/calendar";
import { blindIndex } from "../lib/field-encryption";
import { requireInScope, requireRole } from "./access";
import { NotFound, ValidationError } from "./errors";
import type { Actor, Institution } from "./institution";
import { nextSteps, type NextStep } from "./rules";
import { loadHistory } from "./history";

/** Mainland resident ID: 17 digits and a digit or X check character. */
const ID_NUMBER = /^[0-9]{17}[0-9Xx]$/;

export const personalDataSchema = z.strictObject({
  name: z.string().trim().min(1).max(64),
  idNumber: z.string().regex(ID_NUMBER, "must be an 18-character resident ID number"),
  birthDate: z.string().refine(isIsoDate, "must be a calendar date YYYY-MM-DD"),
  gender: z.enum(["M", "F"]).optional(),
  phone: z.string().max(32).optional(),
  unit: z.string().max(128).optional(),
});
export type PersonalData = z.infer<typeof personalDataSchema>;

export interface MemberView {
  id: string;
  memberKey: string;
  orgId: number;
  stage: MemberStage;
  status: Member["status"];
  /** Present only for callers granted personal data. */
  personal?: PersonalData;
  createdAt: string;
}

export interface MemberFile extends MemberView {
  nextSteps: NextStep[];
  findings: { recordId: number; rule: string; message: string }[];
}

const READ_ROLES = ["ORG_ADMIN", "CLERK", "APPROVER", "AUDITOR"] as const;

export function newMemberKey(): string {
  return `0x${randomBytes(32).toString("hex")}`;
}

export function sealPersonalData(institution: Institution, memberKey: string, personal: PersonalData) {
  return {
    personalData: Buffer.from(institution.cipher.encryptJson(personal, `member:${memberKey}`)),
    idNumberIndex: blindIndex(institution.blindIndexKey, personal.idNumber),
  };
}

export function openPersonalData(institution: Institution, member: Member): PersonalData {
  return institution.cipher.decryptJson<PersonalData>(
    Buffer.from(member.personalData).toString("utf8"),
    `member:${member.memberKey}`,
  );
}

export function memberView(institution: Institution, actor: Actor, member: Member): MemberView {
  return {
    id: member.id,
    memberKey: member.memberKey,
    orgId: member.orgId,
    stage: member.stage,
    status: member.status,
    ...(actor.canReadPersonalData && { personal: openPersonalData(institution, member) }),
    createdAt: member.createdAt.toISOString(),
  };
}

/** A member the actor may read: in the actor's organization subtree. */
export async function readableMember(institution: Institution, actor: Actor, memberId: string): Promise<Member> {
  requireRole(actor, READ_ROLES, "reading a member");
  const member = await institution.repositories.members.get(memberId);
  if (!member) throw new NotFound(`member ${memberId} not found`);
  await requireInScope(institution.repositories, actor, member.orgId);
  return member;
}

export async function getMemberFile(institution: Institution, actor: Actor, memberId: string): Promise<MemberFile> {
  const member = await readableMember(institution, actor, memberId);
  const history = await loadHistory(institution, member);
  const findings = await institution.repositories.findings.listByMember(member.id);
  return {
    ...memberView(institution, actor, member),
    nextSteps: member.status === "ACTIVE" ? nextSteps(institution.ruleSet, history, institution.today()) : [],
    findings: findings.map(({ recordId, rule, message }) => ({ recordId, rule, message })),
  };
}

export async function listMembers(
  institution: Institution,
  actor: Actor,
  request: { orgId?: number; cursor?: string; limit?: number },
) {
  requireRole(actor, READ_ROLES, "listing members");
  const rootOrgId = request.orgId ?? actor.orgId;
  await requireInScope(institution.repositories, actor, rootOrgId);
  const page = await pageOrRefuse(institution.repositories.members.listByOrgSubtree(rootOrgId, request));
  return { items: page.items.map((member) => memberView(institution, actor, member)), nextCursor: page.nextCursor };
}

/** Finds members by ID number through the blind index: the number itself is never stored or compared in clear. */
export async function findMembersByIdNumber(institution: Institution, actor: Actor, idNumber: string) {
  requireRole(actor, READ_ROLES, "searching members");
  if (!ID_NUMBER.test(idNumber)) {
    throw new ValidationError({ field: "idNumber", message: "must be an 18-character resident ID number" });
  }
  const found = await institution.repositories.members.findByIdNumberIndex(blindIndex(institution.blindIndexKey, idNumber));
  const visible: MemberView[] = [];
  for (const member of found) {
    if (await institution.repositories.organizations.isInSubtree(actor.orgId, member.orgId)) {
      visible.push(memberView(institution, actor, member));
    }
  }
  return visible;
}

/** A page, with a cursor that does not decode refused as the client's mistake. */
export async function pageOrRefuse<T>(page: Promise<T>): Promise<T> {
  try {
    return await page;
  } catch (error) {
    if (error instanceof InvalidCursorError) throw new ValidationError({ field: "cursor", message: "the cursor is not one this list gave" });
    throw error;
  }
}
