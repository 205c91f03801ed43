// Bearer tokens: HS256 JWTs signed with TOKEN_SECRET, each naming one server-side session. The token proves which
// session; the session (api/src/domain/accounts/sessions.ts) decides whether it is still honoured.
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";

const ALGORITHM = "HS256";
const ISSUER = "cunzheng-api";

const claimsSchema = z.object({ sub: z.string().min(1), sid: z.string().min(1) });

export interface TokenSettings {
  /** Hex. */
  secret: string;
  ttlSeconds: number;
}

export interface TokenSubject {
  accountId: string;
  sessionId: string;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

function keyOf(settings: Pick<TokenSettings, "secret">): Uint8Array {
  return Buffer.from(settings.secret, "hex");
}

export async function issueToken(subject: TokenSubject, settings: TokenSettings, now = new Date()): Promise<IssuedToken> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + settings.ttlSeconds;
  const token = await new SignJWT({ sid: subject.sessionId })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(subject.accountId)
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(keyOf(settings));
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/** The session a token names, or null when it is malformed, forged or past its expiry. */
export async function verifyToken(token: string, settings: Pick<TokenSettings, "secret">): Promise<TokenSubject | null> {
  try {
    const { payload } = await jwtVerify(token, keyOf(settings), { algorithms: [ALGORITHM], issuer: ISSUER });
    const claims = claimsSchema.parse(payload);
    return { accountId: claims.sub, sessionId: claims.sid };
  } catch {
    return null;
  }
}
