import { expect } from "chai";
import { BrowserProvider, ZeroHash, type Interface } from "ethers";
import { ethers, network } from "hardhat";
import { loadFixture, mine, time } from "@nomicfoundation/hardhat-network-helpers";
import { ChainReorgedError, EventIndexer, type EventIndexerOptions, type IndexedEvent } from "../../../api/src/indexer/event-indexer";
import { withTransaction, type Repositories } from "../../../api/src/data-access";
import {
  openScratchDatabase,
  ORG_IDS,
  randomHex32,
  rejectionOf,
  seedConsortium,
  type ScratchDatabase,
} from "../../../api/src/data-access/testing";
import { createLogger, type Logger } from "../../../api/src/lib/logger";
import { deployConsortium, memberAt, randomKey, Role, Stage, TransferKind, type Consortium } from "../../helpers/fixture";

const DAY = 86_400;
const CURSOR = "consortium";

type Handler = (event: IndexedEvent, repositories: Repositories) => Promise<string>;
type Position = [blockNumber: number, logIndex: number, name: string];

/** A handler that only remembers what it was handed. */
function recorder() {
  const seen: IndexedEvent[] = [];
  const apply: Handler = async (event) => {
    seen.push(event);
    return "seen";
  };
  return { seen, apply, names: () => seen.map((event) => event.name) };
}

const positionOf = (event: { blockNumber: number; logIndex: number; name: string }): Position => [
  event.blockNumber,
  event.logIndex,
  event.name,
];

