// Members: their encrypted personal data, the blind index on the ID number, and the views clerks see.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { InvalidCursorError, MEMBER_STAGES, type Member, type MemberStage } from "../data-access";
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

export const memberStageSchema = z.enum(MEMBER_STAGES);

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

/** The step a clerk should see first in a list: an overdue one, else the one due soonest, else the first offered. */
export interface NextDue {
  step: string;
  name: { zh: string; en: string };
  dueBy?: string;
  deadline?: string;
  overdue: boolean;
}

export interface MemberListItem extends MemberView {
  nextDue: NextDue | null;
  /** Soft-rule findings on the member's records. */
  findingCount: number;
}

export interface MemberFile extends MemberView {
  nextSteps: NextStep[];
  findings: { recordId: number; rule: string; message: string }[];
}

export const MEMBER_READ_ROLES = ["ORG_ADMIN", "CLERK", "APPROVER", "AUDITOR"] as const;

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
  requireRole(actor, MEMBER_READ_ROLES, "reading a member");
  const member = await institution.repositories.members.get(memberId);
  if (!member) throw new NotFound(`member ${memberId} not found`);
  await requireInScope(institution.repositories, actor, member.orgId);
  return member;
}

export async function getMemberFile(institution: Institution, actor: Actor, memberId: string): Promise<MemberFile> {
  const member = await readableMember(institution, actor, memberId);
  const [steps, findings] = await Promise.all([
    memberNextSteps(institution, member),
    institution.repositories.findings.listByMember(member.id),
  ]);
  return {
    ...memberView(institution, actor, member),
    nextSteps: steps,
    findings: findings.map(({ recordId, rule, message }) => ({ recordId, rule, message })),
  };
}

/** The steps the member may take next as of today; none once the member has left. */
export async function memberNextSteps(institution: Institution, member: Member): Promise<NextStep[]> {
  if (member.status !== "ACTIVE") return [];
  return nextSteps(institution.ruleSet, await loadHistory(institution, member), institution.today());
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

export async function listMembers(
  institution: Institution,
  actor: Actor,
  request: { orgId?: number; stage?: MemberStage; cursor?: string; limit?: number },
): Promise<{ items: MemberListItem[]; nextCursor: string | null }> {
  requireRole(actor, MEMBER_READ_ROLES, "listing members");
  const rootOrgId = request.orgId ?? actor.orgId;
  await requireInScope(institution.repositories, actor, rootOrgId);
  const page = await pageOrRefuse(institution.repositories.members.listByOrgSubtree(rootOrgId, request));
  const [steps, findingCounts] = await Promise.all([
    Promise.all(page.items.map((member) => memberNextSteps(institution, member))),
    institution.repositories.findings.countByMembers(page.items.map((member) => member.id)),
  ]);
  const items = page.items.map((member, index) => ({
    ...memberView(institution, actor, member),
    nextDue: nextDueOf(steps[index]),
    findingCount: findingCounts.get(member.id) ?? 0,
  }));
  return { items, nextCursor: page.nextCursor };
}

/** Finds members by ID number through the blind index: the number itself is never stored or compared in clear. */
export async function findMembersByIdNumber(institution: Institution, actor: Actor, idNumber: string) {
  requireRole(actor, MEMBER_READ_ROLES, "searching members");
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
