// The administrative log re-hashed entry by entry, and the accounts table rebuilt from its account.* entries: each
// entry states an account's whole resulting state (the password hash as its SHA-256 digest), so an account that no
// entry created, or whose role, organization, grant, status or password hash differs from its last entry, is named.
// The chain's checkpoints of the log's head catch what re-hashing cannot: a log rewritten with every hash recomputed,
// or cut short.
import type { ChainCheckpoint } from "../../chain/audit-reader";
import type { ChainedAuditEntry } from "../../data-access/repositories/audit-log";
import type { AccountScanRow } from "../../data-access/repositories/instance-scan";
import { adminLogEntryHash } from "../../lib/admin-log";
import { accountState } from "../accounts/change";
import type { FindingSet } from "./report";

/** The account fields an account.* entry states, compared one by one. */
const ACCOUNT_FIELDS = ["username", "role", "orgId", "canReadPersonalData", "disabled", "chainAddress", "passwordHashDigest"] as const;
type AccountField = (typeof ACCOUNT_FIELDS)[number];

export function checkAdminLogChain(entries: readonly ChainedAuditEntry[], findings: FindingSet): void {
  let previous: ChainedAuditEntry | null = null;
  for (const entry of entries) {
    const problem = chainProblem(entry, previous);
    if (problem !== null) {
      findings.add({
        kind: "ADMIN_LOG_BROKEN",
        recordId: null,
        subject: { type: "auditEntry", id: String(entry.id) },
        detail: `Administrative log entry ${entry.id} (${entry.action}): ${problem}.`,
      });
    }
    if (entry.entryHash !== null || previous !== null) previous = entry;
  }
}

/**
 * Each of this instance's checkpoints of the administrative log (oldest first) names the hash of the log's entry
 * number `treeSize`, counting the hash-chained entries only. The first that the log no longer gives is named, with
 * the entry at that position (or the checkpoint, when the log has become shorter).
 */
export function checkAdminLogCheckpoints(
  entries: readonly ChainedAuditEntry[],
  checkpoints: readonly ChainCheckpoint[],
  findings: FindingSet,
): void {
  const chained = entries.filter((entry) => entry.entryHash !== null);
  const agrees = checkpoints.map((checkpoint) => chained[checkpoint.treeSize - 1]?.entryHash === checkpoint.root.toLowerCase());
  const firstBad = agrees.indexOf(false);
  if (firstBad < 0) return;
  const bad = checkpoints[firstBad];
  const entry = chained[bad.treeSize - 1];
  const where = `The chain's checkpoint of the administrative log's first ${bad.treeSize} entries (block ${bad.blockNumber}, transaction ${bad.transactionHash}) names head ${bad.root}`;
  const what =
    entry === undefined
      ? `${where}, but the log holds ${chained.length} hash-chained entries: entries were removed from its end.`
      : `${where}, but entry ${entry.id} at that position hashes to ${entry.entryHash}: an entry up to it was rewritten, removed or slipped in, and the hashes after it recomputed.`;
  const vouched = firstBad === 0 ? "" : ` The checkpoint of ${checkpoints[firstBad - 1].treeSize} entries still matches.`;
  const laterBad = agrees.slice(firstBad + 1).filter((agree) => !agree).length;
  findings.add({
    kind: "ADMIN_LOG_CHECKPOINT_MISMATCH",
    recordId: null,
    subject: entry === undefined ? { type: "checkpoint", id: bad.transactionHash } : { type: "auditEntry", id: String(entry.id) },
    detail: `${what}${vouched}${laterBad > 0 ? ` ${laterBad} later checkpoint(s) disagree as well.` : ""}`,
  });
}

function chainProblem(entry: ChainedAuditEntry, previous: ChainedAuditEntry | null): string | null {
  if (entry.entryHash === null) return previous === null ? null : `it has no hash, yet it follows entry ${previous.id} of the hash chain`;
  const expectedPrev = previous?.entryHash ?? null;
  if (entry.prevHash !== expectedPrev) {
    return `it names ${entry.prevHash ?? "no"} previous hash, but the entry before it ${previous ? `(${previous.id}) hashes to ${expectedPrev}` : "is none"}: an entry was removed or slipped in`;
  }
  const hash = adminLogEntryHash({
    at: entry.at.toISOString(),
    accountId: entry.accountId,
    orgId: entry.orgId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    details: entry.details,
    prevHash: entry.prevHash,
  });
  return hash === entry.entryHash ? null : `its content hashes to ${hash}, but its stored hash is ${entry.entryHash}: it was edited`;
}

/**
 * Once the log holds any account.* entry, every account must be stated by one. Before the first (an instance whose
 * accounts all predate account logging), accounts without an entry are taken as they are.
 */
export function checkAccounts(entries: readonly ChainedAuditEntry[], accounts: readonly AccountScanRow[], findings: FindingSet): void {
  const logged = new Map<string, Record<string, unknown>>();
  for (const entry of entries) {
    if (entry.action.startsWith("account.") && entry.targetType === "account" && entry.targetId !== null)
      logged.set(entry.targetId, entry.details);
  }
  const accountLogging = logged.size > 0;
  for (const account of accounts) {
    const state = logged.get(account.id);
    logged.delete(account.id);
    if (state === undefined && !accountLogging) continue;
    const problem = state === undefined ? "no account.* entry of the administrative log created it" : accountDifferences(account, state);
    if (problem === null) continue;
    findings.add({
      kind: "ACCOUNT_MISMATCH",
      recordId: null,
      subject: { type: "account", id: account.id },
      detail: `Account ${account.username} (${account.role}, organization ${account.orgId}): ${problem}.`,
    });
  }
  for (const [accountId, state] of logged) {
    findings.add({
      kind: "ACCOUNT_MISMATCH",
      recordId: null,
      subject: { type: "account", id: accountId },
      detail: `Account ${String(state.username)}: the administrative log holds it, the accounts table does not.`,
    });
  }
}

function accountDifferences(account: AccountScanRow, state: Record<string, unknown>): string | null {
  const row: Record<AccountField, unknown> = accountState(account);
  const differing = ACCOUNT_FIELDS.filter((field) => row[field] !== (state[field] ?? null));
  if (differing.length === 0) return null;
  return differing
    .map((field) =>
      field === "passwordHashDigest"
        ? "its password hash is not the one the log states"
        : `its ${field} is ${String(row[field])} in the table but ${String(state[field])} in the log`,
    )
    .join("; ");
}
