// Who may do what: every write is scoped to the caller's organization subtree, approvals to the approving
// committee above the member. Refusals name the rule that refused.
import type { Repositories } from "../data-access";
import { Forbidden } from "./errors";
import type { Actor } from "./institution";
import { mayDo, PERMISSIONS, type Action } from "./permissions";
import { RULES } from "./refusals";

/** Refuses unless the actor's role may do `action` (permissions.ts). */
export function requireRole(actor: Actor, action: Action): void {
  if (!mayDo(actor.role, action)) {
    const { doing, roles } = PERMISSIONS[action];
    throw new Forbidden({ rule: RULES.authRole, message: `${doing} needs one of the roles ${roles.join(", ")}` });
  }
}

export async function requireInScope(repositories: Repositories, actor: Actor, orgId: number): Promise<void> {
  if (!(await repositories.organizations.isInSubtree(actor.orgId, orgId))) {
    throw new Forbidden({
      rule: RULES.scopeOrgSubtree,
      message: `organization ${orgId} is outside your organization ${actor.orgId} and its subtree`,
    });
  }
}

/** Whether the actor's organization is a committee with approval power above (or at) `orgId`. */
export async function approvesFor(repositories: Repositories, actor: Actor, orgId: number): Promise<boolean> {
  const org = await repositories.organizations.get(actor.orgId);
  return org !== null && org.kind === "COMMITTEE" && org.mayApprove && (await repositories.organizations.isInSubtree(actor.orgId, orgId));
}

/** Approvals (S13, S17, S24, transfers) are decided by an approver of the approving committee above `orgId`. */
export async function requireApprover(repositories: Repositories, actor: Actor, orgId: number): Promise<void> {
  requireRole(actor, "approve");
  if (!(await approvesFor(repositories, actor, orgId))) {
    throw new Forbidden({
      rule: RULES.scopeApprovingCommittee,
      message: `only an approving committee above organization ${orgId} may decide this`,
    });
  }
}
