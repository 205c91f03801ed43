import type { EntityManager } from "typeorm";
import { OrganizationEntity } from "../entities";
import type { Organization } from "../types";
import { subtreeIdsSql, toPlain } from "./shared";

/** The mirror of the chain's OrgRegistry: written by the chain indexer, read for scoping. */
export class OrganizationsRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Inserts or refreshes an organization as read from chain. Parents must be upserted before their children. The
   * registration facts; the endpoint and closing change separately (applyChainChange).
   */
  async upsertFromChain(org: Omit<Organization, "serviceEndpoint" | "closed">): Promise<Organization> {
    await this.manager.upsert(OrganizationEntity, org, ["id"]);
    return (await this.get(org.id))!;
  }

  /** Changes what the registry may change after registration: approval power, the published endpoint, name, closing. */
  async applyChainChange(
    id: number,
    change: { mayApprove?: boolean; serviceEndpoint?: string | null; name?: string; closed?: true },
  ): Promise<void> {
    await this.manager.update(OrganizationEntity, { id }, change);
  }

  /** The committee an organization belongs to (itself for a committee); null for the consortium or an unknown id. */
  async committeeOf(orgId: number): Promise<number | null> {
    const rows: { id: string }[] = await this.manager.query(
      `WITH RECURSIVE ancestors (id, parent_id, kind) AS (
          SELECT id, parent_id, kind FROM organizations WHERE id = $1
          UNION ALL
          SELECT parent.id, parent.parent_id, parent.kind FROM organizations parent JOIN ancestors child ON parent.id = child.parent_id
        ) SELECT id FROM ancestors WHERE kind = 'COMMITTEE'`,
      [orgId],
    );
    return rows[0] ? Number(rows[0].id) : null;
  }

  async get(id: number): Promise<Organization | null> {
    const entity = await this.manager.findOneBy(OrganizationEntity, { id });
    return entity && toPlain(entity);
  }

  async list(): Promise<Organization[]> {
    const entities = await this.manager.find(OrganizationEntity, { order: { id: "ASC" } });
    return entities.map(toPlain);
  }

  /** The organization's id and its descendants' ids; empty when the organization is unknown. */
  async listSubtreeIds(rootOrgId: number): Promise<number[]> {
    const rows: { id: string }[] = await this.manager.query(`${subtreeIdsSql("$1")} ORDER BY id`, [rootOrgId]);
    return rows.map((row) => Number(row.id));
  }

  /** Whether `orgId` is `rootOrgId` or one of its descendants. */
  async isInSubtree(rootOrgId: number, orgId: number): Promise<boolean> {
    const rows: { found: boolean }[] = await this.manager.query(
      `WITH RECURSIVE ancestors (id, parent_id) AS (
          SELECT id, parent_id FROM organizations WHERE id = $2
          UNION ALL
          SELECT parent.id, parent.parent_id FROM organizations parent JOIN ancestors child ON parent.id = child.parent_id
        ) SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = $1) AS found`,
      [rootOrgId, orgId],
    );
    return rows[0].found;
  }
}
