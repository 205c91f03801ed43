import { expect } from "chai";
import type { IndexedEvent } from "../../../api/src/data-access/repositories/chain-index";
import {
  openScratchDatabase,
  ORG_IDS,
  randomHex32,
  rejectionOf,
  seedConsortium,
  type ScratchDatabase,
} from "../../../api/src/data-access/testing";

const ACCOUNT = "0xAbCdEf0123456789abcdef0123456789ABCDEF01";

function eventAt(blockNumber: number, logIndex: number, overrides: Partial<IndexedEvent> = {}): IndexedEvent {
  return {
    blockNumber,
    logIndex,
    blockHash: randomHex32(),
    transactionHash: randomHex32(),
    contract: "transfers",
    name: "TransferCancelled",
    args: { transferId: randomHex32(), memberKey: randomHex32(), reasonCode: 3 },
    ...overrides,
  };
}

describe("ChainIndexRepository", function () {
  let database: ScratchDatabase;
  beforeEach(async function () {
    database = await openScratchDatabase(process.env.DATABASE_URL);
    await seedConsortium(database.repositories);
  });
  afterEach(async function () {
    await database.close();
  });

  describe("cursor", function () {
    it("should have no cursor before the first advance, then the last block advanced to", async function () {
      const { chainIndex } = database.repositories;
      expect(await chainIndex.cursor("consortium")).to.equal(null);
      const first = randomHex32();
      const second = randomHex32();
      await chainIndex.advanceCursor("consortium", 12, first);
      await chainIndex.advanceCursor("consortium", 40, second);
      expect(await chainIndex.cursor("consortium")).to.deep.equal({ blockNumber: 40, blockHash: second });
      expect(await chainIndex.cursor("other")).to.equal(null);
    });
  });

  describe("events", function () {
    it("should store an event with its arguments and effect, and know it is there", async function () {
      const { chainIndex } = database.repositories;
      const event = eventAt(7, 2, { args: { orgId: 4, account: ACCOUNT.toLowerCase(), role: 1, big: "9007199254740993", ok: true } });
      expect(await chainIndex.hasEvent(7, 2)).to.equal(false);
      await chainIndex.recordEvent(event, "incoming transfer created");

      expect(await chainIndex.hasEvent(7, 2)).to.equal(true);
      expect(await chainIndex.hasEvent(7, 3)).to.equal(false);
      const [stored] = await chainIndex.listEvents({ concerningOnly: false, limit: 10 });
      expect(stored).to.deep.include({ ...event, effect: "incoming transfer created" });
      expect(stored.appliedAt).to.be.instanceOf(Date);
    });

    it("should refuse the same chain position twice", async function () {
      const { chainIndex } = database.repositories;
      await chainIndex.recordEvent(eventAt(7, 2), "ignored");
      await rejectionOf(chainIndex.recordEvent(eventAt(7, 2), "ignored"));
      expect(await chainIndex.countEvents()).to.equal(1);
    });

    it("should list newest first, page with `before`, and leave out ignored events when asked", async function () {
      const { chainIndex } = database.repositories;
      const positions: [number, number, string][] = [
        [5, 0, "ignored"],
        [5, 3, "member marked transferred out"],
        [9, 1, "ignored"],
        [9, 2, "incoming transfer created"],
        [11, 0, "role mirrored"],
      ];
      for (const [block, index, effect] of positions) await chainIndex.recordEvent(eventAt(block, index), effect);
      const at = (events: { blockNumber: number; logIndex: number }[]) => events.map((e) => [e.blockNumber, e.logIndex]);

      expect(await chainIndex.countEvents()).to.equal(5);
      expect(at(await chainIndex.listEvents({ concerningOnly: false, limit: 10 }))).to.deep.equal([
        [11, 0],
        [9, 2],
        [9, 1],
        [5, 3],
        [5, 0],
      ]);
      expect(at(await chainIndex.listEvents({ concerningOnly: true, limit: 10 }))).to.deep.equal([
        [11, 0],
        [9, 2],
        [5, 3],
      ]);
      const firstPage = await chainIndex.listEvents({ concerningOnly: false, limit: 2 });
      expect(at(firstPage)).to.deep.equal([
        [11, 0],
        [9, 2],
      ]);
      const before = firstPage[1];
      expect(at(await chainIndex.listEvents({ concerningOnly: false, limit: 2, before }))).to.deep.equal([
        [9, 1],
        [5, 3],
      ]);
      expect(at(await chainIndex.listEvents({ concerningOnly: true, limit: 2, before }))).to.deep.equal([[5, 3]]);
    });
  });

  describe("roles", function () {
    it("should mirror grants under the lowercase account, once each, and forget revoked ones", async function () {
      const { chainIndex } = database.repositories;
      await chainIndex.grantRole(ORG_IDS.committeeB, ACCOUNT, "ATTESTER");
      await chainIndex.grantRole(ORG_IDS.committeeA, ACCOUNT, "ORG_ADMIN");
      await chainIndex.grantRole(ORG_IDS.committeeA, ACCOUNT.toLowerCase(), "ATTESTER");
      await chainIndex.grantRole(ORG_IDS.committeeA, ACCOUNT, "ATTESTER");

      expect(await chainIndex.rolesOf(ACCOUNT.toUpperCase().replace("0X", "0x"))).to.deep.equal([
        { orgId: ORG_IDS.committeeA, role: "ATTESTER" },
        { orgId: ORG_IDS.committeeA, role: "ORG_ADMIN" },
        { orgId: ORG_IDS.committeeB, role: "ATTESTER" },
      ]);

      await chainIndex.revokeRole(ORG_IDS.committeeA, ACCOUNT, "ATTESTER");
      await chainIndex.revokeRole(ORG_IDS.branchA, ACCOUNT, "ATTESTER");
      expect(await chainIndex.rolesOf(ACCOUNT)).to.deep.equal([
        { orgId: ORG_IDS.committeeA, role: "ORG_ADMIN" },
        { orgId: ORG_IDS.committeeB, role: "ATTESTER" },
      ]);
      expect(await chainIndex.rolesOf(`0x${"1".repeat(40)}`)).to.deep.equal([]);
    });
  });
});
