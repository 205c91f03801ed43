// Sessions live on the server: a token names a session, and every request asks whether it is still open, not idle
// longer than the timeout, and its account still enabled. The account's role, organization and personal-data grant
// are read at that moment, so an administrator's change applies to the very next request.
import type { Account, Repositories } from "../../data-access";
import type { Actor } from "../institution";

/** Why a session is refused; the portal says each in the user's language. */
export type SessionRefusal = "sessionEnded" | "sessionExpired" | "accountDisabled";

export type ResolvedSession = { actor: Actor; account: Account } | { refused: SessionRefusal };

/** Writing the last-seen time on every request would double the writes; a few seconds of slack is harmless. */
const TOUCH_AFTER_MS = 5_000;

export async function resolveSession(
  repositories: Pick<Repositories, "sessions" | "accounts">,
  sessionId: string,
  options: { now: Date; idleSeconds: number },
): Promise<ResolvedSession> {
  const session = await repositories.sessions.get(sessionId);
  if (!session || session.endedAt !== null) return { refused: "sessionEnded" };
  const idleMs = options.now.getTime() - session.lastSeenAt.getTime();
  if (idleMs > options.idleSeconds * 1000) {
    await repositories.sessions.end(session.id, options.now);
    return { refused: "sessionExpired" };
  }
  const account = await repositories.accounts.get(session.accountId);
  if (!account || account.disabled) return { refused: "accountDisabled" };
  if (idleMs > TOUCH_AFTER_MS) await repositories.sessions.touch(session.id, options.now);
  return {
    account,
    actor: { accountId: account.id, orgId: account.orgId, role: account.role, canReadPersonalData: account.canReadPersonalData },
  };
}
