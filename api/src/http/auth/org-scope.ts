import { Forbidden } from "../../domain/errors";
import type { OrgsPort } from "../deps";
import type { AuthContext } from "./roles";
import { RULES } from "../../domain/refusals";

export const ORG_SCOPE_RULE = RULES.scopeOrgSubtree;

/** An account writes only within its own organization's subtree. */
export async function assertOrgInScope(orgs: OrgsPort, auth: AuthContext, orgId: number): Promise<void> {
  if (!(await orgs.isInSubtree(auth.orgId, orgId))) {
    throw new Forbidden({
      rule: ORG_SCOPE_RULE,
      message: `Organization ${orgId} is outside the subtree of your organization ${auth.orgId}`,
    });
  }
}
