import type { EntityManager } from "typeorm";
import { QueryFailedError } from "typeorm";

/**
 * A TypeORM entity instance as a plain object (the entities' properties are named as in ./types). Columns left out
 * of the SELECT (evidence content) are own properties set to undefined on an entity; they are left out here too.
 */
export function toPlain<T extends object>(entity: T): T {
  return Object.fromEntries(Object.entries(entity).filter(([, value]) => value !== undefined)) as T;
}

/** Runs `work` in the caller's transaction when there is one, else in a new one. */
export async function inTransaction<T>(manager: EntityManager, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  if (manager.queryRunner?.isTransactionActive) return work(manager);
  return manager.transaction(work);
}

/** The name of the unique constraint or index a failed query violated, or null for any other failure. */
export function violatedUniqueConstraint(error: unknown): string | null {
  if (!(error instanceof QueryFailedError)) return null;
  const driverError = error.driverError as { code?: string; constraint?: string };
  return driverError.code === "23505" ? (driverError.constraint ?? "unique constraint") : null;
}

/**
 * SQL selecting the id of an organization and of all its descendants. `placeholder` is the bound root id:
 * "$1" in a raw query, ":rootOrgId" in a query builder.
 */
export function subtreeIdsSql(placeholder: string): string {
  return `WITH RECURSIVE subtree (id) AS (
      SELECT id FROM organizations WHERE id = ${placeholder}
      UNION ALL
      SELECT child.id FROM organizations child JOIN subtree parent ON child.parent_id = parent.id
    ) SELECT id FROM subtree`;
}
