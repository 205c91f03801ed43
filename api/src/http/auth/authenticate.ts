import type { RequestHandler } from "express";
import { Forbidden, Unauthorized } from "../../domain/errors";
import type { Config } from "../../config";
import type { SessionsPort } from "../deps";
import "../express-request";
import { mayDo, PERMISSIONS, type Action } from "../../domain/permissions";
import type { AuthContext } from "./roles";
import { verifyToken } from "./tokens";
import { RULES } from "../../domain/refusals";

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

const REFUSALS = {
  sessionEnded: "The session has ended; log in again",
  sessionExpired: "The session expired after a time without activity; log in again",
  accountDisabled: "The account has been disabled",
} as const;

export const PASSWORD_CHANGE_RULE = "auth.passwordChangeRequired";

/**
 * Bearer token → its session, asked on every request → req.auth with the account's current role, organization and
 * grant. 401 naming why (rule 'auth.sessionEnded', 'auth.sessionExpired', 'auth.accountDisabled') when it is refused.
 * An account still holding a one-time password gets 403 'auth.passwordChangeRequired' everywhere except where
 * `allowPasswordChange` lets it through (choosing its password, who am I, logging out).
 */
export function createAuthenticate(
  config: Pick<Config, "tokenSecret">,
  sessions: SessionsPort,
  options: { allowPasswordChange?: boolean } = {},
): RequestHandler {
  return async (req, res, next) => {
    const match = BEARER.exec(req.get("authorization") ?? "");
    const subject = match ? await verifyToken(match[1], { secret: config.tokenSecret }) : null;
    const refuse = (message: string, rule?: string) => {
      res.setHeader("WWW-Authenticate", 'Bearer realm="cunzheng"');
      throw new Unauthorized(message, rule === undefined ? {} : { rule });
    };
    if (subject === null) return refuse(match ? "The token is invalid or has expired" : "Authentication required");
    const resolved = await sessions.resolve(subject.sessionId);
    if ("refused" in resolved) return refuse(REFUSALS[resolved.refused], `auth.${resolved.refused}`);
    if (resolved.auth.accountId !== subject.accountId) return refuse("The token is invalid or has expired");
    if (resolved.mustChangePassword && !options.allowPasswordChange) {
      throw new Forbidden({ rule: PASSWORD_CHANGE_RULE, message: "Choose your own password before anything else" });
    }
    req.auth = resolved.auth;
    req.sessionId = subject.sessionId;
    next();
  };
}

/** req.auth for handlers behind `authenticate`; throws rather than let a missing guard pass silently. */
export function authOf(req: { auth?: AuthContext }): AuthContext {
  if (req.auth === undefined) throw new Unauthorized();
  return req.auth;
}

/** 403 with rule 'auth.role' unless the caller's role may do `action` (domain/permissions.ts). Place after `authenticate`. */
export function requireRole(action: Action): RequestHandler {
  return (req, _res, next) => {
    const auth = authOf(req);
    if (!mayDo(auth.role, action)) {
      throw new Forbidden({ rule: RULES.authRole, message: `This action requires the role ${PERMISSIONS[action].roles.join(" or ")}` });
    }
    next();
  };
}
