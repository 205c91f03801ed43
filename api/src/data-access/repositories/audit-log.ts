import type { EntityManager } from "typeorm";
import { adminLogEntryHash } from "../../lib/admin-log";
import { AuditEntryEntity } from "../entities";
import { InvalidCursorError } from "../errors";
import { pageSize, type PageRequest } from "../pagination";
import type { AuditEntry, Page } from "../types";
import { inTransaction, subtreeIdsSql, toPlain } from "./shared";

/** An entry with its place in the hash chain, as the audit sweep reads it. */
export interface ChainedAuditEntry extends AuditEntry {
  prevHash: string | null;
  /** Null only for entries written before the chain began. */
  entryHash: string | null;
}

export interface NewAuditEntry {
  accountId: string | null;
  orgId: number | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** Ids, hashes and codes only: never personal data (the audit log is append-only and cannot be purged). */
  details?: Record<string, unknown>;
}

/**
 * Who did what. Append-only in the database and hash-chained: appends are serialized, each entry hashed over its
 * content and the previous entry's hash. Pages run newest first; the cursor is the last entry's id.
 */
export class AuditLogRepository {
  constructor(private readonly manager: EntityManager) {}

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    return inTransaction(this.manager, async (manager) => {
      // Held until commit: the next append reads this entry's hash as its previous one.
      await manager.query("SELECT pg_advisory_xact_lock(hashtext('cunzheng.audit_log'))");
      const [last]: { entry_hash: string | null }[] = await manager.query("SELECT entry_hash FROM audit_log ORDER BY id DESC LIMIT 1");
      const content = {
        at: new Date().toISOString(),
        accountId: entry.accountId,
        orgId: entry.orgId,
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        // As the jsonb column will give it back: what JSON cannot hold (undefined) is dropped before hashing.
        details: JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>,
        prevHash: last?.entry_hash ?? null,
      };
      const [inserted]: { id: string }[] = await manager.query(
        `INSERT INTO audit_log (at, account_id, org_id, action, target_type, target_id, details, prev_hash, entry_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
        [
          content.at,
          content.accountId,
          content.orgId,
          content.action,
          content.targetType,
          content.targetId,
          JSON.stringify(content.details),
          content.prevHash,
          adminLogEntryHash(content),
        ],
      );
      return toPlain(await manager.findOneByOrFail(AuditEntryEntity, { id: Number(inserted.id) }));
    });
  }

  /**
   * The hash chain's length and its last entry's hash (null while it is empty), with when the first entry after
   * position `after` was written: what the checkpointer queues. One statement, so the three agree.
   */
  async chainHead(after: number): Promise<{ size: number; head: string | null; firstAfterAt: Date | null }> {
    const [row]: { size: string; head: string | null; first_after_at: Date | null }[] = await this.manager.query(
      `SELECT (SELECT count(*) FROM audit_log WHERE entry_hash IS NOT NULL) AS size,
              (SELECT entry_hash FROM audit_log WHERE entry_hash IS NOT NULL ORDER BY id DESC LIMIT 1) AS head,
              (SELECT at FROM audit_log WHERE entry_hash IS NOT NULL ORDER BY id OFFSET $1 LIMIT 1) AS first_after_at`,
      [after],
    );
    return { size: Number(row.size), head: row.head, firstAfterAt: row.first_after_at };
  }

  /** The whole log in order, with each entry's chain hashes: what the audit sweep re-hashes. */
  async chain(): Promise<ChainedAuditEntry[]> {
    const rows: {
      id: string;
      at: Date;
      account_id: string | null;
      org_id: string | null;
      action: string;
      target_type: string | null;
      target_id: string | null;
      details: Record<string, unknown>;
      prev_hash: string | null;
      entry_hash: string | null;
    }[] = await this.manager.query(
      "SELECT id, at, account_id, org_id, action, target_type, target_id, details, prev_hash, entry_hash FROM audit_log ORDER BY id",
    );
    return rows.map((row) => ({
      id: Number(row.id),
      at: row.at,
      accountId: row.account_id,
      orgId: row.org_id === null ? null : Number(row.org_id),
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      details: row.details,
      prevHash: row.prev_hash,
      entryHash: row.entry_hash,
    }));
  }

  /** Entries, newest first; with `rootOrgId`, only those about the organization or its descendants. */
  async list(request: PageRequest & { rootOrgId?: number } = {}): Promise<Page<AuditEntry>> {
    const size = pageSize(request.limit);
    const query = this.manager
      .createQueryBuilder(AuditEntryEntity, "entry")
      .orderBy("entry.id", "DESC")
      .limit(size + 1);
    if (request.rootOrgId !== undefined) {
      query.andWhere(`entry.orgId IN (${subtreeIdsSql(":rootOrgId")})`, { rootOrgId: request.rootOrgId });
    }
    if (request.cursor) {
      const beforeId = Number(request.cursor);
      if (!Number.isSafeInteger(beforeId) || beforeId < 1) throw new InvalidCursorError();
      query.andWhere("entry.id < :beforeId", { beforeId });
    }
    const rows = (await query.getMany()).map(toPlain);
    const items = rows.slice(0, size);
    return { items, nextCursor: rows.length > size ? String(items[items.length - 1].id) : null };
  }

  /** Every entry about one target (an account's history), oldest first. */
  async listAbout(targetType: string, targetId: string): Promise<AuditEntry[]> {
    const entities = await this.manager.find(AuditEntryEntity, { where: { targetType, targetId }, order: { id: "ASC" } });
    return entities.map(toPlain);
  }
}
