import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { EvidenceEntity } from "../entities";
import type { Evidence, EvidenceMeta } from "../types";
import { subtreeIdsSql, toPlain } from "./shared";

export interface NewEvidence {
  sha256: string;
  contentType: string;
  size: number;
  /** Already encrypted. */
  content: Uint8Array;
  uploadedBy: string;
}

/** Evidence files, addressed by the SHA-256 of their plaintext: the same file uploaded twice is stored once. */
export class EvidenceRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Stores the file unless one with the same digest exists; returns the stored file's metadata either way. */
  async putIfAbsent(evidence: NewEvidence): Promise<{ evidence: EvidenceMeta; created: boolean }> {
    const inserted = await this.manager
      .createQueryBuilder()
      .insert()
      .into(EvidenceEntity)
      .values({ ...evidence, id: randomUUID(), content: Buffer.from(evidence.content) })
      .orIgnore()
      .returning("id")
      .execute();
    const stored = await this.manager.findOneByOrFail(EvidenceEntity, { sha256: evidence.sha256 });
    return { evidence: toPlain(stored), created: (inserted.raw as unknown[]).length === 1 };
  }

  /** The file's metadata without its content. */
  async getMeta(sha256: string): Promise<EvidenceMeta | null> {
    const entity = await this.manager.findOneBy(EvidenceEntity, { sha256 });
    return entity && toPlain(entity);
  }

  /** The file's metadata and (encrypted) content. */
  async get(sha256: string): Promise<Evidence | null> {
    const entity = await this.manager
      .createQueryBuilder(EvidenceEntity, "evidence")
      .addSelect("evidence.content")
      .where("evidence.sha256 = :sha256", { sha256 })
      .getOne();
    return entity && toPlain(entity);
  }

  /** Records that orgId holds the file (uploaded it, or one of its members' records names it). */
  async hold(sha256: string, orgId: number): Promise<void> {
    await this.manager.query(`INSERT INTO evidence_holders (sha256, org_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [sha256, orgId]);
  }

  /** Whether rootOrgId or an organization below it holds the file. */
  async isHeldWithin(sha256: string, rootOrgId: number): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `SELECT 1 FROM evidence_holders WHERE sha256 = $1 AND org_id IN (${subtreeIdsSql("$2")}) LIMIT 1`,
      [sha256, rootOrgId],
    );
    return rows.length > 0;
  }
}
