// Accounts as an organization department manages them: an ORG_ADMIN creates, edits, disables and resets the accounts
// of its own subtree; everyone changes their own password. Every change goes through changeAccount.
import { DuplicateError, type Account, type AuditEntry, type Organization, type Repositories } from "../../data-access";
import { hashPassword, verifyPassword } from "../../http/auth/password";
import { Conflict, Forbidden, NotFound, RuleViolation } from "../errors";
import type { Actor, Institution } from "../institution";
import { closedOrganization } from "../organizations";
import { changeAccount, type ChangedBy } from "./change";
import { assertPasswordAllowed, oneTimePassword } from "./password-policy";
import { ROLES, type AccountRole } from "../vocabulary";
import { RULES, type RuleId } from "../refusals";

export interface AccountInput {
  username: string;
  displayName: string;
  role: AccountRole;
  orgId: number;
  canReadPersonalData: boolean;
}

export type AccountEdit = Partial<Omit<AccountInput, "username">>;

/** An account as the administrator sees it: never its password hash. */
export type AccountView = Omit<Account, "passwordHash">;

export function viewOf({ passwordHash: _secret, ...account }: Account): AccountView {
  return account;
}

const SCOPE_RULE = RULES.scopeOrgSubtree;

function forbidden(rule: RuleId, message: string): never {
  throw new Forbidden({ rule, message });
}

async function assertInScope(repositories: Repositories, actor: Actor, orgId: number): Promise<void> {
  if (!(await repositories.organizations.isInSubtree(actor.orgId, orgId))) {
    forbidden(SCOPE_RULE, `Organization ${orgId} is outside the subtree of your organization ${actor.orgId}`);
  }
}

async function organizationFor(repositories: Repositories, orgId: number): Promise<Organization> {
  const organization = await repositories.organizations.get(orgId);
  if (!organization)
    throw new RuleViolation({ rule: RULES.accountsUnknownOrganization, field: "orgId", message: `There is no organization ${orgId}` });
  if (organization.closed) throw closedOrganization(organization, "orgId");
  return organization;
}

/** Which organizations a role may belong to: approving is a committee's, everything else is not the consortium's. */
function assertRoleFits(role: AccountRole, organization: Organization): void {
  if (role === ROLES.approver && !(organization.kind === "COMMITTEE" && organization.mayApprove)) {
    throw new RuleViolation({
      rule: RULES.accountsRoleNotAllowed,
      field: "role",
      message: "An APPROVER belongs to a committee with approval power",
    });
  }
  if (role !== ROLES.orgAdmin && organization.kind === "CONSORTIUM") {
    throw new RuleViolation({
      rule: RULES.accountsRoleNotAllowed,
      field: "role",
      message: `A ${role} belongs to a university's organization, not the consortium`,
    });
  }
}

/**
 * The consortium operator (an ORG_ADMIN of the consortium itself, created at install) only starts a committee off:
 * it creates the committee's first ORG_ADMIN and nothing else.
 */
async function assertConsortiumOperatorRule(
  repositories: Repositories,
  actor: Actor,
  input: AccountInput,
  organization: Organization,
): Promise<void> {
  const actorOrg = await repositories.organizations.get(actor.orgId);
  if (actorOrg?.kind !== "CONSORTIUM") return;
  const first =
    input.role === ROLES.orgAdmin &&
    organization.kind === "COMMITTEE" &&
    (await repositories.accounts.countEnabled(organization.id, ROLES.orgAdmin)) === 0;
  if (!first) forbidden(RULES.accountsConsortiumFirstAdminOnly, "The consortium operator creates only a committee's first ORG_ADMIN");
}

function usernameTaken(error: unknown, username: string): never {
  if (error instanceof DuplicateError) {
    throw new Conflict(`The username ${username} is taken`, { rule: RULES.accountsUsernameTaken, field: "username" });
  }
  throw error;
}

/** Creates an account with a one-time password, returned once: the user must choose their own at first login. */
export async function createAccount(
  institution: Institution,
  actor: Actor,
  input: AccountInput,
): Promise<{ account: AccountView; oneTimePassword: string }> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  const account = await institution.transaction(async (repositories) => {
    const organization = await organizationFor(repositories, input.orgId);
    await assertInScope(repositories, actor, organization.id);
    await assertConsortiumOperatorRule(repositories, actor, input, organization);
    assertRoleFits(input.role, organization);
    return changeAccount(repositories, actor, "created", (accounts) =>
      accounts.create({ ...input, passwordHash, mustChangePassword: true }).catch((error) => usernameTaken(error, input.username)),
    );
  });
  return { account: viewOf(account), oneTimePassword: password };
}

/** The first ORG_ADMIN of a committee, from the operator's command line: the password is the operator's choice. */
export async function createFirstAdmin(
  institution: Pick<Institution, "transaction">,
  input: { username: string; displayName: string; orgId: number; password: string },
): Promise<AccountView> {
  assertPasswordAllowed(input.password, input.username, "password");
  const passwordHash = await hashPassword(input.password);
  const account = await institution.transaction(async (repositories) => {
    const organization = await organizationFor(repositories, input.orgId);
    if (organization.kind !== "COMMITTEE") {
      throw new RuleViolation({
        rule: RULES.accountsFirstAdminAtCommittee,
        field: "orgId",
        message: `${organization.name} is not a university committee`,
      });
    }
    return changeAccount(repositories, { via: "cli" }, "created", (accounts) =>
      accounts
        .create({
          username: input.username,
          displayName: input.displayName,
          role: ROLES.orgAdmin,
          orgId: organization.id,
          canReadPersonalData: true,
          passwordHash,
        })
        .catch((error) => usernameTaken(error, input.username)),
    );
  });
  return viewOf(account);
}

