// The domain's terms, each listed once: the kinds of organization, the roles an account holds, a member's stages and
// statuses, the kinds and states of a transfer. The data tier stores these words and the chain tier translates them to
// the contracts' numbers; both import them from here. test/api/lib/vocabulary.test.ts fails when a role name is
// written as a string anywhere else in api/src. This module imports nothing, so anything may import it.

export const ORG_KINDS = ["CONSORTIUM", "COMMITTEE", "GENERAL_BRANCH", "BRANCH"] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** The roles an account holds, by name: code says ROLES.clerk, never the bare word. */
export const ROLES = { orgAdmin: "ORG_ADMIN", clerk: "CLERK", approver: "APPROVER", auditor: "AUDITOR" } as const;
export type Role = (typeof ROLES)[keyof typeof ROLES];
export const ACCOUNT_ROLES = [ROLES.orgAdmin, ROLES.clerk, ROLES.approver, ROLES.auditor] as const;
/** An account's role; the same word as Role, named for the account table it is stored in. */
export type AccountRole = Role;

/** The roles OrgRegistry grants an address at an organization: its administrator is the account role's namesake. */
export const CHAIN_ROLE_NAMES = { orgAdmin: ROLES.orgAdmin, attester: "ATTESTER" } as const;
export type ChainRoleName = (typeof CHAIN_ROLE_NAMES)[keyof typeof CHAIN_ROLE_NAMES];

/** IMembershipLedger.Stage without `None`. */
export const MEMBER_STAGES = ["APPLICANT", "ACTIVIST", "CANDIDATE", "PROBATIONARY", "FULL", "CANCELLED"] as const;
export type MemberStage = (typeof MEMBER_STAGES)[number];

export const MEMBER_STATUSES = ["ACTIVE", "TRANSFERRED_OUT"] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const TRANSFER_KINDS = ["MEMBERSHIP", "MATERIALS"] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

/**
 * ACCEPTING: the destination accepted another institution's transfer and sent the acceptance to the chain; the
 * member's file is held, not imported, until the chain's acceptance is final (or refused: back to ISSUED).
 */
export const TRANSFER_STATES = ["ISSUED", "ACCEPTING", "ACCEPTED", "REJECTED", "CANCELLED", "EXPIRED"] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

// How a transfer moves between these states is the transfers wing's: domain/transfers/state-machine.ts.
