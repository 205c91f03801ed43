// Members: their encrypted personal data, the blind index on the ID number and the search tokens of the name and
// 学号/工号, and the views clerks see: the filtered, searchable list and the member's file.
import { z } from "zod";
import { InvalidCursorError, type Member, type MemberFilter } from "../../data-access";
import { isIsoDate } from "../../lib/calendar";
import { blindIndex, type FieldCipher } from "../../lib/field-encryption";
import { pooledRandomBytes } from "../../lib/random-pool";
import { requireInScope, requireRole } from "../access";
import { Conflict, NotFound, ValidationError } from "../errors";
import type { Actor, Institution } from "../institution";
import { nextSteps, type NextStep } from "../rules";
import { loadHistory } from "./history";
import { nextDueOfMembers, refreshStaleNextDue, type NextDue } from "./next-due";
import { nameQueryToken, searchTokensOf, staffNumberToken } from "./search-tokens";
import { MEMBER_STAGES, MEMBER_STATUSES, type MemberStage } from "../vocabulary";
import { RULES } from "../refusals";

/** Mainland resident ID: 17 digits and a digit or X check character. */
const ID_NUMBER = /^[0-9]{17}[0-9Xx]$/;

export const personalDataSchema = z.strictObject({
  name: z.string().trim().min(1).max(64),
  idNumber: z.string().regex(ID_NUMBER, "must be an 18-character resident ID number"),
  birthDate: z.string().refine(isIsoDate, "must be a calendar date YYYY-MM-DD"),
  gender: z.enum(["M", "F"]).optional(),
  phone: z.string().max(32).optional(),
  unit: z.string().max(128).optional(),
  ethnicity: z.string().max(32).optional(),
  /** 学号/工号. */
  staffNumber: z.string().max(64).optional(),
});
export type PersonalData = z.infer<typeof personalDataSchema>;

export const memberStageSchema = z.enum(MEMBER_STAGES);

/** A yes/no filter, from a query string ("true"/"false") or a JSON body. */
const flagSchema = z.union([z.boolean(), z.enum(["true", "false"]).transform((value) => value === "true")]);