/** An account the actor administers: it exists and lies in the actor's subtree. */
async function administered(repositories: Repositories, actor: Actor, accountId: string): Promise<Account> {
  const account = await repositories.accounts.get(accountId);
  // An account outside the subtree is answered like a missing one: administrators do not learn other universities' staff.
  if (!account || !(await repositories.organizations.isInSubtree(actor.orgId, account.orgId)))
    throw new NotFound(`There is no account ${accountId} in your organization`);
  return account;
}

/** Refuses a change that would leave the account's organization without an enabled ORG_ADMIN. */
async function assertNotLastAdmin(
  repositories: Repositories,
  before: Account,
  after: { role: AccountRole; orgId: number; disabled: boolean },
): Promise<void> {
  const wasAdmin = before.role === ROLES.orgAdmin && !before.disabled;
  const staysAdminHere = after.role === ROLES.orgAdmin && !after.disabled && after.orgId === before.orgId;
  if (wasAdmin && !staysAdminHere && (await repositories.accounts.countEnabled(before.orgId, ROLES.orgAdmin)) <= 1) {
    throw new RuleViolation({
      rule: RULES.accountsLastOrgAdmin,
      field: after.disabled ? "disabled" : after.role !== ROLES.orgAdmin ? "role" : "orgId",
      message: `${before.username} is the last ORG_ADMIN of the organization; create another one first`,
    });
  }
}

export async function updateAccount(institution: Institution, actor: Actor, accountId: string, edit: AccountEdit): Promise<AccountView> {
  const account = await institution.transaction(async (repositories) => {
    const before = await administered(repositories, actor, accountId);
    const after = { role: edit.role ?? before.role, orgId: edit.orgId ?? before.orgId, disabled: before.disabled };
    const organization = await organizationFor(repositories, after.orgId);
    await assertInScope(repositories, actor, organization.id);
    assertRoleFits(after.role, organization);
    await assertNotLastAdmin(repositories, before, after);
    return changeAccount(repositories, actor, "updated", async (accounts) => (await accounts.update(accountId, edit))!);
  });
  return viewOf(account);
}

/** Disables or re-enables an account; a disabled account's sessions are refused from its next request on. */
export async function setDisabled(institution: Institution, actor: Actor, accountId: string, disabled: boolean): Promise<AccountView> {
  const account = await institution.transaction(async (repositories) => {
    const before = await administered(repositories, actor, accountId);
    if (disabled && before.id === actor.accountId) forbidden(RULES.accountsNotSelf, "You cannot disable your own account");
    await assertNotLastAdmin(repositories, before, { role: before.role, orgId: before.orgId, disabled });
    return changeAccount(
      repositories,
      actor,
      disabled ? "disabled" : "enabled",
      async (accounts) => (await accounts.update(accountId, { disabled }))!,
    );
  });
  return viewOf(account);
}

/** A new one-time password, shown once; the account's open sessions end. */
export async function resetPassword(
  institution: Institution,
  actor: Actor,
  accountId: string,
): Promise<{ account: AccountView; oneTimePassword: string }> {
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  const account = await institution.transaction(async (repositories) => {
    await administered(repositories, actor, accountId);
    await repositories.sessions.endAllOf(accountId, institution.now());
    return changeAccount(
      repositories,
      actor,
      "passwordReset",
      async (accounts) => (await accounts.update(accountId, { passwordHash, mustChangePassword: true }))!,
    );
  });
  return { account: viewOf(account), oneTimePassword: password };
}

/** The caller replaces its own password, proving the current one. */
export async function changeOwnPassword(
  institution: Institution,
  actor: Actor,
  currentPassword: string,
  newPassword: string,
): Promise<AccountView> {
  const current = await institution.repositories.accounts.get(actor.accountId);
  if (!current) throw new NotFound("Your account no longer exists");
  if (!(await verifyPassword(current.passwordHash, currentPassword))) {
    throw new RuleViolation({ rule: RULES.passwordCurrentWrong, field: "currentPassword", message: "The current password is not right" });
  }
  if (newPassword === currentPassword) {
    throw new RuleViolation({
      rule: RULES.passwordUnchanged,
      field: "newPassword",
      message: "Choose a password different from the current one",
    });
  }
  assertPasswordAllowed(newPassword, current.username, "newPassword");
  const passwordHash = await hashPassword(newPassword);
  const account = await institution.transaction((repositories) =>
    changeAccount(
      repositories,
      actor,
      "passwordChanged",
      async (accounts) => (await accounts.update(actor.accountId, { passwordHash, mustChangePassword: false }))!,
    ),
  );
  return viewOf(account);
}

export async function listAccounts(institution: Institution, actor: Actor): Promise<AccountView[]> {
  return (await institution.repositories.accounts.listInSubtree(actor.orgId)).map(viewOf);
}

export async function getAccount(institution: Institution, actor: Actor, accountId: string): Promise<AccountView> {
  return viewOf(await administered(institution.repositories, actor, accountId));
}

/** Every change of an account, oldest first, with who made it. */
export async function accountHistory(institution: Institution, actor: Actor, accountId: string): Promise<AuditEntry[]> {
  await administered(institution.repositories, actor, accountId);
  // Logins and logouts name the account too; the history is of its changes.
  return (await institution.repositories.auditLog.listAbout("account", accountId)).filter((entry) => entry.action.startsWith("account."));
}

/** For the demo seed: an account with a known password, logged like any other. */
export function seedAccount(repositories: Repositories, input: AccountInput & { passwordHash: string }): Promise<Account> {
  const by: ChangedBy = { via: "seed" };
  return changeAccount(repositories, by, "created", (accounts) => accounts.create(input));
}
