// Cursor pagination: the cursor is an opaque base64url token of the last row's position, so
// pages stay stable while rows are appended (the record log only grows).
import { z } from "zod";
import { ValidationError } from "../domain/errors";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const paginationQuerySchema = z.object({
  cursor: z.string().min(1).max(512).optional().meta({ description: "nextCursor of the previous page" }),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
});

export type PaginationQuery = z.infer<typeof paginationQuerySchema>;

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export function pageSchema<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), "utf8").toString("base64url");
}

/** The position a cursor carries, checked against the shape the route expects; 400 otherwise. */
export function decodeCursor<Position>(cursor: string, positionSchema: z.ZodType<Position>): Position {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw new ValidationError({ field: "cursor", message: "cursor: not a cursor this service issued" });
  }
  const parsed = positionSchema.safeParse(decoded);
  if (!parsed.success) throw new ValidationError({ field: "cursor", message: "cursor: not a cursor this service issued" });
  return parsed.data;
}

/**
 * Builds a page from rows fetched with `limit + 1`: the extra row only tells that another page
 * exists, and the cursor points at the last row returned.
 */
export function pageOf<Row>(rows: Row[], limit: number, positionOf: (row: Row) => unknown): Page<Row> {
  const items = rows.slice(0, limit);
  const nextCursor = rows.length > limit ? encodeCursor(positionOf(items[items.length - 1])) : null;
  return { items, nextCursor };
}
