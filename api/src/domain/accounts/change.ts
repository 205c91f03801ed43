// THE one way an account changes. Whatever changes it — the portal, the command line, the demo seed — writes the
// change and its administrative-log entry in the same transaction, and the entry carries the account's whole
// resulting state (never a secret), so the audit sweep can rebuild the accounts table from the log alone and name
// an account nobody created through here, or a password hash swapped underneath.
import { createHash } from "node:crypto";
import type { Account, AccountsRepository, Repositories } from "../../data-access";

export const ACCOUNT_ACTIONS = ["created", "updated", "disabled", "enabled", "passwordReset", "passwordChanged"] as const;
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number];

/** Who changed it: an account, or the operator's command line or the demo seed (no account yet). */
export type ChangedBy = { accountId: string; orgId: number } | { via: "cli" | "seed" };

/** The account as the log states it: everything but secrets; the password hash only as its digest. */
export interface AccountState {
  accountId: string;
  username: string;
  role: string;
  orgId: number;
  canReadPersonalData: boolean;
  disabled: boolean;
  chainAddress: string | null;
  /** SHA-256 hex of the stored password hash string. */
  passwordHashDigest: string;
}

/** The columns an account's logged state is made of (the audit sweep passes its scanned rows). */
export type AccountFacts = Pick<
  Account,
  "id" | "username" | "passwordHash" | "orgId" | "canReadPersonalData" | "disabled" | "chainAddress"
> & { role: string };

export function accountState(account: AccountFacts): AccountState {
  return {
    accountId: account.id,
    username: account.username,
    role: account.role,
    orgId: account.orgId,
    canReadPersonalData: account.canReadPersonalData,
    disabled: account.disabled,
    chainAddress: account.chainAddress,
    passwordHashDigest: createHash("sha256").update(account.passwordHash, "utf8").digest("hex"),
  };
}

/**
 * Runs `write` and logs its result as `account.<action>`. Pass the repositories of the transaction the write
 * belongs to: both commit or neither does.
 */
export async function changeAccount(
  repositories: Pick<Repositories, "accounts" | "auditLog">,
  by: ChangedBy,
  action: AccountAction,
  write: (accounts: AccountsRepository) => Promise<Account>,
): Promise<Account> {
  const account = await write(repositories.accounts);
  const actor = "accountId" in by ? by : null;
  await repositories.auditLog.append({
    accountId: actor?.accountId ?? null,
    orgId: actor?.orgId ?? account.orgId,
    action: `account.${action}`,
    targetType: "account",
    targetId: account.id,
    details: { ...accountState(account), ...(actor === null && { via: (by as { via: string }).via }) },
  });
  return account;
}
