import type { EntityManager } from "typeorm";
import { RecordEntity } from "../entities";
import { DuplicateError, RecordSequenceConflictError, UnknownMemberError } from "../errors";
import type { StoredRecord } from "../types";
import { inTransaction, subtreeIdsSql, toPlain, violatedUniqueConstraint } from "./shared";

export interface NewRecord {
  memberId: string;
  sequence: number;
  step: string;
  ruleVersion: string;
  recordHash: string;
  prevHash: string | null;
  effectiveDate: string;
  /** Already encrypted. */
  body: Uint8Array;
  supersedesRecordId: number | null;
  reasonCode: string | null;
  createdBy: string;
}

/** The institution's append-only log of records. The database refuses UPDATE and DELETE on it. */
export class RecordsRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Appends a record to its member's hash chain: `sequence` must follow the member's latest record and `prevHash`
   * must be that record's hash (null for the first). The member row is locked while checking, so of two concurrent
   * appends to one member only the first succeeds. Runs in the caller's transaction when there is one.
   *
   * @throws RecordSequenceConflictError when the chain moved, DuplicateError when the record hash exists.
   */
  async append(record: NewRecord): Promise<StoredRecord> {
    return inTransaction(this.manager, async (manager) => {
      const members: unknown[] = await manager.query("SELECT 1 FROM members WHERE id = $1 FOR NO KEY UPDATE", [record.memberId]);
      if (members.length === 0) throw new UnknownMemberError(record.memberId);

      const latest = await new RecordsRepository(manager).latestOfMember(record.memberId);
      const expected = { sequence: (latest?.sequence ?? 0) + 1, prevHash: latest?.recordHash ?? null };
      const given = { sequence: record.sequence, prevHash: record.prevHash };
      if (given.sequence !== expected.sequence || given.prevHash !== expected.prevHash) {
        throw new RecordSequenceConflictError(record.memberId, expected, given);
      }

      let id: number;
      try {
        const inserted = await manager
          .createQueryBuilder()
          .insert()
          .into(RecordEntity)
          .values({ ...record, body: Buffer.from(record.body) })
          .returning("id")
          .execute();
        id = Number((inserted.raw as { id: unknown }[])[0].id);
      } catch (error) {
        const constraint = violatedUniqueConstraint(error);
        if (constraint === "records_member_sequence_unique") {
          throw new RecordSequenceConflictError(record.memberId, expected, given);
        }
        if (constraint) throw new DuplicateError(constraint);
        throw error;
      }
      return (await new RecordsRepository(manager).get(id))!;
    });
  }

  async get(id: number): Promise<StoredRecord | null> {
    const entity = await this.manager.findOneBy(RecordEntity, { id });
    return entity && toPlain(entity);
  }

  async getByHash(recordHash: string): Promise<StoredRecord | null> {
    const entity = await this.manager.findOneBy(RecordEntity, { recordHash });
    return entity && toPlain(entity);
  }

  /** The member's hash chain, in sequence order. */
  async listByMember(memberId: string): Promise<StoredRecord[]> {
    const entities = await this.manager.find(RecordEntity, { where: { memberId }, order: { sequence: "ASC" } });
    return entities.map(toPlain);
  }

  /** The head of the member's hash chain, or null when the member has no record yet. */
  async latestOfMember(memberId: string): Promise<StoredRecord | null> {
    const entity = await this.manager.findOne(RecordEntity, { where: { memberId }, order: { sequence: "DESC" } });
    return entity && toPlain(entity);
  }

  /**
   * Records of members of the subtree whose effective date lies in [from, to], by step; a record a correction
   * superseded is not counted (its correction is, on its own date).
   */
  async countInForceByStep(rootOrgId: number, from: string, to: string): Promise<Map<string, number>> {
    const rows: { step: string; count: string }[] = await this.manager.query(
      `SELECT record.step, count(*) AS count FROM records record JOIN members member ON member.id = record.member_id
        WHERE member.org_id IN (${subtreeIdsSql("$1")}) AND record.effective_date BETWEEN $2::date AND $3::date
          AND NOT EXISTS (SELECT 1 FROM records later WHERE later.supersedes_record_id = record.id)
        GROUP BY record.step`,
      [rootOrgId, from, to],
    );
    return new Map(rows.map((row) => [row.step, Number(row.count)]));
  }

  /** Log entries with position greater than `afterId`, in log order. */
  async listForLog(afterId: number, limit: number): Promise<StoredRecord[]> {
    const entities = await this.manager
      .createQueryBuilder(RecordEntity, "record")
      .where("record.id > :afterId", { afterId })
      .orderBy("record.id", "ASC")
      .limit(limit)
      .getMany();
    return entities.map(toPlain);
  }

  /** Number of records in the log; positions run from 1 to this number without gaps. */
  async logSize(): Promise<number> {
    const rows: { size: string }[] = await this.manager.query("SELECT coalesce(max(id), 0) AS size FROM records");
    return Number(rows[0].size);
  }

  /** Positions and hashes of the log after `afterId`: all a Merkle tree of the log needs. */
  async listLogHashes(afterId: number, limit: number): Promise<{ id: number; recordHash: string }[]> {
    const rows: { id: string; record_hash: string }[] = await this.manager.query(
      "SELECT id, record_hash FROM records WHERE id > $1 ORDER BY id LIMIT $2",
      [afterId, limit],
    );
    return rows.map((row) => ({ id: Number(row.id), recordHash: row.record_hash }));
  }
}
