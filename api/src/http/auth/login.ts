// POST /api/auth/login, POST /api/auth/logout and GET /api/auth/me.
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { Router, type Request, type RequestHandler } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import { z } from "zod";
import { TooManyRequests, Unauthorized } from "../../domain/errors";
import { ACTIONS, actionsOf } from "../../domain/permissions";
import { recordAudit } from "../audit";
import type { AppDeps } from "../deps";
import type { Config } from "../../config";
import { localeOf, type Messages } from "../locale";
import { jsonBody } from "../middleware/body";
import { validate } from "../middleware/validate";
import { bearerSecurity, errorResponses } from "../openapi";
import { authOf } from "./authenticate";
import { verifyAgainstDecoy, verifyPassword } from "./password";
import { roleSchema } from "./roles";
import { issueToken } from "./tokens";

const LOGIN_WINDOW_MS = 15 * 60 * 1000;
const GLOBAL_WINDOW_MS = 60 * 60 * 1000;

// One message for an unknown user, a wrong password and a disabled account, so the response
// does not tell which usernames exist.
const LOGIN_FAILED: Messages = { "zh-CN": "用户名或密码错误", en: "Invalid username or password" };
const TOO_MANY: Messages = {
  "zh-CN": "登录失败次数过多，请稍后再试",
  en: "Too many failed login attempts; try again later",
};

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
    expiresAt: z.iso.datetime().meta({ description: "When the session ends if it is not used; every request renews it" }),
    account: z.object({
      id: z.string(),
      username: z.string(),
      role: roleSchema,
      orgId: z.number().int(),
      mustChangePassword: z.boolean().meta({ description: "The password is a one-time one: choose your own first" }),
      permissions: z
        .array(z.enum(ACTIONS))
        .meta({ description: "What the account's role may do (the permissions table's actions): the portal offers only these" }),
    }),
  })
  .meta({ id: "LoginResponse" });

export type LoginResponse = z.infer<typeof loginResponseSchema>;

/**
 * Failed logins counted three ways: per username (guessing one account's password), per source address (one machine
 * trying many accounts) and over everything in a longer window (spraying from many addresses). A successful login is
 * taken back off every count, so a clerk who logs in often is never locked out.
 */
function loginRateLimiters(limits: Config["loginLimits"]): RequestHandler[] {
  const limiter = (windowMs: number, limit: number, key: (req: Request) => string) =>
    rateLimit({
      windowMs,
      limit,
      skipSuccessfulRequests: true,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      keyGenerator: key,
      handler: (req, _res, next) => next(new TooManyRequests(TOO_MANY[localeOf(req)])),
    });
  return [
    limiter(GLOBAL_WINDOW_MS, limits.global, () => "all"),
    limiter(LOGIN_WINDOW_MS, limits.perAddress, (req) => `address|${ipKeyGenerator(req.ip ?? "")}`),
    limiter(LOGIN_WINDOW_MS, limits.perUsername, (req) => {
      const username = (req.body as { username?: unknown } | undefined)?.username;
      return `username|${typeof username === "string" ? username.normalize("NFKC").toLowerCase() : ""}`;
    }),
  ];
}

function registerOpenApi(openapi: OpenAPIRegistry): void {
  openapi.registerPath({
    method: "post",
    path: "/api/auth/login",
    summary: "Exchange a username and password for a session's bearer token",
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
  openapi.registerPath({
    method: "post",
    path: "/api/auth/logout",
    summary: "End the caller's session on the server: its token is refused from now on",
    tags: ["auth"],
    security: bearerSecurity,
    responses: { 204: { description: "Logged out" }, ...errorResponses(401) },
  });
}

export function authRouter(deps: AppDeps, authenticate: RequestHandler, openapi: OpenAPIRegistry): Router {
  registerOpenApi(openapi);
  const router = Router();

  router.post(
    "/auth/login",
    jsonBody(),
    ...loginRateLimiters(deps.config.loginLimits),
    validate({ body: loginRequestSchema }),
    async (req, res) => {
      const { username, password } = req.body;
      const account = await deps.accounts.findByUsername(username);
      const passwordMatches = account ? await verifyPassword(account.passwordHash, password) : await verifyAgainstDecoy(password);
      if (!account || !passwordMatches || account.disabled) {
        req.log.info("login refused");
        throw new Unauthorized(LOGIN_FAILED[localeOf(req)]);
      }

      const auth = {
        accountId: account.id,
        orgId: account.orgId,
        role: account.role,
        canReadPersonalData: account.canReadPersonalData,
      };
      const { sessionId } = await deps.sessions.open(account.id);
      const { token } = await issueToken(
        { accountId: account.id, sessionId },
        {
          secret: deps.config.tokenSecret,
          ttlSeconds: deps.config.tokenTtlSeconds,
        },
      );
      await recordAudit(deps.audit, auth, { action: "auth.login", targetType: "account", targetId: account.id });

      const body: LoginResponse = {
        token,
        expiresAt: new Date(Date.now() + deps.config.sessionIdleSeconds * 1000).toISOString(),
        account: {
          id: account.id,
          username: account.username,
          role: account.role,
          orgId: account.orgId,
          mustChangePassword: account.mustChangePassword ?? false,
          permissions: actionsOf(account.role),
        },
      };
      res.json(body);
    },
  );

  router.get("/auth/me", authenticate, (req, res) => {
    res.json(authOf(req));
  });

  router.post("/auth/logout", authenticate, async (req, res) => {
    await deps.sessions.end(req.sessionId!);
    await recordAudit(deps.audit, authOf(req), { action: "auth.logout", targetType: "account", targetId: authOf(req).accountId });
    res.status(204).end();
  });

  return router;
}
