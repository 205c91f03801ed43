import { expect } from "chai";
import request from "supertest";
import { randomHex32 } from "../../../api/src/data-access/testing";
import { seedAccount } from "../../../api/src/domain/accounts";
import { hashPassword } from "../../../api/src/http/auth/password";
import { JOURNEY } from "../../../api/src/seed/journey";
import { ORG_IDS, startTestInstance, type TestInstance } from "../../helpers/service";

const ADMIN_PASSWORD = "organizations-admin-passphrase";
/** Organizations the tests register in the mirror beside the fixture's (ids above the fixture's 1–6). */
const SPARE = { emptyBranch: 9, siblingBranch: 10, closedBranch: 11, memberBranch: 12, transferBranch: 13, accountBranch: 14 } as const;

describe("Organizations API", function () {
  let instance: TestInstance;

  before(async function () {
    instance = await startTestInstance();
  });

  after(async () => instance?.close());

  describe("GET /api/organizations", function () {
    it("should list the whole consortium by id to anyone, with names and approval power", async function () {
      const response = await request(instance.app).get("/api/organizations").expect(200);
      const items = response.body.items as {
        id: number;
        name: string;
        parentId: number | null;
        kind: string;
        mayApprove: boolean;
        serviceEndpoint: string | null;
      }[];
      expect(items.map((org) => org.id)).to.deep.equal(Object.values(ORG_IDS));
      expect(items.find((org) => org.id === ORG_IDS.committeeB)).to.deep.equal({
        id: ORG_IDS.committeeB,
        parentId: ORG_IDS.consortium,
        kind: "COMMITTEE",
        name: "乙大学党委",
        mayApprove: true,
        serviceEndpoint: null,
        closed: false,
      });
      expect(items.find((org) => org.id === ORG_IDS.branchA)).to.include({
        name: "计算机学院本科生第一党支部",
        mayApprove: false,
        parentId: ORG_IDS.generalBranchA,
      });
    });

    it("should answer a logged-in account the same", async function () {
      const anonymous = await request(instance.app).get("/api/organizations").expect(200);
      const loggedIn = await request(instance.app)
        .get("/api/organizations")
        .set("authorization", `Bearer ${await instance.tokenOf("bClerk")}`)
        .expect(200);
      expect(loggedIn.body).to.deep.equal(anonymous.body);
    });
  });
  describe("renaming and closing a branch", function () {
    let adminToken: string;
    let branchAdminToken: string;

    async function outboxCount(): Promise<number> {
      const [{ count }] = await instance.database.dataSource.query("SELECT count(*)::int AS count FROM outbox WHERE kind = 'ORGANIZATION'");
      return count;
    }

    function rename(orgId: number, name: unknown, token = adminToken) {
      return request(instance.app)
        .patch(`/api/organizations/${orgId}`)
        .set("authorization", `Bearer ${token}`)
        .set("accept-language", "zh-CN")
        .send({ name });
    }

    function close(orgId: number, token = adminToken) {
      return request(instance.app)
        .post(`/api/organizations/${orgId}/close`)
        .set("authorization", `Bearer ${token}`)
        .set("accept-language", "zh-CN");
    }

    /** Sends `call`, expects it refused with `status` and `rule`, and checks nothing was sent to the chain. */
    async function expectRefused(call: () => request.Test, status: number, rule: string, zh: string) {
      const before = await outboxCount();
      const response = await call();
      expect(response.status, JSON.stringify(response.body)).to.equal(status);
      expect(response.body.error).to.include({ rule, message: zh });
      expect(await outboxCount()).to.equal(before);
    }

    before(async function () {
      const { organizations, members, transfers } = instance.database.repositories;
      for (const [name, id] of Object.entries(SPARE)) {
        await organizations.upsertFromChain({
          id,
          parentId: ORG_IDS.generalBranchA,
          kind: "BRANCH",
          name: `测试党支部-${name}`,
          mayApprove: false,
        });
      }
      await organizations.applyChainChange(SPARE.closedBranch, { closed: true });
      await members.create({
        memberKey: randomHex32(),
        orgId: SPARE.memberBranch,
        stage: "APPLICANT",
        personalData: new Uint8Array([1]),
        idNumberIndex: randomHex32(),
      });
      await transfers.create({
        id: randomHex32(),
        memberKey: randomHex32(),
        memberId: null,
        kind: "MEMBERSHIP",
        fromOrgId: ORG_IDS.branchB,
        toOrgId: SPARE.transferBranch,
        destinationHash: null,
        destination: null,
        validUntil: new Date(Date.now() + 30 * 86_400_000),
        letterHash: randomHex32(),
        replaces: null,
        createdBy: null,
        issuedHere: false,
      });
      const passwordHash = await hashPassword(ADMIN_PASSWORD);
      await instance.institution.transaction(async (repositories) => {
        await seedAccount(repositories, {
          username: "org-admin",
          displayName: "组织部",
          passwordHash,
          role: "ORG_ADMIN",
          orgId: ORG_IDS.committeeA,
          canReadPersonalData: true,
        });
        await seedAccount(repositories, {
          username: "branch-admin",
          displayName: "支部管理员",
          passwordHash,
          role: "ORG_ADMIN",
          orgId: SPARE.accountBranch,
          canReadPersonalData: true,
        });
      });
      const login = async (username: string) =>
        (await request(instance.app).post("/api/auth/login").send({ username, password: ADMIN_PASSWORD }).expect(200)).body.token as string;
      adminToken = await login("org-admin");
      branchAdminToken = await login("branch-admin");
    });

    it("should send a rename to the chain and list it pending, with who asked in the audit log", async function () {
      const response = await rename(SPARE.siblingBranch, "计算机学院研究生党支部").expect(202);
      expect(response.body).to.include({
        action: "RENAME",
        orgId: SPARE.siblingBranch,
        parentId: ORG_IDS.generalBranchA,
        kind: "BRANCH",
        name: "计算机学院研究生党支部",
        state: "PENDING",
        applied: false,
      });
      const [item] = await instance.database.dataSource.query("SELECT contract, method, args FROM outbox WHERE id = $1", [
        response.body.id,
      ]);
      expect(item).to.deep.equal({
        contract: "registry",
        method: "renameOrganization",
        args: [SPARE.siblingBranch, "计算机学院研究生党支部"],
      });
      const listed = await request(instance.app)
        .get("/api/organizations/requests")
        .set("authorization", `Bearer ${adminToken}`)
        .expect(200);
      expect(listed.body.items[0]).to.include({ id: response.body.id, action: "RENAME" });
      const entries = await instance.database.repositories.auditLog.list({ rootOrgId: ORG_IDS.committeeA });
      expect(entries.items.find((entry) => entry.action === "org.renameRequested")).to.deep.include({
        targetId: String(SPARE.siblingBranch),
      });
      // The mirror keeps the chain's name until the chain confirms the change.
      expect((await instance.database.repositories.organizations.get(SPARE.siblingBranch))!.name).to.equal("测试党支部-siblingBranch");
    });

    it("should send closing an empty branch to the chain and list it pending", async function () {
      const response = await close(SPARE.emptyBranch).expect(202);
      expect(response.body).to.include({
        action: "CLOSE",
        orgId: SPARE.emptyBranch,
        name: "测试党支部-emptyBranch",
        state: "PENDING",
        applied: false,
      });
      const [item] = await instance.database.dataSource.query("SELECT method, args FROM outbox WHERE id = $1", [response.body.id]);
      expect(item).to.deep.equal({ method: "closeOrganization", args: [SPARE.emptyBranch] });
    });

    it("should refuse a second change while one of the same branch is on its way", async function () {
      await expectRefused(
        () => rename(SPARE.emptyBranch, "另一个名字"),
        409,
        "organizations.requestPending",
        "这个党组织还有一项变更正在等待区块链确认，请确认后再办理。",
      );
      await expectRefused(
        () => close(SPARE.siblingBranch),
        409,
        "organizations.requestPending",
        "这个党组织还有一项变更正在等待区块链确认，请确认后再办理。",
      );
    });

    it("should refuse an organization outside the admin's subtree", async function () {
      await expectRefused(() => rename(ORG_IDS.branchB, "外校党支部"), 403, "scope.orgSubtree", "这个党组织不在您的账号管辖范围内。");
      await expectRefused(() => close(ORG_IDS.branchB), 403, "scope.orgSubtree", "这个党组织不在您的账号管辖范围内。");
    });

    it("should refuse the committee, whose name is the consortium's", async function () {
      await expectRefused(
        () => rename(ORG_IDS.committeeA, "甲大学新党委"),
        422,
        "organizations.branchOnly",
        "这里只能重命名或撤销党总支和党支部；党委的名称由联盟管理。",
      );
      await expectRefused(
        () => close(ORG_IDS.committeeA),
        422,
        "organizations.branchOnly",
        "这里只能重命名或撤销党总支和党支部；党委的名称由联盟管理。",
      );
    });

    it("should refuse a branch's own admin, as the chain would", async function () {
      const zh = "不能重命名或撤销自己所在的党组织，请由上级党组织的管理员办理。";
      await expectRefused(() => rename(SPARE.accountBranch, "改名", branchAdminToken), 403, "organizations.fromAbove", zh);
      await expectRefused(() => close(SPARE.accountBranch, branchAdminToken), 403, "organizations.fromAbove", zh);
    });

    it("should refuse a closed branch", async function () {
      const zh = "这个党组织已撤销，不能再接收党员、账号、组织关系或下属组织，也不能再改名。";
      await expectRefused(() => rename(SPARE.closedBranch, "改名"), 409, "organizations.closed", zh);
      await expectRefused(() => close(SPARE.closedBranch), 409, "organizations.closed", zh);
    });

    it("should refuse a name a sibling has, the same name and an empty one", async function () {
      await expectRefused(
        () => rename(SPARE.memberBranch, "测试党支部-transferBranch"),
        422,
        "organizations.nameTaken",
        "上级党组织下已有同名的党组织。",
      );
      await expectRefused(
        () => rename(SPARE.memberBranch, "测试党支部-memberBranch"),
        422,
        "organizations.nameUnchanged",
        "新名称与现在的名称相同。",
      );
      const empty = await rename(SPARE.memberBranch, "  ");
      expect(empty.status).to.equal(400);
      expect(empty.body.error.field).to.equal("name");
    });

    it("should refuse closing a branch that still holds active members, an open transfer in, or enabled accounts", async function () {
      await expectRefused(
        () => close(SPARE.memberBranch),
        409,
        "organizations.hasMembers",
        "这个党组织还有党员（含发展对象等），请先将他们的组织关系转出，再撤销。",
      );
      await expectRefused(
        () => close(SPARE.transferBranch),
        409,
        "organizations.openTransfers",
        "还有转入这个党组织的介绍信尚未办结，请办结后再撤销。",
      );
      await expectRefused(
        () => close(SPARE.accountBranch),
        409,
        "organizations.hasAccounts",
        "这个党组织还有启用的账号，请先将账号调到其他党组织或停用。",
      );
    });

    it("should refuse closing a general branch while a branch under it is open", async function () {
      await expectRefused(
        () => close(ORG_IDS.generalBranchA),
        409,
        "organizations.openChildren",
        "这个党组织下还有未撤销的党组织，请先撤销它们。",
      );
    });

    it("should refuse an unknown organization with 404 and a clerk with 403", async function () {
      expect((await rename(999, "改名")).status).to.equal(404);
      const clerk = await request(instance.app)
        .post(`/api/organizations/${SPARE.emptyBranch}/close`)
        .set("authorization", `Bearer ${await instance.tokenOf("aClerk")}`);
      expect(clerk.status).to.equal(403);
      expect(clerk.body.error.rule).to.equal("auth.role");
    });

    it("should refuse a branch under, an account in and a member enrolled in a closed organization", async function () {
      const { effectiveDate, fields } = JOURNEY[0];
      const zh = "这个党组织已撤销，不能再接收党员、账号、组织关系或下属组织，也不能再改名。";
      const send = (path: string, body: object) =>
        request(instance.app).post(path).set("authorization", `Bearer ${adminToken}`).set("accept-language", "zh-CN").send(body);
      await expectRefused(
        () => send("/api/organizations", { parentId: SPARE.closedBranch, kind: "BRANCH", name: "新党支部" }),
        422,
        "organizations.closed",
        zh,
      );
      const account = await send("/api/accounts", {
        username: "closed-clerk",
        displayName: "撤销支部",
        role: "CLERK",
        orgId: SPARE.closedBranch,
        canReadPersonalData: false,
      });
      expect(account.status).to.equal(422);
      expect(account.body.error).to.include({ rule: "organizations.closed", field: "orgId", message: zh });
      expect(await instance.database.repositories.accounts.findByUsername("closed-clerk")).to.equal(null);
      const person = { name: "撤销支部", idNumber: "110108200201011234", birthDate: "2002-01-01", gender: "M" };
      const enrolled = await send("/api/members", {
        orgId: SPARE.closedBranch,
        personal: person,
        application: { effectiveDate, fields, evidence: [] },
      });
      expect(enrolled.status).to.equal(422);
      expect(enrolled.body.error).to.include({ rule: "organizations.closed", field: "orgId", message: zh });
      expect((await instance.database.repositories.members.countActiveByOrganization(SPARE.closedBranch)).size).to.equal(0);
    });
  });
});
