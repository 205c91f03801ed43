import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { MemberEntity } from "../entities";
import { ACTIVE_PERSON_INDEX, ActivePersonExistsError, DuplicateError } from "../errors";
import { keysetPage, UUID_PATTERN, type PageRequest } from "../pagination";
import type { Member, Page } from "../types";
import { subtreeIdsSql, toPlain, violatedUniqueConstraint } from "./shared";
import type { MemberStage, MemberStatus } from "../../domain/vocabulary";

export interface NewMember {
  memberKey: string;
  orgId: number;
  stage: MemberStage;
  /** Already encrypted. */
  personalData: Uint8Array;
  idNumberIndex: string | null;
  staffNumberIndex?: string | null;
  /** Keyed tokens of the name's prefixes (see MemberSearchTokens); a member written without them gets them at the next start. */
  nameTokens?: string[];
}

export interface MemberChanges {
  stage?: MemberStage;
  orgId?: number;
  status?: MemberStatus;
  departedRecordCount?: number | null;
  personalData?: Uint8Array;
  idNumberIndex?: string | null;
  /** Given together with nameTokens: a personal-data change replaces both. */
  staffNumberIndex?: string | null;
  nameTokens?: string[];
}

/** Narrows a list of members; every condition given must hold. */
export interface MemberFilter {
  stage?: MemberStage;
  status?: MemberStatus;
  /** Active members whose most pressing step was due before this day (as stored: refresh stale next dues first). */
  overdueBefore?: string;
  /** Members with at least one finding on their records. */
  withFindings?: boolean;
  /** Members whose name has this keyed prefix token. */
  nameToken?: string;
  staffNumberIndex?: string;
  idNumberIndex?: string;
  /** Newest first (the default) or oldest first. */
  order?: "newest" | "oldest";
}

export interface StageStatusCount {
  stage: MemberStage;
  status: MemberStatus;
  count: number;
}

/** A member's stored next due as the rules engine derived it, and what it was derived from. */
export interface StoredNextDue {
  memberId: string;
  /** The last day the member's most pressing step is on time; null when no next step has a limit. */
  dueOn: string | null;
  /** The step and its limits, sealed under the basis below (opened by the domain). */
  sealed: string | null;
  /** The rule set's hash and the member's last record sequence it was derived from; null before the first derivation. */
  rules: string | null;
  sequence: number | null;
  /** The member's last record sequence now. */
  headSequence: number | null;
}

export type NextDueUpdate = Pick<StoredNextDue, "dueOn" | "sealed"> & { rules: string; sequence: number };

const HEAD_SEQUENCE_SQL = "(SELECT max(record.sequence) FROM records record WHERE record.member_id = member.id)";

export class MembersRepository {
  constructor(private readonly manager: EntityManager) {}

