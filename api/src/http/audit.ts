import type { AuthContext } from "./auth/roles";
import type { AuditEntry, AuditPort } from "./deps";

/** Records an action by the authenticated caller; routes call it after every successful write. */
export function recordAudit(audit: AuditPort, auth: AuthContext, action: Omit<AuditEntry, "accountId" | "orgId">): Promise<void> {
  return audit.record({ accountId: auth.accountId, orgId: auth.orgId, ...action });
}
