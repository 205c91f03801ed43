// Which role may do what: the one table every role check reads, the domain's (access.ts requireRole) and the HTTP
// tier's guard alike. An action is named for what the caller does; `doing` is how a refusal's detail names it.
// Scope (which organizations) is checked beside this, in access.ts: a role says what, never where.
import { ACCOUNT_ROLES, ROLES, type Role } from "./vocabulary";

const { orgAdmin, clerk, approver, auditor } = ROLES;

export const PERMISSIONS = {
  readMembers: { roles: ACCOUNT_ROLES, doing: "reading members" },
  /** The roster and statistics spreadsheets organization departments file upward. */
  exportMembers: { roles: ACCOUNT_ROLES, doing: "exporting members" },
  enterMembers: { roles: [clerk, orgAdmin], doing: "entering a member" },
  /** The roles that enter members may correct what was entered. */
  correctPersonalData: { roles: [clerk, orgAdmin], doing: "correcting personal data" },
  /** The steps a rule set says a clerk records (recordedBy CLERK); an administrator may stand in. */
  recordClerkSteps: { roles: [clerk, orgAdmin], doing: "recording a step" },
  /** Approvals (S13, S17, S24, transfers); access.ts requireApprover adds the approving committee. */
  approve: { roles: [approver], doing: "an approval" },
  importRosters: { roles: [orgAdmin, clerk], doing: "importing a roster" },
  handleEvidence: { roles: [clerk, orgAdmin, approver], doing: "uploading or reading evidence" },
  readTransfers: { roles: ACCOUNT_ROLES, doing: "reading transfers" },
  readChainEvents: { roles: [orgAdmin, auditor], doing: "reading the chain events" },
  audit: { roles: [auditor], doing: "an audit sweep" },
  retryFailedWrites: { roles: [orgAdmin], doing: "reading or retrying the failed chain writes" },
  administerAccounts: { roles: [orgAdmin], doing: "administering accounts" },
  administerOrganizations: { roles: [orgAdmin], doing: "administering organizations" },
} as const satisfies Record<string, { roles: readonly Role[]; doing: string }>;

export type Action = keyof typeof PERMISSIONS;

export const ACTIONS = Object.keys(PERMISSIONS) as Action[];

/** Whether `role` may do `action`, for code that decides rather than refuses (the command line, the session view). */
export function mayDo(role: Role, action: Action): boolean {
  return (PERMISSIONS[action].roles as readonly Role[]).includes(role);
}

/** Everything `role` may do: what a login tells the portal, which shows each account only what it may use. */
export function actionsOf(role: Role): Action[] {
  return ACTIONS.filter((action) => mayDo(role, action));
}