  /** @throws ActivePersonExistsError when an active member has its ID number; DuplicateError when the member key exists. */
  async create(member: NewMember): Promise<Member> {
    const id = randomUUID();
    try {
      await this.manager.insert(MemberEntity, {
        id,
        memberKey: member.memberKey,
        orgId: member.orgId,
        stage: member.stage,
        personalData: Buffer.from(member.personalData),
        idNumberIndex: member.idNumberIndex,
      });
    } catch (error) {
      throw uniqueViolation(error);
    }
    if (member.nameTokens)
      await this.storeSearchTokens(id, { staffNumberIndex: member.staffNumberIndex ?? null, nameTokens: member.nameTokens });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<Member | null> {
    const entity = await this.manager.findOneBy(MemberEntity, { id });
    return entity && toPlain(entity);
  }

  async getByKey(memberKey: string): Promise<Member | null> {
    const entity = await this.manager.findOneBy(MemberEntity, { memberKey });
    return entity && toPlain(entity);
  }

  /** Members whose ID number has this blind index (normally one; more if a person's file was created twice). */
  async findByIdNumberIndex(idNumberIndex: string): Promise<Member[]> {
    const entities = await this.manager.find(MemberEntity, { where: { idNumberIndex }, order: { createdAt: "ASC" } });
    return entities.map(toPlain);
  }

  /** Members of an organization and its descendants that pass the filter, newest first unless asked otherwise. */
  async listByOrgSubtree(rootOrgId: number, request: PageRequest & MemberFilter = {}): Promise<Page<Member>> {
    const query = this.manager
      .createQueryBuilder(MemberEntity, "member")
      .where(`member.orgId IN (${subtreeIdsSql(":rootOrgId")})`, { rootOrgId });
    if (request.stage) query.andWhere("member.stage = :stage", { stage: request.stage });
    if (request.status) query.andWhere("member.status = :status", { status: request.status });
    if (request.overdueBefore) {
      query.andWhere("member.status = 'ACTIVE' AND member.next_due_on < CAST(:overdueBefore AS date)", {
        overdueBefore: request.overdueBefore,
      });
    }
    if (request.withFindings) {
      query.andWhere(
        "EXISTS (SELECT 1 FROM findings finding JOIN records record ON record.id = finding.record_id WHERE record.member_id = member.id)",
      );
    }
    if (request.nameToken) query.andWhere("member.name_tokens @> ARRAY[CAST(:nameToken AS text)]", { nameToken: request.nameToken });
    if (request.staffNumberIndex)
      query.andWhere("member.staff_number_index = :staffNumberIndex", { staffNumberIndex: request.staffNumberIndex });
    if (request.idNumberIndex) query.andWhere("member.id_number_index = :idNumberIndex", { idNumberIndex: request.idNumberIndex });
    const page = await keysetPage(query, "member", request, UUID_PATTERN, request.order === "oldest" ? "ASC" : "DESC");
    return { items: page.items.map(toPlain), nextCursor: page.nextCursor };
  }

  /** Up to `limit` members written before their name had search tokens (see MemberSearchTokens). */
  async listWithoutSearchTokens(limit: number): Promise<Member[]> {
    const entities = await this.manager
      .createQueryBuilder(MemberEntity, "member")
      .where("member.name_tokens IS NULL")
      .orderBy("member.id")
      .limit(limit)
      .getMany();
    return entities.map(toPlain);
  }

  /**
   * Stores a member's search tokens; its other columns and updated_at are left as they are. Kept out of the entity,
   * like the next due, so the entity still writes a members table migrated only up to an earlier version.
   */
  async storeSearchTokens(memberId: string, tokens: { staffNumberIndex: string | null; nameTokens: string[] }): Promise<void> {
    await this.manager.query("UPDATE members SET staff_number_index = $2, name_tokens = $3::text[] WHERE id = $1", [
      memberId,
      tokens.staffNumberIndex,
      tokens.nameTokens,
    ]);
  }

  /** How many members of an organization and its descendants are at each stage with each status. */
  async countByStageAndStatus(rootOrgId: number): Promise<StageStatusCount[]> {
    const rows: { stage: MemberStage; status: MemberStatus; count: string }[] = await this.manager.query(
      `SELECT stage, status, count(*) AS count FROM members WHERE org_id IN (${subtreeIdsSql("$1")}) GROUP BY stage, status`,
      [rootOrgId],
    );
    return rows.map((row) => ({ stage: row.stage, status: row.status, count: Number(row.count) }));
  }

  /**
   * Active members of the subtree whose stored next due was not derived from their current last record under the
   * rules `rulesHash` (never derived, derived before a later record, or under other rules).
   */
  async listStaleNextDue(rootOrgId: number, rulesHash: string): Promise<{ id: string; headSequence: number | null }[]> {
    const rows: { id: string; head_sequence: number | null }[] = await this.manager.query(
      `SELECT id, head_sequence FROM (
         SELECT member.id, member.next_due_rules, member.next_due_sequence, ${HEAD_SEQUENCE_SQL} AS head_sequence
           FROM members member
          WHERE member.status = 'ACTIVE' AND member.org_id IN (${subtreeIdsSql("$1")})
       ) AS due
        WHERE next_due_rules IS DISTINCT FROM $2 OR next_due_sequence IS DISTINCT FROM head_sequence`,
      [rootOrgId, rulesHash],
    );
    return rows.map((row) => ({ id: row.id, headSequence: row.head_sequence === null ? null : Number(row.head_sequence) }));
  }

  /** The stored next due of each member named, with its basis and the member's current last record sequence. */
  async listNextDue(memberIds: readonly string[]): Promise<StoredNextDue[]> {
    if (memberIds.length === 0) return [];
    const rows: {
      id: string;
      next_due_on: string | null;
      next_due_sealed: string | null;
      next_due_rules: string | null;
      next_due_sequence: number | null;
      head_sequence: number | null;
    }[] = await this.manager.query(
      `SELECT member.id, to_char(member.next_due_on, 'YYYY-MM-DD') AS next_due_on, member.next_due_sealed, member.next_due_rules,
                member.next_due_sequence, ${HEAD_SEQUENCE_SQL} AS head_sequence
           FROM members member WHERE member.id = ANY($1::uuid[])`,
      [memberIds],
    );
    const number = (value: number | null) => (value === null ? null : Number(value));
    return rows.map((row) => ({
      memberId: row.id,
      dueOn: row.next_due_on,
      sealed: row.next_due_sealed,
      rules: row.next_due_rules,
      sequence: number(row.next_due_sequence),
      headSequence: number(row.head_sequence),
    }));
  }

  /** Stores a member's derived next due; the member's own columns and updated_at are left as they are. */
  async storeNextDue(memberId: string, update: NextDueUpdate): Promise<void> {
    await this.manager.query(
      "UPDATE members SET next_due_on = $2, next_due_sealed = $3, next_due_rules = $4, next_due_sequence = $5 WHERE id = $1",
      [memberId, update.dueOn, update.sealed, update.rules, update.sequence],
    );
  }

  /** Active members of the subtree whose most pressing step was due before `today`, by stage (stages without any are absent). */
  async countOverdueByStage(rootOrgId: number, today: string): Promise<Map<MemberStage, number>> {
    const rows: { stage: MemberStage; count: string }[] = await this.manager.query(
      `SELECT stage, count(*) AS count FROM members
        WHERE status = 'ACTIVE' AND org_id IN (${subtreeIdsSql("$1")}) AND next_due_on < $2::date
        GROUP BY stage`,
      [rootOrgId, today],
    );
    return new Map(rows.map((row) => [row.stage, Number(row.count)]));
  }

  /** Active members of the subtree by organization and stage, and how many of them are overdue on `today`. */
  async countActiveByOrganizationAndStage(
    rootOrgId: number,
    today: string,
  ): Promise<{ orgId: number; stage: MemberStage; members: number; overdue: number }[]> {
    const rows: { org_id: string; stage: MemberStage; members: string; overdue: string }[] = await this.manager.query(
      `SELECT org_id, stage, count(*) AS members, count(*) FILTER (WHERE next_due_on < $2::date) AS overdue FROM members
        WHERE status = 'ACTIVE' AND org_id IN (${subtreeIdsSql("$1")}) GROUP BY org_id, stage`,
      [rootOrgId, today],
    );
    return rows.map((row) => ({ orgId: Number(row.org_id), stage: row.stage, members: Number(row.members), overdue: Number(row.overdue) }));
  }

  /** Active members per organization of the subtree (organizations without any are absent). */
  async countActiveByOrganization(rootOrgId: number): Promise<Map<number, number>> {
    const rows: { org_id: string; count: string }[] = await this.manager.query(
      `SELECT org_id, count(*) AS count FROM members WHERE status = 'ACTIVE' AND org_id IN (${subtreeIdsSql("$1")}) GROUP BY org_id`,
      [rootOrgId],
    );
    return new Map(rows.map((row) => [Number(row.org_id), Number(row.count)]));
  }

  /**
   * Applies stage, organization or status changes; null when the member does not exist.
   * @throws ActivePersonExistsError when it would make a second active member of one person.
   */
  async update(id: string, changes: MemberChanges): Promise<Member | null> {
    const { staffNumberIndex, nameTokens, ...columns } = changes;
    const update = this.manager
      .createQueryBuilder()
      .update(MemberEntity)
      .set({
        ...columns,
        ...(columns.personalData && { personalData: Buffer.from(columns.personalData) }),
        updatedAt: () => "now()",
      })
      .where("id = :id", { id });
    try {
      const result = await update.execute();
      if (!result.affected) return null;
    } catch (error) {
      throw uniqueViolation(error);
    }
    if (nameTokens) await this.storeSearchTokens(id, { staffNumberIndex: staffNumberIndex ?? null, nameTokens });
    return this.get(id);
  }
}

/** A unique violation as the error naming it; any other failure unchanged. */
function uniqueViolation(error: unknown): unknown {
  const constraint = violatedUniqueConstraint(error);
  if (constraint === ACTIVE_PERSON_INDEX) return new ActivePersonExistsError();
  return constraint ? new DuplicateError(constraint) : error;
}
