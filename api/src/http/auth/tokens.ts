// Short-lived bearer tokens: HS256 JWTs signed with TOKEN_SECRET. An instance only ever verifies
// its own tokens, so a shared secret is enough.
import { jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { roleSchema, type AuthContext } from "./roles";

const ALGORITHM = "HS256";
const ISSUER = "cunzheng-api";

const claimsSchema = z.object({
  sub: z.string().min(1),
  org: z.number().int().nonnegative(),
  role: roleSchema,
  canReadPersonalData: z.boolean(),
});

export interface TokenSettings {
  /** Hex. */
  secret: string;
  ttlSeconds: number;
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

function keyOf(settings: Pick<TokenSettings, "secret">): Uint8Array {
  return Buffer.from(settings.secret, "hex");
}

export async function issueToken(auth: AuthContext, settings: TokenSettings, now = new Date()): Promise<IssuedToken> {
  const issuedAt = Math.floor(now.getTime() / 1000);
  const expiresAt = issuedAt + settings.ttlSeconds;
  const token = await new SignJWT({ org: auth.orgId, role: auth.role, canReadPersonalData: auth.canReadPersonalData })
    .setProtectedHeader({ alg: ALGORITHM })
    .setSubject(auth.accountId)
    .setIssuer(ISSUER)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(keyOf(settings));
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/** The caller a token names, or null when it is malformed, forged or expired. */
export async function verifyToken(token: string, settings: Pick<TokenSettings, "secret">): Promise<AuthContext | null> {
  try {
    const { payload } = await jwtVerify(token, keyOf(settings), { algorithms: [ALGORITHM], issuer: ISSUER });
    const claims = claimsSchema.parse(payload);
    return { accountId: claims.sub, orgId: claims.org, role: claims.role, canReadPersonalData: claims.canReadPersonalData };
  } catch {
    return null;
  }
}
