// Staff accounts through the real HTTP API over a real database: an ORG_ADMIN creating, editing, disabling and
// resetting accounts of its subtree, every refusal the issue names, the one-time password, and each change's entry
// in the administrative log with the account's resulting state.
import { createHash } from "node:crypto";
import { expect } from "chai";
import request from "supertest";
import { seedAccount } from "../../../api/src/domain/accounts";
import { hashPassword } from "../../../api/src/http/auth/password";
import { ORG_IDS, startTestInstance, type TestInstance } from "../../helpers/service";

const ADMIN_PASSWORD = "Admin-pass-for-tests-7";

describe("Accounts API", function () {
  let instance: TestInstance;
  let adminToken: string;
  let adminId: string;

  function login(username: string, password: string) {
    return request(instance.app).post("/api/auth/login").send({ username, password });
  }

  function createAccount(body: Record<string, unknown>, token = adminToken) {
    return request(instance.app).post("/api/accounts").set("Authorization", `Bearer ${token}`).send(body);
  }

  async function accountCount(): Promise<number> {
    const [{ count }] = await instance.database.dataSource.query("SELECT count(*)::int AS count FROM accounts");
    return count;
  }

  before(async function () {
    instance = await startTestInstance();
    const admin = await instance.institution.transaction(async (repositories) =>
      seedAccount(repositories, {
        username: "a-admin",
        displayName: "甲大学组织部管理员",
        passwordHash: await hashPassword(ADMIN_PASSWORD),
        role: "ORG_ADMIN",
        orgId: ORG_IDS.committeeA,
        canReadPersonalData: true,
      }),
    );
    adminId = admin.id;
    adminToken = (await login("a-admin", ADMIN_PASSWORD).expect(200)).body.token;
  });

  after(async function () {
    await instance?.close();
  });

  describe("creating an account", function () {
    it("should create a clerk with a one-time password that must be replaced before anything else", async function () {
      const created = await createAccount({
        username: "new-clerk",
        displayName: "王老师",
        role: "CLERK",
        orgId: ORG_IDS.branchA,
        canReadPersonalData: true,
      });

      expect(created.status).to.equal(201);
      expect(created.body.account).to.include({
        username: "new-clerk",
        displayName: "王老师",
        role: "CLERK",
        orgId: ORG_IDS.branchA,
        mustChangePassword: true,
        disabled: false,
      });
      expect(created.body.account).not.to.have.property("passwordHash");
      const oneTime: string = created.body.oneTimePassword;
      expect(oneTime).to.have.length(14);

      const loggedIn = await login("new-clerk", oneTime).expect(200);
      expect(loggedIn.body.account.mustChangePassword).to.equal(true);
      const token = loggedIn.body.token;
      const blocked = await request(instance.app).get("/api/members").set("Authorization", `Bearer ${token}`);
      expect(blocked.status).to.equal(403);
      expect(blocked.body.error).to.include({ rule: "auth.passwordChangeRequired" });

      const change = (newPassword: string, currentPassword = oneTime) =>
        request(instance.app).post("/api/auth/password").set("Authorization", `Bearer ${token}`).send({ currentPassword, newPassword });
      for (const [newPassword, rule] of [
        ["short1!", "password.tooShort"],
        ["my-new-clerk-name", "password.containsUsername"],
        ["qwertyuiop", "password.common"],
        [oneTime, "password.unchanged"],
      ]) {
        const refused = await change(newPassword);
        expect(refused.status, newPassword).to.equal(422);
        expect(refused.body.error).to.include({ rule, field: "newPassword" });
      }
      const wrongCurrent = await change("a perfectly good passphrase", "not the one-time password");
      expect(wrongCurrent.body.error).to.include({ rule: "password.currentWrong", field: "currentPassword" });

      await change("a perfectly good passphrase").expect(200);
      await request(instance.app).get("/api/members").set("Authorization", `Bearer ${token}`).expect(200);
      await login("new-clerk", oneTime).expect(401);
      await login("new-clerk", "a perfectly good passphrase").expect(200);
    });

    it("should log every change with the actor and the account's full state, the password hash only as its digest", async function () {
      const created = await createAccount({
        username: "logged-clerk",
        displayName: "李老师",
        role: "CLERK",
        orgId: ORG_IDS.branchA,
        canReadPersonalData: false,
      });
      const accountId = created.body.account.id;
      await request(instance.app)
        .patch(`/api/accounts/${accountId}`)
        .set("Authorization", `Bearer ${adminToken}`)
        .send({ canReadPersonalData: true })
        .expect(200);
      await request(instance.app).post(`/api/accounts/${accountId}/disable`).set("Authorization", `Bearer ${adminToken}`).expect(200);
      await request(instance.app)
        .post(`/api/accounts/${accountId}/reset-password`)
        .set("Authorization", `Bearer ${adminToken}`)
        .expect(200);

      const history = await request(instance.app)
        .get(`/api/accounts/${accountId}/history`)
        .set("Authorization", `Bearer ${adminToken}`)
        .expect(200);

      expect(history.body.items.map((entry: { action: string }) => entry.action)).to.deep.equal([
        "account.created",
        "account.updated",
        "account.disabled",
        "account.passwordReset",
      ]);
      for (const entry of history.body.items) expect(entry).to.include({ accountId: adminId, targetType: "account", targetId: accountId });
      const stored = (await instance.database.repositories.accounts.get(accountId))!;
      expect(history.body.items.at(-1).details).to.deep.equal({
        accountId,
        username: "logged-clerk",
        role: "CLERK",
        orgId: ORG_IDS.branchA,
        canReadPersonalData: true,
        disabled: true,
        chainAddress: null,
        passwordHashDigest: createHash("sha256").update(stored.passwordHash).digest("hex"),
      });
      expect(history.body.items[0].details).to.include({ canReadPersonalData: false, disabled: false });
      expect(JSON.stringify(history.body.items)).not.to.include(stored.passwordHash);
    });

    it("should list the accounts of the admin's subtree only", async function () {
      const listed = await request(instance.app).get("/api/accounts").set("Authorization", `Bearer ${adminToken}`).expect(200);
      const usernames = listed.body.items.map((account: { username: string }) => account.username);

      expect(usernames).to.include.members(["a-admin", "aClerk", "aApprover", "new-clerk"]);
      expect(usernames).not.to.include.members(["bClerk", "bApprover"]);
      expect(JSON.stringify(listed.body)).not.to.include("argon2");
    });
  });

  describe("refusals, each changing nothing", function () {
    it("should refuse an account outside the admin's subtree with 403 scope.orgSubtree", async function () {
      const before = await accountCount();
      const refused = await createAccount({
        username: "b-intruder",
        displayName: "外校",
        role: "ORG_ADMIN",
        orgId: ORG_IDS.committeeB,
        canReadPersonalData: true,
      });

      expect(refused.status).to.equal(403);
      expect(refused.body.error).to.include({ code: "FORBIDDEN", rule: "scope.orgSubtree" });
      expect(await accountCount()).to.equal(before);
    });

    it("should refuse a reused username with 409 naming the field", async function () {
      await createAccount({
        username: "taken",
        displayName: "先来",
        role: "CLERK",
        orgId: ORG_IDS.branchA,
        canReadPersonalData: false,
      }).expect(201);
      const before = await accountCount();
      const refused = await createAccount({
        username: "taken",
        displayName: "重名",
        role: "AUDITOR",
        orgId: ORG_IDS.committeeA,
        canReadPersonalData: false,
      });

      expect(refused.status).to.equal(409);
      expect(refused.body.error).to.include({ rule: "accounts.usernameTaken", field: "username" });
      expect(await accountCount()).to.equal(before);
    });

    it("should refuse a role the organization cannot hold with 422 accounts.roleNotAllowed", async function () {
      const before = await accountCount();
      const refused = await createAccount({
        username: "branch-approver",
        displayName: "支部审批",
        role: "APPROVER",
        orgId: ORG_IDS.branchA,
        canReadPersonalData: true,
      });

      expect(refused.status).to.equal(422);
      expect(refused.body.error).to.include({ rule: "accounts.roleNotAllowed", field: "role" });
      expect(await accountCount()).to.equal(before);
    });

    it("should refuse a role outside the list and a malformed username with 400 naming the field", async function () {
      const badRole = await createAccount({
        username: "superuser",
        displayName: "x",
        role: "ROOT",
        orgId: ORG_IDS.branchA,
        canReadPersonalData: true,
      });
      expect(badRole.status).to.equal(400);
      expect(badRole.body.error).to.include({ code: "VALIDATION_ERROR", field: "role" });
      const badName = await createAccount({
        username: "Has Space",
        displayName: "x",
        role: "CLERK",
        orgId: ORG_IDS.branchA,
        canReadPersonalData: true,
      });
      expect(badName.body.error).to.include({ code: "VALIDATION_ERROR", field: "username" });
    });

    it("should refuse the last ORG_ADMIN demoting or disabling itself with 422 accounts.lastOrgAdmin", async function () {
      const demote = await request(instance.app)
        .patch(`/api/accounts/${adminId}`)
        .set("Authorization", `Bearer ${adminToken}`)
        .send({ role: "CLERK" });
      expect(demote.status).to.equal(422);
      expect(demote.body.error).to.include({ rule: "accounts.lastOrgAdmin", field: "role" });
      const move = await request(instance.app)
        .patch(`/api/accounts/${adminId}`)
        .set("Authorization", `Bearer ${adminToken}`)
        .send({ orgId: ORG_IDS.branchA });
      expect(move.body.error).to.include({ rule: "accounts.lastOrgAdmin", field: "orgId" });
      const disable = await request(instance.app).post(`/api/accounts/${adminId}/disable`).set("Authorization", `Bearer ${adminToken}`);
      expect(disable.status).to.equal(403);
      expect(disable.body.error).to.include({ rule: "accounts.notSelf" });

      const stored = (await instance.database.repositories.accounts.get(adminId))!;
      expect(stored).to.include({ role: "ORG_ADMIN", orgId: ORG_IDS.committeeA, disabled: false });
    });

    it("should refuse account management to every role but ORG_ADMIN", async function () {
      for (const name of ["aClerk", "aApprover", "aAuditor"] as const) {
        const refused = await request(instance.app)
          .get("/api/accounts")
          .set("Authorization", `Bearer ${await instance.tokenOf(name)}`);
        expect(refused.status, name).to.equal(403);
        expect(refused.body.error).to.include({ rule: "auth.role" });
      }
    });

    it("should answer an account of another university as not found", async function () {
      const other = (await instance.database.repositories.accounts.findByUsername("bClerk"))!;
      const refused = await request(instance.app).post(`/api/accounts/${other.id}/disable`).set("Authorization", `Bearer ${adminToken}`);

      expect(refused.status).to.equal(404);
      expect((await instance.database.repositories.accounts.get(other.id))!.disabled).to.equal(false);
    });
  });

  describe("the consortium operator", function () {
    let operatorToken: string;

    before(async function () {
      await instance.institution.transaction(async (repositories) =>
        seedAccount(repositories, {
          username: "operator",
          displayName: "联盟运维",
          passwordHash: await hashPassword(ADMIN_PASSWORD),
          role: "ORG_ADMIN",
          orgId: ORG_IDS.consortium,
          canReadPersonalData: false,
        }),
      );
      operatorToken = (await login("operator", ADMIN_PASSWORD).expect(200)).body.token;
    });

    it("should create a committee's first ORG_ADMIN, and nothing else", async function () {
      const first = await createAccount(
        { username: "b-admin", displayName: "乙大学组织部", role: "ORG_ADMIN", orgId: ORG_IDS.committeeB, canReadPersonalData: true },
        operatorToken,
      );
      expect(first.status).to.equal(201);

      const second = await createAccount(
        { username: "b-admin-2", displayName: "乙大学组织部", role: "ORG_ADMIN", orgId: ORG_IDS.committeeB, canReadPersonalData: true },
        operatorToken,
      );
      expect(second.status).to.equal(403);
      expect(second.body.error).to.include({ rule: "accounts.consortiumFirstAdminOnly" });
      const clerk = await createAccount(
        { username: "b-clerk-x", displayName: "乙", role: "CLERK", orgId: ORG_IDS.branchB, canReadPersonalData: false },
        operatorToken,
      );
      expect(clerk.body.error).to.include({ rule: "accounts.consortiumFirstAdminOnly" });
    });
  });
});
