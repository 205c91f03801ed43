import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { MemberEntity } from "../entities";
import { DuplicateError } from "../errors";
import { keysetPage, UUID_PATTERN, type PageRequest } from "../pagination";
import type { Member, MemberStage, MemberStatus, Page } from "../types";
import { subtreeIdsSql, toPlain, violatedUniqueConstraint } from "./shared";

export interface NewMember {
  memberKey: string;
  orgId: number;
  stage: MemberStage;
  /** Already encrypted. */
  personalData: Uint8Array;
  idNumberIndex: string | null;
}

export interface MemberChanges {
  stage?: MemberStage;
  orgId?: number;
  status?: MemberStatus;
  departedRecordCount?: number | null;
  personalData?: Uint8Array;
  idNumberIndex?: string | null;
}

/** Narrows a list of members to one stage or one status. */
export interface MemberFilter {
  stage?: MemberStage;
  status?: MemberStatus;
}

export interface StageStatusCount {
  stage: MemberStage;
  status: MemberStatus;
  count: number;
}

export class MembersRepository {
  constructor(private readonly manager: EntityManager) {}

  /** @throws DuplicateError when the member key exists. */
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
      const constraint = violatedUniqueConstraint(error);
      if (constraint) throw new DuplicateError(constraint);
      throw error;
    }
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

  /** Members of an organization and its descendants, newest first. */
  async listByOrgSubtree(rootOrgId: number, request: PageRequest & MemberFilter = {}): Promise<Page<Member>> {
    const query = this.manager
      .createQueryBuilder(MemberEntity, "member")
      .where(`member.orgId IN (${subtreeIdsSql(":rootOrgId")})`, { rootOrgId });
    if (request.stage) query.andWhere("member.stage = :stage", { stage: request.stage });
    if (request.status) query.andWhere("member.status = :status", { status: request.status });
    const page = await keysetPage(query, "member", request, UUID_PATTERN);
    return { items: page.items.map(toPlain), nextCursor: page.nextCursor };
  }

  /** How many members of an organization and its descendants are at each stage with each status. */
  async countByStageAndStatus(rootOrgId: number): Promise<StageStatusCount[]> {
    const rows: { stage: MemberStage; status: MemberStatus; count: string }[] = await this.manager.query(
      `SELECT stage, status, count(*) AS count FROM members WHERE org_id IN (${subtreeIdsSql("$1")}) GROUP BY stage, status`,
      [rootOrgId],
    );
    return rows.map((row) => ({ stage: row.stage, status: row.status, count: Number(row.count) }));
  }

  /** Applies stage, organization or status changes; null when the member does not exist. */
  async update(id: string, changes: MemberChanges): Promise<Member | null> {
    const result = await this.manager
      .createQueryBuilder()
      .update(MemberEntity)
      .set({
        ...changes,
        ...(changes.personalData && { personalData: Buffer.from(changes.personalData) }),
        updatedAt: () => "now()",
      })
      .where("id = :id", { id })
      .execute();
    return result.affected ? this.get(id) : null;
  }
}
