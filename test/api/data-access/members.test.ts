import { expect } from "chai";
import {
  DuplicateError,
  InvalidCursorError,
  withTransaction,
  type Member,
  type NewMember,
  type Repositories,
} from "../../../api/src/data-access";
import {
  openScratchDatabase,
  ORG_IDS,
  randomHex32,
  rejectionOf,
  seedConsortium,
  type ScratchDatabase,
} from "../../../api/src/data-access/testing";

describe("MembersRepository", function () {
  let database: ScratchDatabase;
  before(async function () {
    database = await openScratchDatabase(process.env.DATABASE_URL);
    await seedConsortium(database.repositories);
  });
  after(async function () {
    await database.close();
  });

  function newMember(overrides: Partial<NewMember> = {}): NewMember {
    return {
      memberKey: randomHex32(),
      orgId: ORG_IDS.branchA,
      stage: "APPLICANT",
      personalData: Buffer.from("encrypted personal data"),
      idNumberIndex: randomHex32(),
      ...overrides,
    };
  }

  describe("create", function () {
    it("should store an ACTIVE member and find it by id and by member key", async function () {
      const input = newMember();
      const member = await database.repositories.members.create(input);

      expect(Object.getPrototypeOf(member)).to.equal(Object.prototype);
      expect(member).to.include({
        memberKey: input.memberKey,
        orgId: ORG_IDS.branchA,
        stage: "APPLICANT",
        status: "ACTIVE",
        idNumberIndex: input.idNumberIndex,
      });
      expect(Buffer.from(member.personalData).toString()).to.equal("encrypted personal data");
      expect(await database.repositories.members.get(member.id)).to.deep.equal(member);
      expect(await database.repositories.members.getByKey(input.memberKey)).to.deep.equal(member);
    });

    it("should refuse a member key that exists", async function () {
      const input = newMember();
      await database.repositories.members.create(input);
      const error = await rejectionOf(database.repositories.members.create(input));
      expect(error).to.be.instanceOf(DuplicateError);
      expect((error as DuplicateError).constraint).to.equal("members_member_key_unique");
    });
  });

  describe("findByIdNumberIndex", function () {
    it("should find the members with that blind index only", async function () {
      const index = randomHex32();
      // One person, one active member: the earlier file is one the person left (transferred out) before the second.
      const first = await database.repositories.members.create(newMember({ idNumberIndex: index }));
      await database.repositories.members.update(first.id, { status: "TRANSFERRED_OUT" });
      const second = await database.repositories.members.create(newMember({ idNumberIndex: index, orgId: ORG_IDS.branchB }));
      await database.repositories.members.create(newMember());

      const found = await database.repositories.members.findByIdNumberIndex(index);
      expect(found.map((member) => member.id).sort()).to.deep.equal([first.id, second.id].sort());
      expect(await database.repositories.members.findByIdNumberIndex(randomHex32())).to.deep.equal([]);
    });
  });

  describe("update", function () {
    it("should change stage, organization and status and leave the rest", async function () {
      const member = await database.repositories.members.create(newMember());
      const updated = await database.repositories.members.update(member.id, {
        stage: "ACTIVIST",
        orgId: ORG_IDS.branchB,
        status: "TRANSFERRED_OUT",
      });

      expect(updated).to.deep.include({
        id: member.id,
        memberKey: member.memberKey,
        stage: "ACTIVIST",
        orgId: ORG_IDS.branchB,
        status: "TRANSFERRED_OUT",
        createdAt: member.createdAt,
      });
      expect(updated!.updatedAt.getTime()).to.be.at.least(member.updatedAt.getTime());
    });

    it("should return null for an unknown member", async function () {
      expect(await database.repositories.members.update("00000000-0000-4000-8000-000000000000", { stage: "FULL" })).to.equal(null);
    });
  });

  describe("listByOrgSubtree", function () {
    /** Members of a new branch under committee B, some created in one transaction so their created_at ties. */
    async function populatedBranch(): Promise<{ branchId: number; members: Member[] }> {
      const branchId = 100;
      await database.repositories.organizations.upsertFromChain({
        id: branchId,
        parentId: ORG_IDS.committeeB,
        kind: "BRANCH",
        name: `支部 ${branchId}`,
        mayApprove: false,
      });
      const members: Member[] = [];
      for (let i = 0; i < 4; i++) members.push(await database.repositories.members.create(newMember({ orgId: branchId })));
      await withTransaction(database.dataSource, async (repositories: Repositories) => {
        for (let i = 0; i < 5; i++) members.push(await repositories.members.create(newMember({ orgId: branchId })));
      });
      return { branchId, members };
    }

    async function allPages(rootOrgId: number, limit: number): Promise<{ ids: string[]; pages: number }> {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await database.repositories.members.listByOrgSubtree(rootOrgId, { cursor, limit });
        ids.push(...page.items.map((member) => member.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      return { ids, pages };
    }

    it("should return every member exactly once across pages, newest first", async function () {
      const { branchId, members } = await populatedBranch();
      const { ids, pages } = await allPages(branchId, 2);

      expect(pages).to.equal(5);
      expect(ids).to.have.length(members.length);
      expect(new Set(ids).size).to.equal(members.length);
      expect([...ids].sort()).to.deep.equal(members.map((member) => member.id).sort());
      const createdAt = new Map(members.map((member) => [member.id, member.createdAt.getTime()]));
      const times = ids.map((id) => createdAt.get(id)!);
      expect(times).to.deep.equal([...times].sort((a, b) => b - a));
    });

    it("should include the descendants' members and exclude other organizations'", async function () {
      const inBranchA = await database.repositories.members.create(newMember({ orgId: ORG_IDS.branchA }));
      const inBranchB = await database.repositories.members.create(newMember({ orgId: ORG_IDS.branchB }));

      const { ids } = await allPages(ORG_IDS.committeeA, 500);
      expect(ids).to.include(inBranchA.id);
      expect(ids).not.to.include(inBranchB.id);
    });

    it("should give an empty last page no cursor", async function () {
      const page = await database.repositories.members.listByOrgSubtree(999, { limit: 10 });
      expect(page).to.deep.equal({ items: [], nextCursor: null });
    });

    it("should refuse a tampered cursor and an out-of-range page size", async function () {
      const forged = Buffer.from(JSON.stringify(["2024-01-01T00:00:00.000Z", "1 OR 1=1"])).toString("base64url");
      expect(await rejectionOf(database.repositories.members.listByOrgSubtree(ORG_IDS.committeeA, { cursor: forged }))).to.be.instanceOf(
        InvalidCursorError,
      );
      expect(await rejectionOf(database.repositories.members.listByOrgSubtree(ORG_IDS.committeeA, { limit: 0 }))).to.be.instanceOf(
        RangeError,
      );
    });
  });
});
