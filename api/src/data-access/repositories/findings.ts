import type { EntityManager } from "typeorm";
import { FindingEntity } from "../entities";
import type { Finding } from "../types";
import { subtreeIdsSql, toPlain } from "./shared";

/** A soft rule's violation, stored with the record that violated it. */
export interface NewFinding {
  rule: string;
  message: string;
}

export class FindingsRepository {
  constructor(private readonly manager: EntityManager) {}

  async add(recordId: number, findings: NewFinding[]): Promise<Finding[]> {
    if (findings.length === 0) return [];
    const inserted = await this.manager
      .createQueryBuilder()
      .insert()
      .into(FindingEntity)
      .values(findings.map((finding) => ({ ...finding, recordId })))
      .returning("id")
      .execute();
    const ids = (inserted.raw as { id: string }[]).map((row) => Number(row.id));
    const entities = await this.manager
      .createQueryBuilder(FindingEntity, "finding")
      .where("finding.id IN (:...ids)", { ids })
      .orderBy("finding.id", "ASC")
      .getMany();
    return entities.map(toPlain);
  }

  /** Findings on the member's records, oldest first. */
  async listByMember(memberId: string): Promise<Finding[]> {
    const entities = await this.manager
      .createQueryBuilder(FindingEntity, "finding")
      .innerJoin("records", "record", "record.id = finding.record_id")
      .where("record.member_id = :memberId", { memberId })
      .orderBy("finding.id", "ASC")
      .getMany();
    return entities.map(toPlain);
  }

  /** How many findings each member's records carry, for the given members; members without findings are absent. */
  async countByMembers(memberIds: readonly string[]): Promise<Map<string, number>> {
    if (memberIds.length === 0) return new Map();
    const rows: { member_id: string; count: string }[] = await this.manager.query(
      `SELECT record.member_id, count(*) AS count
         FROM findings finding JOIN records record ON record.id = finding.record_id
        WHERE record.member_id = ANY($1::uuid[])
        GROUP BY record.member_id`,
      [memberIds],
    );
    return new Map(rows.map((row) => [row.member_id, Number(row.count)]));
  }

  /** Findings on the records of members now in the organization or its descendants, oldest first. */
  async listByOrgSubtree(rootOrgId: number): Promise<Finding[]> {
    const entities = await this.manager
      .createQueryBuilder(FindingEntity, "finding")
      .innerJoin("records", "record", "record.id = finding.record_id")
      .innerJoin("members", "member", "member.id = record.member_id")
      .where(`member.org_id IN (${subtreeIdsSql(":rootOrgId")})`, { rootOrgId })
      .orderBy("finding.id", "ASC")
      .getMany();
    return entities.map(toPlain);
  }
}
