import { expect } from "chai";
import { decodeJwt } from "jose";
import { Writable } from "node:stream";
import request from "supertest";
import { loadConfig } from "../../../api/src/config";
import { hashPassword, verifyPassword } from "../../../api/src/http/auth/password";
import { issueToken } from "../../../api/src/http/auth/tokens";
import { createApp } from "../../../api/src/http/app";
import { authOf } from "../../../api/src/http/auth/authenticate";
import { recordAudit } from "../../../api/src/http/audit";
import type { AccountForLogin, AppDeps, AuditEntry, RouteModule, SessionsPort } from "../../../api/src/http/deps";
import { createLogger } from "../../../api/src/lib/logger";

const TOKEN_SECRET = "5e".repeat(32);
const PASSWORD = "correct horse battery staple";

// Organization tree: 1 consortium → 2 university A → 4 branch of A; 3 university B.
const PARENT_OF: Record<number, number | null> = { 1: null, 2: 1, 3: 1, 4: 2 };

function isInSubtree(rootOrgId: number, orgId: number): boolean {
  for (let at: number | null = orgId; at !== null; at = PARENT_OF[at] ?? null) {
    if (at === rootOrgId) return true;
  }
  return false;
}

// Routes that exist only to exercise the guards a domain route will use.
const guardedRoutes: RouteModule = ({ router, authenticate, requireRole, assertOrgInScope, deps }) => {
  router.get("/test/admin-only", authenticate, requireRole("administerAccounts"), (_req, res) => {
    res.json({ ok: true });
  });
  router.post("/test/orgs/:orgId/notes", authenticate, requireRole("enterMembers"), async (req, res) => {
    const auth = authOf(req);
    const orgId = Number(req.params.orgId);
    await assertOrgInScope(auth, orgId);
    await recordAudit(deps.audit, auth, { action: "note.create", targetType: "organization", targetId: String(orgId) });
    res.status(201).json({ orgId });
  });
};

