import type { ObjectLiteral, SelectQueryBuilder } from "typeorm";
import { InvalidCursorError } from "./errors";
import type { Page } from "./types";

/**
 * Keyset pagination on (created_at, id), newest first: stable while rows are inserted, unlike OFFSET.
 * The cursor is opaque to clients: base64url of [createdAt ISO string, id].
 */
export interface Keyset {
  createdAt: Date;
  id: string;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export interface PageRequest {
  cursor?: string | null;
  limit?: number;
}

export function encodeCursor(keyset: Keyset): string {
  return Buffer.from(JSON.stringify([keyset.createdAt.toISOString(), keyset.id])).toString("base64url");
}

export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const HEX32_PATTERN = /^0x[0-9a-f]{64}$/;

/** @param idPattern what a row id looks like, so a tampered cursor fails here rather than in SQL. */
export function decodeCursor(cursor: string, idPattern: RegExp): Keyset {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new InvalidCursorError();
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[0] !== "string" ||
    typeof decoded[1] !== "string" ||
    !idPattern.test(decoded[1])
  ) {
    throw new InvalidCursorError();
  }
  const createdAt = new Date(decoded[0]);
  if (Number.isNaN(createdAt.getTime())) throw new InvalidCursorError();
  return { createdAt, id: decoded[1] };
}

export function pageSize(limit: number | undefined): number {
  const size = limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw new RangeError(`page size must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** Turns `size + 1` fetched rows into a page: the extra row only tells that another page exists. */
export function toPage<T extends Keyset>(rows: T[], size: number): Page<T> {
  const items = rows.slice(0, size);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > size ? encodeCursor(last) : null };
}

/**
 * One page of `query` (already filtered, selecting `alias` rows that have createdAt and id), newest first unless
 * `direction` is ASC (oldest first).
 * @param idPattern what a row id looks like, so a tampered cursor fails here rather than in SQL.
 */
export async function keysetPage<Entity extends ObjectLiteral & Keyset>(
  query: SelectQueryBuilder<Entity>,
  alias: string,
  request: PageRequest,
  idPattern: RegExp,
  direction: "ASC" | "DESC" = "DESC",
): Promise<Page<Entity>> {
  const size = pageSize(request.limit);
  query
    .orderBy(`${alias}.createdAt`, direction)
    .addOrderBy(`${alias}.id`, direction)
    .limit(size + 1);
  if (request.cursor) {
    const after = decodeCursor(request.cursor, idPattern);
    query.andWhere(`(${alias}.createdAt, ${alias}.id) ${direction === "ASC" ? ">" : "<"} (:afterCreatedAt, :afterId)`, {
      afterCreatedAt: after.createdAt,
      afterId: after.id,
    });
  }
  return toPage(await query.getMany(), size);
}