/** What narrows and orders the member list; everything given must hold. */
export const memberFilterSchema = z.object({
  /** The subtree to list: the caller's organization by default, or one of its descendants (a branch). */
  orgId: z.coerce.number().int().positive().optional(),
  stage: memberStageSchema.optional(),
  status: z.enum(MEMBER_STATUSES).optional(),
  /** Only active members whose most pressing step is past due. */
  overdue: flagSchema.optional(),
  /** Only members with findings on their records. */
  withFindings: flagSchema.optional(),
  order: z.enum(["newest", "oldest"]).optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const SEARCH_FIELDS = ["name", "staffNumber", "idNumber"] as const;

/**
 * The list's filters and one way to find a member by personal data: the name (its beginning, or all of it), the
 * 学号/工号 or the ID number. Sent in a request body, never a URL, so no access log holds them.
 */
export const memberSearchSchema = z
  .strictObject({
    ...memberFilterSchema.shape,
    name: z.string().trim().min(1).max(64).optional(),
    nameMatch: z.enum(["prefix", "exact"]).optional(),
    staffNumber: z.string().trim().min(1).max(64).optional(),
    idNumber: z.string().max(32).optional(),
  })
  .refine((body) => SEARCH_FIELDS.filter((field) => body[field] !== undefined).length === 1, {
    message: "give exactly one of name, staffNumber or idNumber",
    path: ["name"],
  });
type MemberSearch = Partial<Pick<z.output<typeof memberSearchSchema>, (typeof SEARCH_FIELDS)[number] | "nameMatch">>;
export type MemberListRequest = Partial<z.output<typeof memberFilterSchema>> & MemberSearch;

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

export interface MemberListItem extends MemberView {
  nextDue: NextDue | null;
  /** Soft-rule findings on the member's records. */
  findingCount: number;
}

export interface MemberFile extends MemberView {
  nextSteps: NextStep[];
  findings: { recordId: number; rule: string; message: string }[];
}

export function newMemberKey(): string {
  return `0x${pooledRandomBytes(32).toString("hex")}`;
}

/**
 * The AES-GCM associated data personal data is sealed under: the member and the organization holding it. A row moved
 * to another organization behind the service's back no longer opens, so no other organization ever reads it; a move
 * the service makes (an accepted transfer) seals it again for the new organization.
 */
export function personalDataContext(memberKey: string, orgId: number): string {
  return `member:${memberKey}:org:${orgId}`;
}

/** The member's personal data sealed to its row, with the keyed indexes and tokens it is found by. */
export function sealPersonalData(institution: Institution, memberKey: string, orgId: number, personal: PersonalData) {
  return {
    personalData: Buffer.from(institution.cipher.encryptJson(personal, personalDataContext(memberKey, orgId))),
    idNumberIndex: blindIndex(institution.blindIndexKey, personal.idNumber),
    ...searchTokensOf(institution.blindIndexKey, personal),
  };
}

/** The member's personal data, or null when it does not open under the member's row (moved or altered outside the service). */
export function tryOpenPersonalData(
  institution: { cipher: Pick<FieldCipher, "decrypt"> },
  member: Pick<Member, "memberKey" | "orgId" | "personalData">,
): PersonalData | null {
  try {
    return JSON.parse(
      institution.cipher.decrypt(Buffer.from(member.personalData).toString("utf8"), personalDataContext(member.memberKey, member.orgId)),
    ) as PersonalData;
  } catch {
    return null;
  }
}

export function openPersonalData(institution: Institution, member: Member): PersonalData {
  const personal = tryOpenPersonalData(institution, member);
  if (personal === null) {
    throw new Conflict(
      `the personal data of member ${member.id} is not sealed for organization ${member.orgId}: the row was changed outside the service (the audit sweep names it)`,
      { rule: RULES.memberPersonalDataSealedToOrganization },
    );
  }
  return personal;
}

/** Whether the member's row is one the service wrote for its organization: only then is it shown to anyone. */
function sealedForItsOrganization(institution: Institution, member: Member): boolean {
  return tryOpenPersonalData(institution, member) !== null;
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
  requireRole(actor, "readMembers");
  const member = await institution.repositories.members.get(memberId);
  if (!member) throw new NotFound(`member ${memberId} not found`);
  await requireInScope(institution.repositories, actor, member.orgId);
  if (!sealedForItsOrganization(institution, member)) throw new NotFound(`member ${memberId} not found`);
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

/**
 * Members of the caller's subtree (or of one organization in it) that pass the filter and, when a search is given,
 * match it through their keyed tokens; newest first unless asked otherwise, a page at a time.
 */
export async function listMembers(
  institution: Institution,
  actor: Actor,
  filter: MemberListRequest,
): Promise<{ items: MemberListItem[]; nextCursor: string | null }> {
  const searching = SEARCH_FIELDS.some((field) => filter[field] !== undefined);
  requireRole(actor, "readMembers");
  const rootOrgId = filter.orgId ?? actor.orgId;
  await requireInScope(institution.repositories, actor, rootOrgId);
  const today = institution.today();
  // Counted as the dashboard counts them: a next due derived before the member's latest record is derived again.
  if (filter.overdue) await refreshStaleNextDue(institution, rootOrgId);
  const page = await pageOrRefuse(
    institution.repositories.members.listByOrgSubtree(rootOrgId, {
      stage: filter.stage,
      status: filter.status,
      ...(filter.overdue && { overdueBefore: today }),
      withFindings: filter.withFindings,
      order: filter.order,
      cursor: filter.cursor,
      limit: filter.limit,
      ...(searching && searchFilter(institution, filter)),
    }),
  );
  const members = page.items.filter((member) => sealedForItsOrganization(institution, member));
  const [nextDue, findingCounts] = await Promise.all([
    nextDueOfMembers(institution, members),
    institution.repositories.findings.countByMembers(members.map((member) => member.id)),
  ]);
  const items = members.map((member) => ({
    ...memberView(institution, actor, member),
    nextDue: nextDue.get(member.id) ?? null,
    findingCount: findingCounts.get(member.id) ?? 0,
  }));
  return { items, nextCursor: page.nextCursor };
}

/** The keyed token a search looks for: the value itself is never stored or compared in clear. */
function searchFilter(institution: Institution, search: MemberSearch): MemberFilter {
  const key = institution.blindIndexKey;
  if (search.name !== undefined) return { nameToken: nameQueryToken(key, search.name, search.nameMatch ?? "prefix") };
  if (search.staffNumber !== undefined) return { staffNumberIndex: staffNumberToken(key, search.staffNumber) };
  if (!ID_NUMBER.test(search.idNumber ?? "")) {
    throw new ValidationError({ field: "idNumber", message: "must be an 18-character resident ID number" });
  }
  return { idNumberIndex: blindIndex(key, search.idNumber!) };
}

/**
 * Fills the search tokens of members written before they existed (migration MemberSearchTokens), in batches; only
 * the instance can, since it holds the keys. A row whose personal data does not open gets no tokens (it is shown to
 * no one, and the audit sweep names it). Returns how many members it went through.
 */
export async function fillMissingSearchTokens(institution: Institution, batchSize = 500): Promise<number> {
  let filled = 0;
  for (;;) {
    const members = await institution.repositories.members.listWithoutSearchTokens(batchSize);
    if (members.length === 0) return filled;
    await institution.transaction(async (tx) => {
      for (const member of members) {
        const personal = tryOpenPersonalData(institution, member);
        const tokens = personal ? searchTokensOf(institution.blindIndexKey, personal) : { staffNumberIndex: null, nameTokens: [] };
        await tx.members.storeSearchTokens(member.id, tokens);
      }
    });
    filled += members.length;
  }
}

/** A page, with a cursor that does not decode refused as the client's mistake. */
export async function pageOrRefuse<T>(page: Promise<T>): Promise<T> {
  try {
    return await page;
  } catch (error) {
    if (error instanceof InvalidCursorError)
      throw new ValidationError({ field: "cursor", message: "the cursor is not one this list gave" });
    throw error;
  }
}
