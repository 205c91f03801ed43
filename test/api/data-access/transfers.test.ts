import { expect } from "chai";
import {
  DuplicateError,
  OpenTransferExistsError,
  TransferStateConflictError,
  TransferTransitionError,
  type Account,
  type NewTransfer,
  type Transfer,
} from "../../../api/src/data-access";
import {
  createClerk,
  openScratchDatabase,
  ORG_IDS,
  randomHex32,
  rejectionOf,
  seedConsortium,
  type ScratchDatabase,
} from "../../../api/src/data-access/testing";

const VALID_UNTIL = new Date("2026-12-31T15:59:59.000Z");

describe("TransfersRepository", function () {
  let database: ScratchDatabase;
  let clerk: Account;
  before(async function () {
    database = await openScratchDatabase(process.env.DATABASE_URL);
    await seedConsortium(database.repositories);
    clerk = await createClerk(database.repositories, ORG_IDS.committeeA);
  });
  after(async function () {
    await database.close();
  });

  /** A transfer from university A's branch to university B's branch of a member not (yet) held locally. */
  function newTransfer(overrides: Partial<NewTransfer> = {}): NewTransfer {
    return {
      id: randomHex32(),
      memberKey: randomHex32(),
      memberId: null,
      kind: "MEMBERSHIP",
      fromOrgId: ORG_IDS.branchA,
      toOrgId: ORG_IDS.branchB,
      destinationHash: null,
      destination: null,
      validUntil: VALID_UNTIL,
      letterHash: randomHex32(),
      replaces: null,
      createdBy: clerk.id,
      ...overrides,
    };
  }

  describe("create", function () {
    it("should store an ISSUED transfer and return it as a plain object", async function () {
      const member = await database.repositories.members.create({
        memberKey: randomHex32(),
        orgId: ORG_IDS.branchA,
        stage: "FULL",
        personalData: Buffer.from("x"),
        idNumberIndex: null,
      });
      const input = newTransfer({ memberKey: member.memberKey, memberId: member.id });
      const transfer = await database.repositories.transfers.create(input);

      expect(Object.getPrototypeOf(transfer)).to.equal(Object.prototype);
      expect(transfer).to.deep.include({
        id: input.id,
        memberKey: member.memberKey,
        memberId: member.id,
        kind: "MEMBERSHIP",
        fromOrgId: ORG_IDS.branchA,
        toOrgId: ORG_IDS.branchB,
        state: "ISSUED",
        validUntil: VALID_UNTIL,
        letterHash: input.letterHash,
        replaces: null,
        reasonCode: null,
        receiptHash: null,
      });
      expect(await database.repositories.transfers.get(input.id)).to.deep.equal(transfer);
    });

    it("should store an exported transfer with its encrypted destination", async function () {
      const input = newTransfer({
        toOrgId: null,
        destinationHash: randomHex32(),
        destination: Buffer.from("ciphertext"),
      });
      const transfer = await database.repositories.transfers.create(input);
      expect(transfer).to.include({ toOrgId: null, destinationHash: input.destinationHash });
      expect(Buffer.from(transfer.destination!).toString()).to.equal("ciphertext");
    });

    it("should refuse a transfer with both or neither kinds of destination", async function () {
      const both = newTransfer({ destinationHash: randomHex32() });
      const neither = newTransfer({ toOrgId: null });
      expect((await rejectionOf(database.repositories.transfers.create(both))).message).to.match(/transfers_one_destination/);
      expect((await rejectionOf(database.repositories.transfers.create(neither))).message).to.match(/transfers_one_destination/);
    });

    it("should refuse an existing transfer id", async function () {
      const first = await database.repositories.transfers.create(newTransfer());
      const error = await rejectionOf(database.repositories.transfers.create(newTransfer({ id: first.id })));
      expect(error).to.be.instanceOf(DuplicateError);
    });
  });

  describe("one open transfer per member", function () {
    it("should refuse a second ISSUED transfer of the same member", async function () {
      const first = await database.repositories.transfers.create(newTransfer());
      const error = await rejectionOf(database.repositories.transfers.create(newTransfer({ memberKey: first.memberKey })));
      expect(error).to.be.instanceOf(OpenTransferExistsError);
      expect((error as OpenTransferExistsError).memberKey).to.equal(first.memberKey);
    });

    it("should allow a reissue once the previous transfer is closed", async function () {
      const first = await database.repositories.transfers.create(newTransfer());
      await database.repositories.transfers.updateState(first.id, {
        from: "ISSUED",
        to: "REJECTED",
        reasonCode: "WRONG_BRANCH",
      });
      const reissue = await database.repositories.transfers.create(newTransfer({ memberKey: first.memberKey, replaces: first.id }));
      expect(reissue).to.include({ state: "ISSUED", replaces: first.id });
    });
  });

  describe("updateState", function () {
    it("should record the acceptance and its receipt", async function () {
      const transfer = await database.repositories.transfers.create(newTransfer());
      const receiptHash = randomHex32();
      const accepted = await database.repositories.transfers.updateState(transfer.id, {
        from: "ISSUED",
        to: "ACCEPTED",
        receiptHash,
      });
      expect(accepted).to.include({ state: "ACCEPTED", receiptHash, reasonCode: null });
      expect(accepted!.updatedAt.getTime()).to.be.at.least(transfer.updatedAt.getTime());
    });

    it("should refuse a change from a state the transfer has left", async function () {
      const transfer = await database.repositories.transfers.create(newTransfer());
      await database.repositories.transfers.updateState(transfer.id, {
        from: "ISSUED",
        to: "CANCELLED",
        reasonCode: "LOST",
      });
      const error = await rejectionOf(database.repositories.transfers.updateState(transfer.id, { from: "ISSUED", to: "ACCEPTED" }));
      expect(error).to.be.instanceOf(TransferStateConflictError);
      expect(error).to.include({ expected: "ISSUED", actual: "CANCELLED" });
      expect(await database.repositories.transfers.get(transfer.id)).to.include({
        state: "CANCELLED",
        reasonCode: "LOST",
      });
    });

    it("should keep an ACCEPTING transfer the member's open one, and hand it back with the chain's refusal", async function () {
      const transfer = await database.repositories.transfers.create(newTransfer({ createdBy: null, issuedHere: false }));
      const accepting = await database.repositories.transfers.updateState(transfer.id, {
        from: "ISSUED",
        to: "ACCEPTING",
        acceptedBy: clerk.id,
        acceptanceRefusal: null,
      });
      expect(accepting).to.include({ state: "ACCEPTING", acceptedBy: clerk.id, acceptanceRefusal: null });
      const second = await rejectionOf(
        database.repositories.transfers.create(newTransfer({ memberKey: transfer.memberKey, createdBy: null, issuedHere: false })),
      );
      expect(second).to.be.instanceOf(OpenTransferExistsError);
      const refusal = {
        name: "TransferLedgerHeadMismatch",
        args: [transfer.id, randomHex32(), randomHex32()],
        message: "the chain refused accept",
      };
      const back = await database.repositories.transfers.updateState(transfer.id, {
        from: "ACCEPTING",
        to: "ISSUED",
        acceptanceRefusal: refusal,
      });
      expect(back).to.deep.include({ state: "ISSUED", acceptanceRefusal: refusal, acceptedBy: clerk.id });
    });

    it("should refuse a transition the state machine does not have, and change nothing", async function () {
      const transfer = await database.repositories.transfers.create(newTransfer());
      await database.repositories.transfers.updateState(transfer.id, { from: "ISSUED", to: "REJECTED", reasonCode: "OTHER" });
      const error = await rejectionOf(database.repositories.transfers.updateState(transfer.id, { from: "REJECTED", to: "ACCEPTED" }));
      expect(error).to.be.instanceOf(TransferTransitionError);
      expect(error).to.include({ from: "REJECTED", to: "ACCEPTED" });
      expect(await database.repositories.transfers.get(transfer.id)).to.include({ state: "REJECTED" });
    });

    it("should return null for an unknown transfer", async function () {
      expect(await database.repositories.transfers.updateState(randomHex32(), { from: "ISSUED", to: "EXPIRED" })).to.equal(null);
    });
  });

  describe("listIncoming and listOutgoing", function () {
    async function allPages(list: (cursor: string | null) => Promise<{ items: Transfer[]; nextCursor: string | null }>) {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(cursor);
        ids.push(...page.items.map((transfer) => transfer.id));
        cursor = page.nextCursor;
      } while (cursor);
      return ids;
    }

    it("should page through each side's transfers, every one exactly once", async function () {
      const toB: Transfer[] = [];
      for (let i = 0; i < 7; i++) toB.push(await database.repositories.transfers.create(newTransfer()));
      const toA = await database.repositories.transfers.create(
        newTransfer({ fromOrgId: ORG_IDS.branchB, toOrgId: ORG_IDS.generalBranchA }),
      );

      const incomingB = await allPages((cursor) => database.repositories.transfers.listIncoming(ORG_IDS.committeeB, { cursor, limit: 3 }));
      const outgoingA = await allPages((cursor) => database.repositories.transfers.listOutgoing(ORG_IDS.committeeA, { cursor, limit: 3 }));
      const incomingA = await allPages((cursor) => database.repositories.transfers.listIncoming(ORG_IDS.committeeA, { cursor }));

      for (const ids of [incomingB, outgoingA]) {
        expect(new Set(ids).size).to.equal(ids.length);
        expect(ids).to.include.members(toB.map((transfer) => transfer.id));
        expect(ids).not.to.include(toA.id);
      }
      expect(incomingA).to.deep.equal([toA.id]);
    });
  });
});
