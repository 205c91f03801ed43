// Live sessions through real HTTP over a real database (issue 16): a disabled account, a changed role and a withdrawn
// personal-data grant apply at the account's next request; logging out, idling past the timeout and a password reset
// end a session on the server.
import { expect } from "chai";
import request from "supertest";
import { seedAccount } from "../../../api/src/domain/accounts";
import { hashPassword } from "../../../api/src/http/auth/password";
import { ORG_IDS, startTestInstance, type TestInstance } from "../../helpers/service";

const PASSWORD = "Session-test-passphrase";

describe("Live sessions", function () {
  let instance: TestInstance;
  let adminToken: string;

  async function newClerk(username: string): Promise<{ id: string; token: string }> {
    const account = await instance.institution.transaction(async (repositories) =>
      seedAccount(repositories, {
        username,
        displayName: username,
        passwordHash: await hashPassword(PASSWORD),
        role: "CLERK",
        orgId: ORG_IDS.branchA,
        canReadPersonalData: true,
      }),
    );
    const response = await request(instance.app).post("/api/auth/login").send({ username, password: PASSWORD }).expect(200);
    return { id: account.id, token: response.body.token };
  }

  const as = (token: string) => ({
    get: (path: string) => request(instance.app).get(path).set("Authorization", `Bearer ${token}`),
    post: (path: string, body?: object) => request(instance.app).post(path).set("Authorization", `Bearer ${token}`).send(body),
    patch: (path: string, body: object) => request(instance.app).patch(path).set("Authorization", `Bearer ${token}`).send(body),
  });

  before(async function () {
    instance = await startTestInstance();
    await instance.institution.transaction(async (repositories) =>
      seedAccount(repositories, {
        username: "s-admin",
        displayName: "s-admin",
        passwordHash: await hashPassword(PASSWORD),
        role: "ORG_ADMIN",
        orgId: ORG_IDS.committeeA,
        canReadPersonalData: true,
      }),
    );
    adminToken = (await request(instance.app).post("/api/auth/login").send({ username: "s-admin", password: PASSWORD }).expect(200)).body
      .token;
  });

  after(async function () {
    await instance?.close();
  });

  it("should refuse a disabled account's session on its next request, and accept it again once re-enabled", async function () {
    const clerk = await newClerk("to-disable");
    await as(clerk.token).get("/api/members").expect(200);

    await as(adminToken).post(`/api/accounts/${clerk.id}/disable`).expect(200);
    const refused = await as(clerk.token).get("/api/members");

    expect(refused.status).to.equal(401);
    expect(refused.body.error).to.include({ code: "UNAUTHORIZED", rule: "auth.accountDisabled" });
    await request(instance.app).post("/api/auth/login").send({ username: "to-disable", password: PASSWORD }).expect(401);

    await as(adminToken).post(`/api/accounts/${clerk.id}/enable`).expect(200);
    await as(clerk.token).get("/api/members").expect(200);
  });

  it("should apply a role change at the next request", async function () {
    const clerk = await newClerk("to-auditor");
    expect((await as(clerk.token).get("/api/auth/me").expect(200)).body.role).to.equal("CLERK");

    await as(adminToken).patch(`/api/accounts/${clerk.id}`, { role: "AUDITOR", orgId: ORG_IDS.committeeA }).expect(200);

    const me = await as(clerk.token).get("/api/auth/me").expect(200);
    expect(me.body).to.include({ role: "AUDITOR", orgId: ORG_IDS.committeeA });
    // A clerk's write is now refused by role.
    const enrol = await as(clerk.token).post("/api/members", {});
    expect(enrol.status).to.be.oneOf([400, 403]);
    const adminOnly = await as(clerk.token).get("/api/accounts");
    expect(adminOnly.status).to.equal(403);
  });

  it("should apply a withdrawn personal-data grant at the next request", async function () {
    const clerk = await newClerk("loses-grant");
    expect((await as(clerk.token).get("/api/auth/me").expect(200)).body.canReadPersonalData).to.equal(true);

    await as(adminToken).patch(`/api/accounts/${clerk.id}`, { canReadPersonalData: false }).expect(200);

    expect((await as(clerk.token).get("/api/auth/me").expect(200)).body.canReadPersonalData).to.equal(false);
  });

  it("should refuse a logged-out session's token on its next request", async function () {
    const clerk = await newClerk("logs-out");
    await as(clerk.token).post("/api/auth/logout").expect(204);

    const refused = await as(clerk.token).get("/api/members");
    expect(refused.status).to.equal(401);
    expect(refused.body.error).to.include({ rule: "auth.sessionEnded" });
  });

  it("should end a session idle longer than the timeout, and keep one in use alive", async function () {
    const idle = await newClerk("goes-idle");
    const active = await newClerk("stays-active");
    const thirtyOneMinutesAgo = new Date(Date.now() - 31 * 60_000);
    const twentyNineMinutesAgo = new Date(Date.now() - 29 * 60_000);
    await instance.database.dataSource.query("UPDATE sessions SET last_seen_at = $1 WHERE account_id = $2", [thirtyOneMinutesAgo, idle.id]);
    await instance.database.dataSource.query("UPDATE sessions SET last_seen_at = $1 WHERE account_id = $2", [
      twentyNineMinutesAgo,
      active.id,
    ]);

    const refused = await as(idle.token).get("/api/members");
    expect(refused.status).to.equal(401);
    expect(refused.body.error).to.include({ rule: "auth.sessionExpired" });
    await as(active.token).get("/api/members").expect(200);
    const [renewed] = await instance.database.dataSource.query("SELECT last_seen_at FROM sessions WHERE account_id = $1", [active.id]);
    expect(Date.now() - new Date(renewed.last_seen_at).getTime()).to.be.below(60_000);
  });

  it("should end every session of an account whose password an admin resets", async function () {
    const clerk = await newClerk("gets-reset");
    await as(adminToken).post(`/api/accounts/${clerk.id}/reset-password`).expect(200);

    const refused = await as(clerk.token).get("/api/members");
    expect(refused.status).to.equal(401);
    expect(refused.body.error).to.include({ rule: "auth.sessionEnded" });
  });
});