describe("authentication", function () {
  let accounts: AccountForLogin[];
  let audited: AuditEntry[];

  before(async function () {
    const passwordHash = await hashPassword(PASSWORD);
    const account = (id: string, username: string, role: AccountForLogin["role"], orgId: number): AccountForLogin => ({
      id,
      username,
      passwordHash,
      role,
      orgId,
      canReadPersonalData: role === "ORG_ADMIN",
      disabled: false,
    });
    accounts = [
      account("acc-admin", "admin.a", "ORG_ADMIN", 2),
      account("acc-clerk", "clerk.a", "CLERK", 2),
      { ...account("acc-gone", "former.clerk", "CLERK", 2), disabled: true },
    ];
  });

  // The sessions of the real server live in its database (test/api/http/sessions.test.ts); here, beside the fake accounts.
  function inMemorySessions(): SessionsPort {
    const open = new Map<string, string>();
    return {
      open: async (accountId) => {
        const sessionId = `session-${open.size + 1}`;
        open.set(sessionId, accountId);
        return { sessionId };
      },
      resolve: async (sessionId) => {
        const account = accounts.find((candidate) => candidate.id === open.get(sessionId));
        if (!account) return { refused: "sessionEnded" };
        if (account.disabled) return { refused: "accountDisabled" };
        const { id, orgId, role, canReadPersonalData } = account;
        return { auth: { accountId: id, orgId, role, canReadPersonalData }, mustChangePassword: false };
      },
      end: async (sessionId) => void open.delete(sessionId),
    };
  }

  function buildApp(env: Record<string, string> = {}) {
    audited = [];
    const deps: AppDeps = {
      config: loadConfig({
        DATABASE_URL: "postgres://localhost/unused",
        FIELD_ENCRYPTION_KEY: "0f".repeat(32),
        BLIND_INDEX_KEY: "1e".repeat(32),
        TOKEN_SECRET,
        ...env,
      }),
      logger: createLogger({ level: "silent", destination: new Writable({ write: (_chunk, _encoding, done) => done() }) }),
      accounts: { findByUsername: async (username) => accounts.find((a) => a.username === username) ?? null },
      sessions: inMemorySessions(),
      audit: { record: async (entry) => void audited.push(entry) },
      orgs: { isInSubtree: async (rootOrgId, orgId) => isInSubtree(rootOrgId, orgId) },
      health: { database: async () => undefined, chain: async () => ({ blockNumber: 1 }) },
      routes: [guardedRoutes],
    };
    return createApp(deps);
  }

  async function tokenFor(app: ReturnType<typeof buildApp>, username: string): Promise<string> {
    const response = await request(app).post("/api/auth/login").send({ username, password: PASSWORD }).expect(200);
    return response.body.token;
  }

  describe("password hashing", function () {
    it("should store argon2id hashes that verify only the right password", async function () {
      const passwordHash = await hashPassword(PASSWORD);

      expect(passwordHash).to.match(/^\$argon2id\$/);
      expect(await verifyPassword(passwordHash, PASSWORD)).to.equal(true);
      expect(await verifyPassword(passwordHash, `${PASSWORD}!`)).to.equal(false);
      expect(await verifyPassword("not a hash", PASSWORD)).to.equal(false);
    });
  });

  describe("POST /api/auth/login", function () {
    it("should return a token naming the account and its session, idle-expiring after SESSION_IDLE_MINUTES", async function () {
      const before = Date.now();
      const response = await request(buildApp()).post("/api/auth/login").send({ username: "admin.a", password: PASSWORD });

      expect(response.status).to.equal(200);
      expect(response.body.account).to.deep.equal({
        id: "acc-admin",
        username: "admin.a",
        role: "ORG_ADMIN",
        orgId: 2,
        mustChangePassword: false,
        // What an organization's administrator may do (the permissions table), for the portal to offer.
        permissions: [
          "readMembers",
          "exportMembers",
          "enterMembers",
          "correctPersonalData",
          "recordClerkSteps",
          "importRosters",
          "handleEvidence",
          "readTransfers",
          "readChainEvents",
          "retryFailedWrites",
          "administerAccounts",
          "administerOrganizations",
        ],
      });
      const claims = decodeJwt(response.body.token);
      expect(claims).to.include({ sub: "acc-admin", sid: "session-1" });
      expect(claims.exp! - claims.iat!).to.equal(43_200);
      const idleMs = Date.parse(response.body.expiresAt) - before;
      expect(idleMs).to.be.within(30 * 60_000, 30 * 60_000 + 5_000);
    });

    it("should audit a successful login", async function () {
      await request(buildApp()).post("/api/auth/login").send({ username: "clerk.a", password: PASSWORD }).expect(200);

      expect(audited).to.deep.equal([
        { accountId: "acc-clerk", orgId: 2, action: "auth.login", targetType: "account", targetId: "acc-clerk" },
      ]);
    });

    it("should answer a wrong password, an unknown user and a disabled account identically with 401", async function () {
      const app = buildApp();
      const attempts = [
        { username: "admin.a", password: "wrong password" },
        { username: "nobody", password: PASSWORD },
        { username: "former.clerk", password: PASSWORD },
      ];

      const responses = [];
      for (const attempt of attempts) responses.push(await request(app).post("/api/auth/login").send(attempt));

      for (const response of responses) {
        expect(response.status).to.equal(401);
        expect(response.body).to.deep.equal(responses[0].body);
      }
      expect(responses[0].body).to.deep.equal({
        error: { code: "UNAUTHORIZED", message: "用户名或密码错误" },
      });
      expect(audited).to.deep.equal([]);
    });

    it("should answer in English when Accept-Language prefers it, and in Chinese otherwise", async function () {
      const app = buildApp({ LOGIN_RATE_LIMIT: "1" });
      const refuse = (language?: string) => {
        const attempt = request(app).post("/api/auth/login");
        if (language) attempt.set("Accept-Language", language);
        return attempt.send({ username: "admin.a", password: "wrong password" });
      };

      expect((await refuse("en-US,en;q=0.9,zh-CN;q=0.5")).body.error.message).to.equal("Invalid username or password");
      expect((await refuse("en-GB")).body.error).to.deep.equal({
        code: "TOO_MANY_REQUESTS",
        message: "Too many failed login attempts; try again later",
      });
      expect((await refuse("zh-CN,zh;q=0.9,en;q=0.8")).body.error.message).to.equal("登录失败次数过多，请稍后再试");
      expect((await refuse("fr-FR")).body.error.message).to.equal("登录失败次数过多，请稍后再试");
    });

    it("should never count a successful login toward a lockout", async function () {
      const app = buildApp({ LOGIN_RATE_LIMIT: "3", LOGIN_ADDRESS_RATE_LIMIT: "3", LOGIN_GLOBAL_RATE_LIMIT: "3" });
      const login = (password: string) => request(app).post("/api/auth/login").send({ username: "clerk.a", password });

      for (let i = 0; i < 12; i++) await login(PASSWORD).expect(200);
      await login("wrong password").expect(401);
      await login("wrong password").expect(401);
      for (let i = 0; i < 5; i++) await login(PASSWORD).expect(200);
      // Two failures so far: the third is still answered, the fourth attempt is refused whatever its password.
      await login("wrong password").expect(401);
      await login(PASSWORD).expect(429);
    });

    it("should limit failures per source address across usernames", async function () {
      const app = buildApp({ LOGIN_ADDRESS_RATE_LIMIT: "3" });
      const attempt = (username: string) => request(app).post("/api/auth/login").send({ username, password: "Winter2026!" });

      for (const username of ["admin.a", "clerk.a", "nobody"]) await attempt(username).expect(401);

      const limited = await attempt("someone.else");
      expect(limited.status).to.equal(429);
      expect(limited.body.error.code).to.equal("TOO_MANY_REQUESTS");
      await request(app).post("/api/auth/login").send({ username: "admin.a", password: PASSWORD }).expect(429);
    });

    it("should count a trusted proxy's forwarded address as the source, and ignore the header from anyone else", async function () {
      const direct = buildApp({ LOGIN_ADDRESS_RATE_LIMIT: "2" });
      const spoofed = (app: ReturnType<typeof buildApp>, address: string, username: string) =>
        request(app).post("/api/auth/login").set("X-Forwarded-For", address).send({ username, password: "guess" });

      await spoofed(direct, "203.0.113.1", "u1").expect(401);
      await spoofed(direct, "203.0.113.2", "u2").expect(401);
      await spoofed(direct, "203.0.113.3", "u3").expect(429);

      const proxied = buildApp({ LOGIN_ADDRESS_RATE_LIMIT: "2", TRUST_PROXY: "loopback" });
      await spoofed(proxied, "203.0.113.1", "u1").expect(401);
      await spoofed(proxied, "203.0.113.1", "u2").expect(401);
      await spoofed(proxied, "203.0.113.1", "u3").expect(429);
      await spoofed(proxied, "203.0.113.2", "u4").expect(401);
    });

    it("should stop password spraying from many addresses with the global limit", async function () {
      const app = buildApp({ TRUST_PROXY: "loopback", LOGIN_GLOBAL_RATE_LIMIT: "4" });
      const spray = (i: number) =>
        request(app)
          .post("/api/auth/login")
          .set("X-Forwarded-For", `198.51.100.${i}`)
          .send({ username: `user${i}`, password: "Spring2026!" });

      for (let i = 1; i <= 4; i++) await spray(i).expect(401);

      const limited = await spray(5);
      expect(limited.status).to.equal(429);
      expect(limited.headers["retry-after"]).to.match(/^\d+$/);
    });

    it("should refuse with 429 once the failures for a username exceed LOGIN_RATE_LIMIT", async function () {
      const app = buildApp({ LOGIN_RATE_LIMIT: "3" });
      const attempt = () => request(app).post("/api/auth/login").send({ username: "admin.a", password: "guess" });

      for (let i = 0; i < 3; i++) expect((await attempt()).status).to.equal(401);
      const limited = await attempt();

      expect(limited.status).to.equal(429);
      expect(limited.body.error.code).to.equal("TOO_MANY_REQUESTS");
      expect(limited.headers["retry-after"]).to.match(/^\d+$/);
      // Even the right password is refused until the window passes.
      await request(app).post("/api/auth/login").send({ username: "admin.a", password: PASSWORD }).expect(429);
      // Another username from the same address has its own budget.
      await request(app).post("/api/auth/login").send({ username: "clerk.a", password: PASSWORD }).expect(200);
    });

    it("should name the missing field with 400", async function () {
      const response = await request(buildApp()).post("/api/auth/login").send({ username: "admin.a" });

      expect(response.status).to.equal(400);
      expect(response.body.error).to.include({ code: "VALIDATION_ERROR", field: "password" });
    });
  });

  describe("authenticate", function () {
    it("should accept the token login returned", async function () {
      const app = buildApp();
      const token = await tokenFor(app, "admin.a");

      const response = await request(app).get("/api/auth/me").set("Authorization", `Bearer ${token}`);

      expect(response.status).to.equal(200);
      expect(response.body).to.deep.equal({ accountId: "acc-admin", orgId: 2, role: "ORG_ADMIN", canReadPersonalData: true });
    });

    it("should refuse a request without a token with 401 and a Bearer challenge", async function () {
      const response = await request(buildApp()).get("/api/auth/me");

      expect(response.status).to.equal(401);
      expect(response.headers["www-authenticate"]).to.match(/^Bearer /);
      expect(response.body.error).to.deep.equal({ code: "UNAUTHORIZED", message: "Authentication required" });
    });

    it("should refuse an expired token with 401", async function () {
      const issuedLongAgo = new Date(Date.now() - 3600 * 1000);
      const { token } = await issueToken(
        { accountId: "acc-admin", sessionId: "any" },
        { secret: TOKEN_SECRET, ttlSeconds: 900 },
        issuedLongAgo,
      );

      const response = await request(buildApp()).get("/api/auth/me").set("Authorization", `Bearer ${token}`);

      expect(response.status).to.equal(401);
      expect(response.body.error).to.deep.equal({ code: "UNAUTHORIZED", message: "The token is invalid or has expired" });
    });

    it("should refuse a token signed with another instance's secret with 401", async function () {
      const { token } = await issueToken({ accountId: "acc-admin", sessionId: "any" }, { secret: "77".repeat(32), ttlSeconds: 900 });

      await request(buildApp()).get("/api/auth/me").set("Authorization", `Bearer ${token}`).expect(401);
    });
  });

  describe("requireRole", function () {
    it("should refuse another role with 403 naming the rule", async function () {
      const app = buildApp();
      const clerkToken = await tokenFor(app, "clerk.a");

      const response = await request(app).get("/api/test/admin-only").set("Authorization", `Bearer ${clerkToken}`);

      expect(response.status).to.equal(403);
      expect(response.body.error).to.deep.equal({
        code: "FORBIDDEN",
        rule: "auth.role",
        message: "This action requires the role ORG_ADMIN",
      });
    });

    it("should let the named role through", async function () {
      const app = buildApp();
      const adminToken = await tokenFor(app, "admin.a");

      await request(app).get("/api/test/admin-only").set("Authorization", `Bearer ${adminToken}`).expect(200, { ok: true });
    });
  });

  describe("organization scope", function () {
    it("should allow a write to an organization in the caller's subtree and audit it", async function () {
      const app = buildApp();
      const clerkToken = await tokenFor(app, "clerk.a");

      await request(app).post("/api/test/orgs/4/notes").set("Authorization", `Bearer ${clerkToken}`).expect(201);

      expect(audited.at(-1)).to.deep.equal({
        accountId: "acc-clerk",
        orgId: 2,
        action: "note.create",
        targetType: "organization",
        targetId: "4",
      });
    });

    it("should refuse a write outside the caller's subtree with 403 rule 'scope.orgSubtree'", async function () {
      const app = buildApp();
      const clerkToken = await tokenFor(app, "clerk.a");

      for (const outside of [3, 1]) {
        const response = await request(app).post(`/api/test/orgs/${outside}/notes`).set("Authorization", `Bearer ${clerkToken}`);
        expect(response.status).to.equal(403);
        expect(response.body.error).to.include({ code: "FORBIDDEN", rule: "scope.orgSubtree" });
      }
      expect(audited.map((entry) => entry.action)).to.deep.equal(["auth.login"]);
    });
  });
});
