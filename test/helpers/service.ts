// A whole institution instance for HTTP tests: a scratch database (PostgreSQL when DATABASE_URL is set, in-memory
// PGlite otherwise) with the test consortium's organizations, accounts of every role, and the real app over it.
import { randomBytes } from "node:crypto";
import request from "supertest";
import type { Express } from "express";
import { loadConfig } from "../../api/src/config";
import { openScratchDatabase, ORG_IDS, seedConsortium, type ScratchDatabase } from "../../api/src/data-access/testing";
import type { Institution } from "../../api/src/domain/institution";
import type { LoginResponse } from "../../api/src/http/auth/login";
import { hashPassword } from "../../api/src/http/auth/password";
import { createLogger } from "../../api/src/lib/logger";
import { createInstitution, createServer } from "../../api/src/server";

export { ORG_IDS };

const ACCOUNTS = {
  aClerk: { role: "CLERK", orgId: ORG_IDS.branchA, canReadPersonalData: true },
  aApprover: { role: "APPROVER", orgId: ORG_IDS.committeeA, canReadPersonalData: true },
  aAuditor: { role: "AUDITOR", orgId: ORG_IDS.committeeA, canReadPersonalData: false },
  bClerk: { role: "CLERK", orgId: ORG_IDS.branchB, canReadPersonalData: true },
  bApprover: { role: "APPROVER", orgId: ORG_IDS.committeeB, canReadPersonalData: true },
} as const;
export type AccountName = keyof typeof ACCOUNTS;

const PASSWORD = "correct horse battery staple";

export interface TestInstance {
  app: Express;
  database: ScratchDatabase;
  institution: Institution;
  /** Moves the instance's clock (validity, expiry) forward by whole days. */
  advanceDays(days: number): void;
  /** A bearer token for one of the test accounts. */
  tokenOf(account: AccountName): Promise<string>;
  /** The answer to one of the test accounts' login. */
  logIn(account: AccountName): Promise<LoginResponse>;
  close(): Promise<void>;
}

/** `env` adds to (or overrides) the instance's configuration variables. */
export async function startTestInstance(env: Record<string, string> = {}): Promise<TestInstance> {
  const database = await openScratchDatabase(process.env.DATABASE_URL);
  await seedConsortium(database.repositories);
  for (const [username, account] of Object.entries(ACCOUNTS)) {
    await database.repositories.accounts.create({ username, passwordHash: await hashPassword(PASSWORD), ...account });
  }
  const config = loadConfig({
    DATABASE_URL: "postgres://unused@127.0.0.1/unused",
    FIELD_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    BLIND_INDEX_KEY: randomBytes(32).toString("hex"),
    TOKEN_SECRET: randomBytes(32).toString("hex"),
    LOGIN_RATE_LIMIT: "1000",
    LOG_LEVEL: "silent",
    ...env,
  });
  let offsetMs = 0;
  const base = createInstitution(database.dataSource, config);
  const institution: Institution = { ...base, now: () => new Date(Date.now() + offsetMs) };
  const app = createServer({ config, logger: createLogger({ level: "silent" }), dataSource: database.dataSource, institution });
  const tokens = new Map<AccountName, string>();
  const logIn = async (account: AccountName): Promise<LoginResponse> =>
    (await request(app).post("/api/auth/login").send({ username: account, password: PASSWORD }).expect(200)).body;
  return {
    app,
    database,
    institution,
    advanceDays: (days) => void (offsetMs += days * 86_400_000),
    async tokenOf(account) {
      if (!tokens.has(account)) tokens.set(account, (await logIn(account)).token);
      return tokens.get(account)!;
    },
    logIn,
    close: () => database.close(),
  };
}
