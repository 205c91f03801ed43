import { expect } from "chai";
import { DuplicateError } from "../../../api/src/data-access";
import { openScratchDatabase, ORG_IDS, rejectionOf, seedConsortium, type ScratchDatabase } from "../../../api/src/data-access/testing";

describe("OrganizationsRepository", function () {
  let database: ScratchDatabase;
  before(async function () {
    database = await openScratchDatabase(process.env.DATABASE_URL);
    await seedConsortium(database.repositories);
  });
  after(async function () {
    await database.close();
  });

  describe("upsertFromChain", function () {
    it("should store an organization and refresh it when the chain changes it", async function () {
      const committeeC = {
        id: 7,
        parentId: ORG_IDS.consortium,
        kind: "COMMITTEE",
        name: "丙大学党委",
        mayApprove: false,
      } as const;
      expect(await database.repositories.organizations.upsertFromChain(committeeC)).to.deep.equal({
        ...committeeC,
        serviceEndpoint: null,
        closed: false,
      });

      const approving = { ...committeeC, mayApprove: true };
      expect(await database.repositories.organizations.upsertFromChain(approving)).to.deep.equal({
        ...approving,
        serviceEndpoint: null,
        closed: false,
      });
      expect(await database.repositories.organizations.get(7)).to.deep.equal({ ...approving, serviceEndpoint: null, closed: false });
    });

    it("should accept the largest uint32 id", async function () {
      const org = {
        id: 4294967295,
        parentId: ORG_IDS.consortium,
        kind: "COMMITTEE",
        name: "最大编号",
        mayApprove: false,
      } as const;
      await database.repositories.organizations.upsertFromChain(org);
      expect(await database.repositories.organizations.get(4294967295)).to.deep.equal({ ...org, serviceEndpoint: null, closed: false });
    });
  });

  describe("applyChainChange", function () {
    it("should take the registry's rename and closing, and keep the rest", async function () {
      const before = (await database.repositories.organizations.get(ORG_IDS.branchB))!;
      await database.repositories.organizations.applyChainChange(ORG_IDS.branchB, { name: "数学与统计学院党支部" });
      await database.repositories.organizations.applyChainChange(ORG_IDS.branchB, { closed: true });
      expect(await database.repositories.organizations.get(ORG_IDS.branchB)).to.deep.equal({
        ...before,
        name: "数学与统计学院党支部",
        closed: true,
      });
    });
  });

  describe("get", function () {
    it("should return null for an unknown organization", async function () {
      expect(await database.repositories.organizations.get(999)).to.equal(null);
    });
  });

  describe("listSubtreeIds", function () {
    it("should list the organization and all its descendants", async function () {
      expect(await database.repositories.organizations.listSubtreeIds(ORG_IDS.committeeA)).to.deep.equal([
        ORG_IDS.committeeA,
        ORG_IDS.generalBranchA,
        ORG_IDS.branchA,
      ]);
      expect(await database.repositories.organizations.listSubtreeIds(ORG_IDS.branchB)).to.deep.equal([ORG_IDS.branchB]);
      expect(await database.repositories.organizations.listSubtreeIds(999)).to.deep.equal([]);
    });
  });

  describe("isInSubtree", function () {
    it("should accept the organization itself and its descendants at any depth", async function () {
      expect(await database.repositories.organizations.isInSubtree(ORG_IDS.committeeA, ORG_IDS.committeeA)).to.equal(true);
      expect(await database.repositories.organizations.isInSubtree(ORG_IDS.committeeA, ORG_IDS.branchA)).to.equal(true);
      expect(await database.repositories.organizations.isInSubtree(ORG_IDS.consortium, ORG_IDS.branchB)).to.equal(true);
    });

    it("should refuse siblings, ancestors and unknown organizations", async function () {
      expect(await database.repositories.organizations.isInSubtree(ORG_IDS.committeeA, ORG_IDS.branchB)).to.equal(false);
      expect(await database.repositories.organizations.isInSubtree(ORG_IDS.branchA, ORG_IDS.committeeA)).to.equal(false);
      expect(await database.repositories.organizations.isInSubtree(ORG_IDS.committeeA, 999)).to.equal(false);
    });
  });
});

describe("AccountsRepository", function () {
  let database: ScratchDatabase;
  before(async function () {
    database = await openScratchDatabase(process.env.DATABASE_URL);
    await seedConsortium(database.repositories);
  });
  after(async function () {
    await database.close();
  });

  describe("create", function () {
    it("should store an account with safe defaults and find it by id and username", async function () {
      const account = await database.repositories.accounts.create({
        username: "zhang.san",
        passwordHash: "$argon2id$hash",
        role: "APPROVER",
        orgId: ORG_IDS.committeeA,
      });

      expect(account).to.include({
        username: "zhang.san",
        passwordHash: "$argon2id$hash",
        role: "APPROVER",
        orgId: ORG_IDS.committeeA,
        canReadPersonalData: false,
        chainAddress: null,
        disabled: false,
      });
      expect(account.createdAt).to.be.instanceOf(Date);
      expect(await database.repositories.accounts.get(account.id)).to.deep.equal(account);
      expect(await database.repositories.accounts.findByUsername("zhang.san")).to.deep.equal(account);
    });

    it("should store the personal-data permission and the chain address", async function () {
      const chainAddress = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
      const account = await database.repositories.accounts.create({
        username: "li.si",
        passwordHash: "$argon2id$hash",
        role: "CLERK",
        orgId: ORG_IDS.branchA,
        canReadPersonalData: true,
        chainAddress,
      });
      expect(account).to.include({ canReadPersonalData: true, chainAddress });
    });

    it("should refuse a username that is taken", async function () {
      const account = { username: "wang.wu", passwordHash: "h", role: "AUDITOR", orgId: ORG_IDS.committeeB } as const;
      await database.repositories.accounts.create(account);
      const error = await rejectionOf(database.repositories.accounts.create(account));
      expect(error).to.be.instanceOf(DuplicateError);
      expect((error as DuplicateError).constraint).to.equal("accounts_username_unique");
    });
  });

  describe("findByUsername", function () {
    it("should return null for an unknown username", async function () {
      expect(await database.repositories.accounts.findByUsername("nobody")).to.equal(null);
    });
  });
});
