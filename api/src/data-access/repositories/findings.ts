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