describe("EventIndexer", function () {
  let consortium: Consortium;
  let database: ScratchDatabase;
  let deploymentBlock: number;

  beforeEach(async function () {
    consortium = await loadFixture(deployConsortium);
    deploymentBlock = (await consortium.registry.deploymentTransaction()!.wait())!.blockNumber;
    database = await openScratchDatabase(process.env.DATABASE_URL);
    await seedConsortium(database.repositories);
  });
  afterEach(async function () {
    await database.close();
  });

  /** A new indexer over the test's database: a second one is what a restarted instance runs. */
  async function indexer(apply: Handler, options: Partial<EventIndexerOptions> = {}, logger: Logger = createLogger({ level: "silent" })) {
    return new EventIndexer(
      {
        // No response cache: the indexer must see each block as soon as it is mined.
        provider: new BrowserProvider(network.provider, undefined, { cacheTimeout: -1 }),
        addresses: { registry: await consortium.registry.getAddress(), transfers: await consortium.transfers.getAddress() },
        transaction: (work) => withTransaction(database.dataSource, work),
        repositories: database.repositories,
        apply,
        logger,
      },
      {
        cursorName: CURSOR,
        fromBlock: deploymentBlock,
        confirmations: 1,
        batchBlocks: 100,
        pollIntervalMs: 10,
        maxBackoffMs: 40,
        ...options,
      },
    );
  }

  /** What the two contracts emitted since deployment, decoded by their own typed clients, in chain order. */
  async function emitted(): Promise<Position[]> {
    const positions: Position[] = [];
    for (const contract of [consortium.registry, consortium.transfers]) {
      const contractInterface: Interface = contract.interface;
      const logs = await ethers.provider.getLogs({ address: await contract.getAddress(), fromBlock: deploymentBlock });
      for (const log of logs) positions.push([log.blockNumber, log.index, contractInterface.parseLog(log)!.name]);
    }
    return positions.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }

  async function storedPositions(): Promise<Position[]> {
    const events = await database.repositories.chainIndex.listEvents({ concerningOnly: false, limit: 1000 });
    return events.reverse().map(positionOf);
  }

  /** A probationary member of A's branch sent to B's branch by A's committee. */
  async function issueTransfer() {
    const { memberKey } = await memberAt(consortium, Stage.Probationary);
    const request = {
      transferId: randomKey(),
      memberKey,
      toOrgId: consortium.ids.branchB,
      destinationHash: ZeroHash,
      kind: TransferKind.Membership,
      validUntil: (await time.latest()) + 30 * DAY,
      letterHash: randomKey(),
    };
    const receipt = await (await consortium.transfers.connect(consortium.signers.attesterA).issue(request)).wait();
    return { request, blockNumber: receipt!.blockNumber };
  }

  /** A new role in branch A for the outsider: one more RoleGranted. */
  async function grantOutsider() {
    const { registry, ids, signers } = consortium;
    await (await registry.connect(signers.adminA).grantRole(ids.branchA, signers.outsider.address, Role.Attester)).wait();
  }

  describe("applying events", function () {
    it("should apply the registry's and the ledger's events once each, in chain order, with JSON-safe arguments", async function () {
      const { request } = await issueTransfer();
      const handler = recorder();

      const applied = await (await indexer(handler.apply)).runOnce();

      const expected = await emitted();
      expect(applied).to.equal(expected.length);
      expect(handler.seen.map(positionOf)).to.deep.equal(expected);
      expect(await storedPositions()).to.deep.equal(expected);
      expect(handler.names().filter((name) => name === "RoleGranted")).to.have.length(6);
      expect(handler.names().at(-1)).to.equal("TransferIssued");

      const { signers, ids } = consortium;
      const grant = handler.seen.find(
        (event) => event.name === "RoleGranted" && event.args.account === signers.adminA.address.toLowerCase(),
      )!;
      expect(grant.contract).to.equal("registry");
      expect(grant.args).to.deep.equal({
        orgId: ids.committeeA,
        account: signers.adminA.address.toLowerCase(),
        role: Role.OrgAdmin,
        sender: signers.governance.address.toLowerCase(),
      });
      const issued = handler.seen.at(-1)!;
      expect(issued.contract).to.equal("transfers");
      expect(issued.args).to.deep.equal({
        transferId: request.transferId.toLowerCase(),
        memberKey: request.memberKey.toLowerCase(),
        toOrgId: ids.branchB,
        fromOrgId: ids.branchA,
        kind: TransferKind.Membership,
        validUntil: request.validUntil,
        letterHash: request.letterHash.toLowerCase(),
        replaces: ZeroHash,
      });
      const receipt = (await ethers.provider.getTransactionReceipt(issued.transactionHash))!;
      expect([issued.blockNumber, issued.blockHash]).to.deep.equal([receipt.blockNumber, receipt.blockHash]);
    });

    it("should store each event with what the handler made of it", async function () {
      const applied = await (
        await indexer(async (event) => (event.name === "RoleGranted" ? `mirrored ${event.args.orgId}` : "ignored"))
      ).runOnce();

      const { chainIndex } = database.repositories;
      const concerning = await chainIndex.listEvents({ concerningOnly: true, limit: 100 });
      expect(await chainIndex.countEvents()).to.equal(applied);
      expect(concerning.map((event) => event.effect)).to.deep.equal([
        "mirrored 7",
        "mirrored 5",
        "mirrored 5",
        "mirrored 4",
        "mirrored 2",
        "mirrored 2",
      ]);
    });

    it("should apply an event only once its block has the configured confirmations", async function () {
      const { blockNumber } = await issueTransfer();
      const handler = recorder();
      const threeConfirmations = await indexer(handler.apply, { confirmations: 3 });

      await threeConfirmations.runOnce();
      expect(handler.names()).to.include("RoleGranted").and.not.include("TransferIssued");
      expect((await database.repositories.chainIndex.cursor(CURSOR))!.blockNumber).to.equal(blockNumber - 2);

      await mine(1);
      await threeConfirmations.runOnce();
      expect(handler.names()).not.to.include("TransferIssued");

      await mine(1);
      expect(await threeConfirmations.runOnce()).to.equal(1);
      expect(handler.names().at(-1)).to.equal("TransferIssued");
      expect(await storedPositions()).to.deep.equal(await emitted());
    });

    it("should apply every event once when the range takes several batches", async function () {
      await issueTransfer();
      const handler = recorder();

      const applied = await (await indexer(handler.apply, { batchBlocks: 2 })).runOnce();

      const expected = await emitted();
      expect(applied).to.equal(expected.length);
      expect(handler.seen.map(positionOf)).to.deep.equal(expected);
      expect(await storedPositions()).to.deep.equal(expected);
      expect((await database.repositories.chainIndex.cursor(CURSOR))!.blockNumber).to.equal(await ethers.provider.getBlockNumber());
    });
  });

  describe("restarting", function () {
    it("should apply nothing again after a restart, and only the events that came since", async function () {
      const before = await (await indexer(recorder().apply)).runOnce();

      const afterRestart = recorder();
      const restarted = await indexer(afterRestart.apply);
      expect(await restarted.runOnce()).to.equal(0);
      await grantOutsider();
      expect(await restarted.runOnce()).to.equal(1);

      expect(afterRestart.seen.map((event) => [event.name, event.args.account])).to.deep.equal([
        ["RoleGranted", consortium.signers.outsider.address.toLowerCase()],
      ]);
      expect(await database.repositories.chainIndex.countEvents()).to.equal(before + 1);
      expect(await storedPositions()).to.deep.equal(await emitted());
    });

    it("should skip the events it already applied when its cursor is set back", async function () {
      const events = await indexer(recorder().apply);
      await events.runOnce();
      const { chainIndex } = database.repositories;
      const count = await chainIndex.countEvents();
      await chainIndex.advanceCursor(CURSOR, deploymentBlock, (await ethers.provider.getBlock(deploymentBlock))!.hash!);
      await grantOutsider();

      expect(await events.runOnce()).to.equal(1);
      expect(await chainIndex.countEvents()).to.equal(count + 1);
      expect(await storedPositions()).to.deep.equal(await emitted());
    });

    it("should let a run started during another wait for it rather than apply the same events twice", async function () {
      const handler = recorder();
      const events = await indexer(handler.apply);

      const [first, second] = await Promise.all([events.runOnce(), events.runOnce()]);

      expect([first, second]).to.deep.equal([(await emitted()).length, 0]);
      expect(handler.seen.map(positionOf)).to.deep.equal(await emitted());
    });
  });

  describe("failures", function () {
    it("should leave the cursor, the events and the handler's writes unchanged when the handler throws, and apply them once on the next run", async function () {
      let handlerDown = true;
      const mirrored: string[] = [];
      // Mirrors roles in this instance's organizations (committee C is not one of them); cannot take transfers yet.
      const events = await indexer(async (event, repositories) => {
        if (event.name === "TransferIssued" && handlerDown) throw new Error("the transfer handler is down");
        if (event.name !== "RoleGranted" || (event.args.orgId as number) > ORG_IDS.branchB) return "ignored";
        await repositories.chainIndex.grantRole(
          event.args.orgId as number,
          event.args.account as string,
          event.args.role === Role.OrgAdmin ? "ORG_ADMIN" : "ATTESTER",
        );
        mirrored.push(`${event.blockNumber}:${event.logIndex}`);
        return "role mirrored";
      });
      await events.runOnce();
      const { chainIndex } = database.repositories;
      const cursor = await chainIndex.cursor(CURSOR);
      const count = await chainIndex.countEvents();

      await grantOutsider();
      await issueTransfer();
      const error = await rejectionOf(events.runOnce());

      expect(error.message).to.equal("the transfer handler is down");
      expect(await chainIndex.cursor(CURSOR)).to.deep.equal(cursor);
      expect(await chainIndex.countEvents()).to.equal(count);
      expect(await chainIndex.rolesOf(consortium.signers.outsider.address)).to.deep.equal([]);

      handlerDown = false;
      expect(await events.runOnce()).to.equal(2);
      expect(await chainIndex.rolesOf(consortium.signers.outsider.address)).to.deep.equal([{ orgId: ORG_IDS.branchA, role: "ATTESTER" }]);
      const latest = await chainIndex.listEvents({ concerningOnly: false, limit: 2 });
      expect(latest.map((event) => [event.name, event.effect])).to.deep.equal([
        ["TransferIssued", "ignored"],
        ["RoleGranted", "role mirrored"],
      ]);
      expect(await storedPositions()).to.deep.equal(await emitted());
    });

    it("should refuse to go on from a cursor whose block hash the chain does not hold", async function () {
      const handler = recorder();
      const events = await indexer(handler.apply);
      await events.runOnce();
      const { chainIndex } = database.repositories;
      const cursor = (await chainIndex.cursor(CURSOR))!;
      const count = await chainIndex.countEvents();
      await chainIndex.advanceCursor(CURSOR, cursor.blockNumber, randomHex32());
      await grantOutsider();

      const error = await rejectionOf(events.runOnce());

      expect(error).to.be.instanceOf(ChainReorgedError);
      expect((error as ChainReorgedError).blockNumber).to.equal(cursor.blockNumber);
      expect(await chainIndex.countEvents()).to.equal(count);
      await chainIndex.advanceCursor(CURSOR, cursor.blockNumber, cursor.blockHash);
      expect(await events.runOnce()).to.equal(1);
    });

    it("should keep retrying in the background, logging an error, until the chain holds the cursor's block again", async function () {
      const { chainIndex } = database.repositories;
      await (await indexer(recorder().apply)).runOnce();
      const cursor = (await chainIndex.cursor(CURSOR))!;
      await chainIndex.advanceCursor(CURSOR, cursor.blockNumber, randomHex32());
      await grantOutsider();

      let errorLogged!: (entry: Record<string, unknown>) => void;
      const firstError = new Promise<Record<string, unknown>>((resolve) => (errorLogged = resolve));
      const logger = createLogger({
        level: "error",
        destination: { write: (line: string) => errorLogged(JSON.parse(line) as Record<string, unknown>) },
      });
      let granted!: (event: IndexedEvent) => void;
      const applied = new Promise<IndexedEvent>((resolve) => (granted = resolve));
      const background = await indexer(
        async (event) => {
          granted(event);
          return "seen";
        },
        {},
        logger,
      );

      background.start();
      try {
        const entry = await firstError;
        expect(entry).to.include({ cursor: CURSOR, blockNumber: cursor.blockNumber, actualHash: cursor.blockHash });
        await chainIndex.advanceCursor(CURSOR, cursor.blockNumber, cursor.blockHash);
        background.poke();
        const event = await applied;
        expect([event.name, event.args.account]).to.deep.equal(["RoleGranted", consortium.signers.outsider.address.toLowerCase()]);
      } finally {
        await background.stop();
      }
      expect(await storedPositions()).to.deep.equal(await emitted());
    });
  });
});
