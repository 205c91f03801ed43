// POST /api/auth/login and GET /api/auth/me.
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Router, type RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { z } from "zod";
import { TooManyRequests, Unauthorized } from "../../domain/errors";
import { recordAudit } from "../audit";
import type { AppDeps } from "../deps";
import { validate } from "../middleware/validate";
import { bearerSecurity, errorResponses } from "../openapi";
import { authOf } from "./authenticate";
import { verifyAgainstDecoy, verifyPassword } from "./password";
import { roleSchema } from "./roles";
import { issueToken } from "./tokens";

const LOGIN_WINDOW_MS = 15 * 60 * 1000;

// One message for an unknown user, a wrong password and a disabled account, so the response
// does not tell which usernames exist.
const LOGIN_FAILED = "Invalid username or password";

export const loginRequestSchema = z
  .object({
    username: z.string().min(1).max(128),
    // Bounded so a huge body cannot make argon2 the denial of service.
    password: z.string().min(1).max(1024),
  })
  .meta({ id: "LoginRequest" });

export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const authContextSchema = z
  .object({
    accountId: z.string(),
    orgId: z.number().int(),
    role: roleSchema,
    canReadPersonalData: z.boolean(),
  })
  .meta({ id: "AuthContext" });

export const loginResponseSchema = z
  .object({
    token: z.string().meta({ description: "Send as `Authorization: Bearer <token>`" }),
    expiresAt: z.iso.datetime(),
    account: z.object({ id: z.string(), username: z.string(), role: roleSchema, orgId: z.number().int() }),
  })
  .meta({ id: "LoginResponse" });

export type LoginResponse = z.infer<typeof loginResponseSchema>;

function loginRateLimiter(limit: number): RequestHandler {
  return rateLimit({
    windowMs: LOGIN_WINDOW_MS,
    limit,
    standardHeaders: "draft-8",
    legacyHeaders: false,
    keyGenerator: (req) => {
      const username = typeof req.body?.username === "string" ? req.body.username.toLowerCase() : "";
      return `${ipKeyGenerator(req.ip ?? "")}|${username}`;
    },
    handler: (_req, _res, next) => next(new TooManyRequests("Too many login attempts; try again later")),
  });
}

function registerOpenApi(openapi: OpenAPIRegistry): void {
  openapi.registerPath({
    method: "post",
    path: "/api/auth/login",
    summary: "Exchange a username and password for a short-lived bearer token",
    tags: ["auth"],
    request: { body: { required: true, content: { "application/json": { schema: loginRequestSchema } } } },
    responses: {
      200: { description: "Logged in", content: { "application/json": { schema: loginResponseSchema } } },
      ...errorResponses(400, 401, 429),
    },
  });
  openapi.registerPath({
    method: "get",
    path: "/api/auth/me",
    summary: "The caller the bearer token names",
    tags: ["auth"],
    security: bearerSecurity,
    responses: {
      200: { description: "The caller", content: { "application/json": { schema: authContextSchema } } },
      ...errorResponses(401),
    },
  });
}

export function authRouter(deps: AppDeps, authenticate: RequestHandler, openapi: OpenAPIRegistry): Router {
  registerOpenApi(openapi);
  const router = Router();

  router.post(
    "/auth/login",
    loginRateLimiter(deps.config.loginRateLimit),
    validate({ body: loginRequestSchema }),
    async (req, res) => {
      const { username, password } = req.body;
      const account = await deps.accounts.findByUsername(username);
      const passwordMatches = account
        ? await verifyPassword(account.passwordHash, password)
        : await verifyAgainstDecoy(password);
      if (!account || !passwordMatches || account.disabled) {
        req.log.info("login refused");
        throw new Unauthorized(LOGIN_FAILED);
      }

      const auth = {
        accountId: account.id,
        orgId: account.orgId,
        role: account.role,
        canReadPersonalData: account.canReadPersonalData,
      };
      const { token, expiresAt } = await issueToken(auth, {
        secret: deps.config.tokenSecret,
        ttlSeconds: deps.config.tokenTtlSeconds,
      });
      await recordAudit(deps.audit, auth, { action: "auth.login", targetType: "account", targetId: account.id });

      const body: LoginResponse = {
        token,
        expiresAt: expiresAt.toISOString(),
        account: { id: account.id, username: account.username, role: account.role, orgId: account.orgId },
      };
      res.json(body);
    },
  );

  router.get("/auth/me", authenticate, (req, res) => {
    res.json(authOf(req));
  });

  return router;
}
