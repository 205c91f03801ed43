// Whose data an export holds: the caller's organization subtree (or a part of it they name), authorized before
// anything else is read, with the names of its organizations for the rows and the title.
import type { Organization } from "../../data-access";
import { requireInScope, requireRole } from "../access";
import type { Actor, Institution } from "../institution";

export interface ExportScope {
  root: Organization;
  /** The root and every organization below it, in the registry's order. */
  organizations: Organization[];
  nameOf(orgId: number): string;
}

export async function exportScope(institution: Institution, actor: Actor, orgId = actor.orgId): Promise<ExportScope> {
  requireRole(actor, "exportMembers");
  const { repositories } = institution;
  await requireInScope(repositories, actor, orgId);
  const [all, subtree] = await Promise.all([repositories.organizations.list(), repositories.organizations.listSubtreeIds(orgId)]);
  const inScope = new Set(subtree);
  const organizations = all.filter((org) => inScope.has(org.id));
  const byId = new Map(organizations.map((org) => [org.id, org]));
  return {
    root: byId.get(orgId)!,
    organizations,
    nameOf: (id) => byId.get(id)?.name ?? String(id),
  };
}
