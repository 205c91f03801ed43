import type { EntityManager } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity";
import { AuditEntryEntity } from "../entities";
import { InvalidCursorError } from "../errors";
import { pageSize, type PageRequest } from "../pagination";
import type { AuditEntry, Page } from "../types";
import { subtreeIdsSql, toPlain } from "./shared";

export interface NewAuditEntry {
  accountId: string | null;
  orgId: number | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** Ids, hashes and codes only: never personal data (the audit log is append-only and cannot be purged). */
  details?: Record<string, unknown>;
}

/** Who did what. Append-only in the database. Pages run newest first; the cursor is the last entry's id. */
export class AuditLogRepository {
  constructor(private readonly manager: EntityManager) {}

  async append(entry: NewAuditEntry): Promise<AuditEntry> {
    const inserted = await this.manager
      .createQueryBuilder()
      .insert()
      .into(AuditEntryEntity)
      .values({
        accountId: entry.accountId,
        orgId: entry.orgId,
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        details: entry.details ?? {},
        // TypeORM's deep-partial type cannot express an open JSON object; the jsonb column takes any object.
      } as QueryDeepPartialEntity<AuditEntryEntity>)
      .returning("id")
      .execute();
    const entity = await this.manager.findOneByOrFail(AuditEntryEntity, { id: Number(inserted.raw[0].id) });
    return toPlain(entity);
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
}
