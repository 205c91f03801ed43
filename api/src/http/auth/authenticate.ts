import type { RequestHandler } from "express";
import { Forbidden, Unauthorized } from "../../domain/errors";
import type { Config } from "../../config";
import "../express-request";
import type { AuthContext, Role } from "./roles";
import { verifyToken } from "./tokens";

const BEARER = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/;

/** Bearer token → req.auth; 401 when it is missing, expired or invalid. */
export function createAuthenticate(config: Pick<Config, "tokenSecret">): RequestHandler {
  return async (req, res, next) => {
    const match = BEARER.exec(req.get("authorization") ?? "");
    const auth = match ? await verifyToken(match[1], { secret: config.tokenSecret }) : null;
    if (auth === null) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="cunzheng"');
      throw new Unauthorized(match ? "The token is invalid or has expired" : "Authentication required");
    }
    req.auth = auth;
    next();
  };
}

/** req.auth for handlers behind `authenticate`; throws rather than let a missing guard pass silently. */
export function authOf(req: { auth?: AuthContext }): AuthContext {
  if (req.auth === undefined) throw new Unauthorized();
  return req.auth;
}

/** 403 with rule 'auth.role' unless the caller has one of the roles. Place after `authenticate`. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const auth = authOf(req);
    if (!roles.includes(auth.role)) {
      throw new Forbidden({ rule: "auth.role", message: `This action requires the role ${roles.join(" or ")}` });
    }
    next();
  };
}
