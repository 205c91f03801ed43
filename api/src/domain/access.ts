// Who may do what: every write is scoped to the caller's organization subtree, approvals to the approving
// committee above the member. Refusals name the rule that refused.
import type { Repositories } from "../data-access";
import { Forbidden } from "./errors";
import type { Actor, Role } from "./institution";

export function requireRole(actor: Actor, allowed: readonly Role[], action: string): void {
  if (!allowed.includes(actor.role)) {
    throw new Forbidden({ rule: "auth.role", message: `${action} needs one of the roles ${allowed.join(", ")}` });
  }
}

export async function requireInScope(repositories: Repositories, actor: Actor, orgId: number): Promise<void> {
  if (!(await repositories.organizations.isInSubtree(actor.orgId, orgId))) {
    throw new Forbidden({
      rule: "scope.orgSubtree",
      message: `organization ${orgId} is outside your organization ${actor.orgId} and its subtree`,
    });
  }
}

/** Whether the actor's organization is a committee with approval power above (or at) `orgId`. */
export async function approvesFor(repositories: Repositories, actor: Actor, orgId: number): Promise<boolean> {
  const org = await repositories.organizations.get(actor.orgId);
  return (
    org !== null &&
    org.kind === "COMMITTEE" &&
    org.mayApprove &&
    (await repositories.organizations.isInSubtree(actor.orgId, orgId))
  );
}

/** Approvals (S13, S17, S24, transfers) are decided by an approver of the approving committee above `orgId`. */
export async function requireApprover(repositories: Repositories, actor: Actor, orgId: number): Promise<void> {
  requireRole(actor, ["APPROVER"], "an approval");
  if (!(await approvesFor(repositories, actor, orgId))) {
    throw new Forbidden({
      rule: "scope.approvingCommittee",
      message: `only an approving committee above organization ${orgId} may decide this`,
    });
  }
}
