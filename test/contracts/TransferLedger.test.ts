import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { dayOf, deployConsortium, memberAt, randomKey, Stage, TransferKind, TransferState, type Consortium } from "../helpers/fixture";

const DAY = 86_400;
const MAX_VALIDITY = 90 * DAY;
const { ZeroHash } = ethers;

type IssueRequest = {
  transferId: string;
  memberKey: string;
  toOrgId: number;
  destinationHash: string;
  kind: number;
  validUntil: number;
  letterHash: string;
};

/** A membership transfer to B's branch, valid for 30 days from the latest block, with fresh ids. */
async function requestFor(c: Consortium, memberKey: string, overrides: Partial<IssueRequest> = {}): Promise<IssueRequest> {
  return {
    transferId: randomKey(),
    memberKey,
    toOrgId: c.ids.branchB,
    destinationHash: ZeroHash,
    kind: TransferKind.Membership,
    validUntil: (await time.latest()) + 30 * DAY,
    letterHash: randomKey(),
    ...overrides,
  };
}

/** A member of A's branch at `stage` with a transfer already issued by A's committee attester. */
async function issuedFor(c: Consortium, stage: number, overrides: Partial<IssueRequest> = {}) {
  const member = await memberAt(c, stage);
  const request = await requestFor(c, member.memberKey, overrides);
  await c.transfers.connect(c.signers.attesterA).issue(request);
  return { member, request };
}

/** A reason code as the ledger stores it in `outcomeHash`. */
function reasonHash(reasonCode: number): string {
  return ethers.zeroPadValue(ethers.toBeHex(reasonCode), 32);
}

/**
 * A probationary member of A's branch admitted a month ago, so that probation is still running: S1 800 days ago,
 * S3 790 days ago, S7 400 days ago, S15 30 days ago, S17 20 days ago.
 */
async function recentlyAdmittedMember(c: Consortium) {
  const { membership, ids, signers } = c;
  const today = Number(await membership.today());
  const memberKey = randomKey();
  const hashes = [randomKey(), randomKey(), randomKey(), randomKey()];
  await membership.connect(signers.branchClerkA).register(memberKey, ids.branchA, hashes[0], today - 800);
  await membership.connect(signers.branchClerkA).selectActivist(memberKey, hashes[0], hashes[1], today - 790);
  await membership.connect(signers.branchClerkA).selectCandidate(memberKey, hashes[1], hashes[2], today - 400);
  await membership.connect(signers.attesterA).admit(memberKey, hashes[2], hashes[3], today - 30, today - 20);
  return { memberKey, head: hashes[3], today };
}

describe("TransferLedger", () => {
  describe("issue", () => {
    for (const [label, stage] of [
      ["probationary", Stage.Probationary],
      ["full", Stage.Full],
    ] as const) {
      it(`should issue a MEMBERSHIP transfer of a ${label} member from A's branch to B's branch`, async () => {
        const c = await loadFixture(deployConsortium);
        const { memberKey } = await memberAt(c, stage);
        const request = await requestFor(c, memberKey);

        const tx = c.transfers.connect(c.signers.attesterA).issue(request);

        await expect(tx)
          .to.emit(c.transfers, "TransferIssued")
          .withArgs(
            request.transferId,
            memberKey,
            c.ids.branchB,
            c.ids.branchA,
            TransferKind.Membership,
            request.validUntil,
            request.letterHash,
            ZeroHash,
          );
        const t = await c.transfers.transfer(request.transferId);
        expect(t.memberKey).to.equal(memberKey);
        expect(t.fromOrgId).to.equal(c.ids.branchA);
        expect(t.toOrgId).to.equal(c.ids.branchB);
        expect(t.kind).to.equal(TransferKind.Membership);
        expect(t.state).to.equal(TransferState.Issued);
        expect(t.issuedAt).to.equal(await time.latest());
        expect(t.validUntil).to.equal(request.validUntil);
        expect(t.replaces).to.equal(ZeroHash);
        expect(t.letterHash).to.equal(request.letterHash);
        expect(t.destinationHash).to.equal(ZeroHash);
        expect(t.outcomeHash).to.equal(ZeroHash);
        expect(await c.transfers.stateOf(request.transferId)).to.equal(TransferState.Issued);
        expect(await c.transfers.openTransferOf(memberKey)).to.equal(request.transferId);
      });
    }

    for (const [label, stage] of [
      ["an applicant", Stage.Applicant],
      ["an activist", Stage.Activist],
      ["a candidate", Stage.Candidate],
    ] as const) {
      it(`should issue a MATERIALS transfer for ${label}`, async () => {
        const c = await loadFixture(deployConsortium);
        const { memberKey } = await memberAt(c, stage);
        const request = await requestFor(c, memberKey, { kind: TransferKind.Materials });

        await expect(c.transfers.connect(c.signers.attesterA).issue(request))
          .to.emit(c.transfers, "TransferIssued")
          .withArgs(
            request.transferId,
            memberKey,
            c.ids.branchB,
            c.ids.branchA,
            TransferKind.Materials,
            request.validUntil,
            request.letterHash,
            ZeroHash,
          );
        expect(await c.transfers.stateOf(request.transferId)).to.equal(TransferState.Issued);
      });
    }

    for (const [label, stage, kind] of [
      ["a MEMBERSHIP transfer of a candidate", Stage.Candidate, TransferKind.Membership],
      ["a MATERIALS transfer of a full member", Stage.Full, TransferKind.Materials],
      ["a MEMBERSHIP transfer of a cancelled member", Stage.Cancelled, TransferKind.Membership],
      ["a MATERIALS transfer of a cancelled member", Stage.Cancelled, TransferKind.Materials],
    ] as const) {
      it(`should revert ${label}`, async () => {
        const c = await loadFixture(deployConsortium);
        const { memberKey } = await memberAt(c, stage);
        const request = await requestFor(c, memberKey, { kind });

        await expect(c.transfers.connect(c.signers.attesterA).issue(request))
          .to.be.revertedWithCustomError(c.transfers, "TransferLedgerKindMismatch")
          .withArgs(memberKey, kind, stage);
      });
    }

    it("should revert when the caller is not an attester of the member's approving committee", async () => {
      const c = await loadFixture(deployConsortium);
      const { memberKey } = await memberAt(c, Stage.Full);
      const request = await requestFor(c, memberKey);

      for (const caller of [c.signers.branchClerkA, c.signers.attesterB]) {
        await expect(c.transfers.connect(caller).issue(request))
          .to.be.revertedWithCustomError(c.transfers, "TransferLedgerNotSource")
          .withArgs(request.transferId, caller.address);
      }
    });

    it("should revert a zero transfer id", async () => {
      const c = await loadFixture(deployConsortium);
      const { memberKey } = await memberAt(c, Stage.Full);
      const request = await requestFor(c, memberKey, { transferId: ZeroHash });

      await expect(c.transfers.connect(c.signers.attesterA).issue(request)).to.be.revertedWithCustomError(
        c.transfers,
        "TransferLedgerZeroTransferId",
      );
    });

    it("should revert a transfer id already used, even for another member", async () => {
      const c = await loadFixture(deployConsortium);
      const { request } = await issuedFor(c, Stage.Full);
      const other = await memberAt(c, Stage.Full);

      await expect(c.transfers.connect(c.signers.attesterA).issue(await requestFor(c, other.memberKey, { transferId: request.transferId })))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerTransferExists")
        .withArgs(request.transferId);
    });

    it("should revert an unregistered member key", async () => {
      const c = await loadFixture(deployConsortium);
      const unknownKey = randomKey();

      await expect(c.transfers.connect(c.signers.attesterA).issue(await requestFor(c, unknownKey)))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerUnknownMember")
        .withArgs(unknownKey);
    });

    describe("validity", () => {
      // The issuing block's timestamp is pinned so that the 90-day bound is known exactly.
      async function issueAt(c: Consortium, memberKey: string, issueTime: number, validUntil: number) {
        const request = await requestFor(c, memberKey, { validUntil });
        await time.setNextBlockTimestamp(issueTime);
        return { request, tx: c.transfers.connect(c.signers.attesterA).issue(request) };
      }

      for (const [label, offset] of [
        ["in the past", -1],
        ["equal to the issuing block's time", 0],
        ["more than 90 days after issue", MAX_VALIDITY + 1],
      ] as const) {
        it(`should revert a validUntil ${label}`, async () => {
          const c = await loadFixture(deployConsortium);
          const { memberKey } = await memberAt(c, Stage.Full);
          const issueTime = (await time.latest()) + 10;

          const { tx } = await issueAt(c, memberKey, issueTime, issueTime + offset);

          await expect(tx)
            .to.be.revertedWithCustomError(c.transfers, "TransferLedgerInvalidValidity")
            .withArgs(issueTime + offset, issueTime + MAX_VALIDITY);
        });
      }

      it("should accept a validity of exactly 90 days", async () => {
        const c = await loadFixture(deployConsortium);
        const { memberKey } = await memberAt(c, Stage.Full);
        const issueTime = (await time.latest()) + 10;

        const { request, tx } = await issueAt(c, memberKey, issueTime, issueTime + MAX_VALIDITY);

        await expect(tx).to.emit(c.transfers, "TransferIssued");
        expect((await c.transfers.transfer(request.transferId)).validUntil).to.equal(issueTime + MAX_VALIDITY);
        expect(await c.transfers.MAX_VALIDITY()).to.equal(MAX_VALIDITY);
      });
    });

    describe("destination", () => {
      const invalid: [string, (c: Consortium) => Partial<IssueRequest>][] = [
        ["the member's own organization", (c) => ({ toOrgId: c.ids.branchA })],
        ["the consortium itself", (c) => ({ toOrgId: c.ids.consortium })],
        ["an unknown organization", () => ({ toOrgId: 99 })],
        ["a branch whose committee has no approval power", (c) => ({ toOrgId: c.ids.branchC })],
        ["no organization and no destination hash", () => ({ toOrgId: 0 })],
        ["both an organization and a destination hash", (c) => ({ toOrgId: c.ids.branchB, destinationHash: randomKey() })],
      ];
      for (const [label, destination] of invalid) {
        it(`should revert ${label}`, async () => {
          const c = await loadFixture(deployConsortium);
          const { memberKey } = await memberAt(c, Stage.Full);
          const request = await requestFor(c, memberKey, destination(c));

          await expect(c.transfers.connect(c.signers.attesterA).issue(request))
            .to.be.revertedWithCustomError(c.transfers, "TransferLedgerInvalidDestination")
            .withArgs(request.toOrgId, request.destinationHash);
        });
      }
    });

    it("should revert a second open transfer of the same member", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);

      await expect(c.transfers.connect(c.signers.attesterA).issue(await requestFor(c, member.memberKey)))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerOpenTransferExists")
        .withArgs(member.memberKey, request.transferId);
    });

    it("should revert while the consortium is paused and issue again once resumed", async () => {
      const c = await loadFixture(deployConsortium);
      const { memberKey } = await memberAt(c, Stage.Full);
      const request = await requestFor(c, memberKey);
      await c.registry.connect(c.signers.governance).pause();

      await expect(c.transfers.connect(c.signers.attesterA).issue(request)).to.be.revertedWithCustomError(
        c.transfers,
        "TransferLedgerPaused",
      );

      await c.registry.connect(c.signers.governance).unpause();
      await expect(c.transfers.connect(c.signers.attesterA).issue(request)).to.emit(c.transfers, "TransferIssued");
    });

    it("should revert for a member of C until governance gives C's committee approval power", async () => {
      const c = await loadFixture(deployConsortium);
      const memberKey = randomKey();
      await c.membership.connect(c.signers.attesterC).register(memberKey, c.ids.branchC, randomKey(), await c.membership.today());
      const request = await requestFor(c, memberKey, { kind: TransferKind.Materials });

      await expect(c.transfers.connect(c.signers.attesterC).issue(request))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerNoApprovingCommittee")
        .withArgs(c.ids.branchC);

      await c.registry.connect(c.signers.governance).setApprovalPower(c.ids.committeeC, true);
      await expect(c.transfers.connect(c.signers.attesterC).issue(request))
        .to.emit(c.transfers, "TransferIssued")
        .withArgs(
          request.transferId,
          memberKey,
          c.ids.branchB,
          c.ids.branchC,
          TransferKind.Materials,
          request.validUntil,
          request.letterHash,
          ZeroHash,
        );
    });
  });

  describe("accept", () => {
    it("should move the member to the destination and store the receipt", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);
      const receiptHash = randomKey();

      const tx = c.transfers.connect(c.signers.attesterB).accept(request.transferId, member.head(), receiptHash);

      await expect(tx).to.emit(c.transfers, "TransferAccepted").withArgs(request.transferId, member.memberKey, c.ids.branchB, receiptHash);
      await expect(tx).to.emit(c.membership, "MemberMoved").withArgs(member.memberKey, c.ids.branchA, c.ids.branchB, request.transferId);
      expect((await c.membership.member(member.memberKey)).orgId).to.equal(c.ids.branchB);
      expect(await c.transfers.stateOf(request.transferId)).to.equal(TransferState.Accepted);
      expect((await c.transfers.transfer(request.transferId)).outcomeHash).to.equal(receiptHash);
      expect(await c.transfers.openTransferOf(member.memberKey)).to.equal(ZeroHash);
    });

    it("should revert when the caller is not an attester of the destination's approving committee", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);

      for (const caller of [c.signers.attesterA, c.signers.outsider]) {
        await expect(c.transfers.connect(caller).accept(request.transferId, member.head(), randomKey()))
          .to.be.revertedWithCustomError(c.transfers, "TransferLedgerNotDestination")
          .withArgs(request.transferId, caller.address);
      }
    });

    it("should revert when A appended to the member's chain after B verified it", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);
      const verifiedHead = member.head();
      const appended = randomKey();
      await c.membership.connect(c.signers.branchClerkA).append(member.memberKey, verifiedHead, appended, await c.membership.today());

      await expect(c.transfers.connect(c.signers.attesterB).accept(request.transferId, verifiedHead, randomKey()))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerHeadMismatch")
        .withArgs(request.transferId, verifiedHead, appended);
    });

    it("should accept up to the last second of validity", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);
      await time.setNextBlockTimestamp(request.validUntil);

      await expect(c.transfers.connect(c.signers.attesterB).accept(request.transferId, member.head(), randomKey())).to.emit(
        c.transfers,
        "TransferAccepted",
      );
    });

    it("should revert after validUntil, read Expired, and let a new transfer be issued", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);
      await time.increaseTo(request.validUntil + 1);

      await expect(c.transfers.connect(c.signers.attesterB).accept(request.transferId, member.head(), randomKey()))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerExpired")
        .withArgs(request.transferId, request.validUntil);
      expect(await c.transfers.stateOf(request.transferId)).to.equal(TransferState.Expired);
      expect(await c.transfers.openTransferOf(member.memberKey)).to.equal(ZeroHash);

      const next = await requestFor(c, member.memberKey);
      await c.transfers.connect(c.signers.attesterA).issue(next);
      expect(await c.transfers.openTransferOf(member.memberKey)).to.equal(next.transferId);
    });

    it("should revert accepting a transfer twice", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);
      await c.transfers.connect(c.signers.attesterB).accept(request.transferId, member.head(), randomKey());

      await expect(c.transfers.connect(c.signers.attesterB).accept(request.transferId, member.head(), randomKey()))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerWrongState")
        .withArgs(request.transferId, TransferState.Accepted);
    });

    it("should revert accepting a rejected or a cancelled transfer", async () => {
      const c = await loadFixture(deployConsortium);
      const rejected = await issuedFor(c, Stage.Full);
      await c.transfers.connect(c.signers.attesterB).reject(rejected.request.transferId, 1);
      const cancelled = await issuedFor(c, Stage.Full);
      await c.transfers.connect(c.signers.attesterA).cancel(cancelled.request.transferId, 2);

      await expect(c.transfers.connect(c.signers.attesterB).accept(rejected.request.transferId, rejected.member.head(), randomKey()))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerWrongState")
        .withArgs(rejected.request.transferId, TransferState.Rejected);
      await expect(c.transfers.connect(c.signers.attesterB).accept(cancelled.request.transferId, cancelled.member.head(), randomKey()))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerWrongState")
        .withArgs(cancelled.request.transferId, TransferState.Cancelled);
    });

    it("should revert accepting an exported transfer", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full, { toOrgId: 0, destinationHash: randomKey() });

      await expect(c.transfers.connect(c.signers.attesterB).accept(request.transferId, member.head(), randomKey()))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerExportMismatch")
        .withArgs(request.transferId, true);
    });

    it("should revert when the source changed the member's stage so the kind no longer fits", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Candidate, { kind: TransferKind.Materials });
      const admission = randomKey();
      await c.membership
        .connect(c.signers.attesterA)
        .admit(member.memberKey, member.head(), admission, dayOf("2021-09-01"), dayOf("2021-09-20"));

      await expect(c.transfers.connect(c.signers.attesterB).accept(request.transferId, admission, randomKey()))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerKindMismatch")
        .withArgs(member.memberKey, TransferKind.Materials, Stage.Probationary);
    });

    it("should revert an unknown transfer id", async () => {
      const c = await loadFixture(deployConsortium);
      const unknownId = randomKey();

      await expect(c.transfers.connect(c.signers.attesterB).accept(unknownId, ZeroHash, randomKey()))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerUnknownTransfer")
        .withArgs(unknownId);
    });
  });

  describe("after acceptance", () => {
    it("should let B convert the member only once the probation that began at A is over", async () => {
      const c = await loadFixture(deployConsortium);
      const member = await recentlyAdmittedMember(c);
      const request = await requestFor(c, member.memberKey);
      await c.transfers.connect(c.signers.attesterA).issue(request);
      await c.transfers.connect(c.signers.attesterB).accept(request.transferId, member.head, randomKey());
      const { probationEndDay } = await c.membership.member(member.memberKey);

      await expect(c.membership.connect(c.signers.attesterB).convert(member.memberKey, member.head, randomKey(), member.today))
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerProbationNotOver")
        .withArgs(member.today, probationEndDay);

      await time.increaseTo(Number(probationEndDay) * DAY);
      await expect(c.membership.connect(c.signers.attesterB).convert(member.memberKey, member.head, randomKey(), probationEndDay))
        .to.emit(c.membership, "StageChanged")
        .withArgs(member.memberKey, Stage.Full, probationEndDay);
    });

    it("should stop A's attesters from writing for the member", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);
      await c.transfers.connect(c.signers.attesterB).accept(request.transferId, member.head(), randomKey());
      const today = await c.membership.today();

      for (const caller of [c.signers.attesterA, c.signers.branchClerkA]) {
        await expect(c.membership.connect(caller).append(member.memberKey, member.head(), randomKey(), today))
          .to.be.revertedWithCustomError(c.membership, "MembershipLedgerNotAttester")
          .withArgs(c.ids.branchB, caller.address);
      }
      await expect(c.membership.connect(c.signers.attesterB).append(member.memberKey, member.head(), randomKey(), today)).to.emit(
        c.membership,
        "RecordAppended",
      );
    });
  });

  describe("reject", () => {
    it("should revert reason code 0, which marks a lost-letter reissue", async () => {
      const c = await loadFixture(deployConsortium);
      const { request } = await issuedFor(c, Stage.Full);

      await expect(c.transfers.connect(c.signers.attesterB).reject(request.transferId, 0))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerReservedReasonCode")
        .withArgs(request.transferId);
      await expect(c.transfers.connect(c.signers.attesterA).cancel(request.transferId, 0))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerReservedReasonCode")
        .withArgs(request.transferId);
    });

    it("should record the reason code and leave the member at A", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);

      await expect(c.transfers.connect(c.signers.attesterB).reject(request.transferId, 42))
        .to.emit(c.transfers, "TransferRejected")
        .withArgs(request.transferId, member.memberKey, c.ids.branchB, 42);
      expect(await c.transfers.stateOf(request.transferId)).to.equal(TransferState.Rejected);
      expect((await c.transfers.transfer(request.transferId)).outcomeHash).to.equal(reasonHash(42));
      expect((await c.membership.member(member.memberKey)).orgId).to.equal(c.ids.branchA);
      expect(await c.transfers.openTransferOf(member.memberKey)).to.equal(ZeroHash);
    });

    it("should revert when the caller is not of the destination", async () => {
      const c = await loadFixture(deployConsortium);
      const { request } = await issuedFor(c, Stage.Full);

      await expect(c.transfers.connect(c.signers.attesterA).reject(request.transferId, 1))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerNotDestination")
        .withArgs(request.transferId, c.signers.attesterA.address);
    });
  });

  describe("cancel", () => {
    it("should cancel with a reason code by the source", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);

      await expect(c.transfers.connect(c.signers.attesterA).cancel(request.transferId, 7))
        .to.emit(c.transfers, "TransferCancelled")
        .withArgs(request.transferId, member.memberKey, 7);
      expect(await c.transfers.stateOf(request.transferId)).to.equal(TransferState.Cancelled);
      expect((await c.transfers.transfer(request.transferId)).outcomeHash).to.equal(reasonHash(7));
      expect(await c.transfers.openTransferOf(member.memberKey)).to.equal(ZeroHash);
    });

    it("should revert when the caller is the destination", async () => {
      const c = await loadFixture(deployConsortium);
      const { request } = await issuedFor(c, Stage.Full);

      await expect(c.transfers.connect(c.signers.attesterB).cancel(request.transferId, 7))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerNotSource")
        .withArgs(request.transferId, c.signers.attesterB.address);
    });

    it("should revert cancelling an accepted transfer", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);
      await c.transfers.connect(c.signers.attesterB).accept(request.transferId, member.head(), randomKey());

      // The source stays the organization named in the letter (A's branch), so A's committee still passes the caller check.
      await expect(c.transfers.connect(c.signers.attesterA).cancel(request.transferId, 7))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerWrongState")
        .withArgs(request.transferId, TransferState.Accepted);
    });
  });

  describe("reissue", () => {
    const closings: [string, (c: Consortium, transferId: string, validUntil: number) => Promise<unknown>][] = [
      ["rejection", (c, id) => c.transfers.connect(c.signers.attesterB).reject(id, 1)],
      ["cancellation", (c, id) => c.transfers.connect(c.signers.attesterA).cancel(id, 2)],
      ["expiry", (_c, _id, validUntil) => time.increaseTo(validUntil + 1)],
    ];
    for (const [label, close] of closings) {
      it(`should issue a new transfer naming the one it replaces after ${label}`, async () => {
        const c = await loadFixture(deployConsortium);
        const { member, request } = await issuedFor(c, Stage.Full);
        await close(c, request.transferId, request.validUntil);
        const next = await requestFor(c, member.memberKey);

        await expect(c.transfers.connect(c.signers.attesterA).reissue(request.transferId, next))
          .to.emit(c.transfers, "TransferIssued")
          .withArgs(
            next.transferId,
            member.memberKey,
            c.ids.branchB,
            c.ids.branchA,
            TransferKind.Membership,
            next.validUntil,
            next.letterHash,
            request.transferId,
          );
        expect((await c.transfers.transfer(next.transferId)).replaces).to.equal(request.transferId);
        expect(await c.transfers.openTransferOf(member.memberKey)).to.equal(next.transferId);
      });
    }

    it("should cancel a still-open transfer whose letter was lost in the same transaction", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);
      const next = await requestFor(c, member.memberKey);

      const tx = c.transfers.connect(c.signers.attesterA).reissue(request.transferId, next);

      await expect(tx).to.emit(c.transfers, "TransferCancelled").withArgs(request.transferId, member.memberKey, 0);
      await expect(tx)
        .to.emit(c.transfers, "TransferIssued")
        .withArgs(
          next.transferId,
          member.memberKey,
          c.ids.branchB,
          c.ids.branchA,
          TransferKind.Membership,
          next.validUntil,
          next.letterHash,
          request.transferId,
        );
      expect(await c.transfers.stateOf(request.transferId)).to.equal(TransferState.Cancelled);
      expect((await c.transfers.transfer(request.transferId)).outcomeHash).to.equal(reasonHash(0));
      expect(await c.transfers.stateOf(next.transferId)).to.equal(TransferState.Issued);
      expect(await c.transfers.openTransferOf(member.memberKey)).to.equal(next.transferId);
    });

    it("should revert reissuing an accepted transfer", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);
      await c.transfers.connect(c.signers.attesterB).accept(request.transferId, member.head(), randomKey());

      await expect(c.transfers.connect(c.signers.attesterB).reissue(request.transferId, await requestFor(c, member.memberKey)))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerWrongState")
        .withArgs(request.transferId, TransferState.Accepted);
    });

    it("should revert a reissue for another member", async () => {
      const c = await loadFixture(deployConsortium);
      const { request } = await issuedFor(c, Stage.Full);
      const other = await memberAt(c, Stage.Full);

      await expect(c.transfers.connect(c.signers.attesterA).reissue(request.transferId, await requestFor(c, other.memberKey)))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerReissueMemberMismatch")
        .withArgs(request.transferId, other.memberKey);
    });

    it("should revert reissuing the same transfer twice", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full);
      await c.transfers.connect(c.signers.attesterB).reject(request.transferId, 1);
      const first = await requestFor(c, member.memberKey);
      await c.transfers.connect(c.signers.attesterA).reissue(request.transferId, first);
      await c.transfers.connect(c.signers.attesterA).cancel(first.transferId, 2);

      await expect(c.transfers.connect(c.signers.attesterA).reissue(request.transferId, await requestFor(c, member.memberKey)))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerAlreadyReissued")
        .withArgs(request.transferId, first.transferId);
    });

    it("should revert a reissue by the member's new organization of a transfer issued by the old one", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request: rejected } = await issuedFor(c, Stage.Full);
      await c.transfers.connect(c.signers.attesterB).reject(rejected.transferId, 1);
      const second = await requestFor(c, member.memberKey);
      await c.transfers.connect(c.signers.attesterA).issue(second);
      await c.transfers.connect(c.signers.attesterB).accept(second.transferId, member.head(), randomKey());
      const fromB = await requestFor(c, member.memberKey, { toOrgId: c.ids.branchA });

      await expect(c.transfers.connect(c.signers.attesterB).reissue(rejected.transferId, fromB))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerReissueSourceMismatch")
        .withArgs(rejected.transferId, c.ids.branchA, c.ids.branchB);
    });

    it("should revert reissuing an unknown transfer", async () => {
      const c = await loadFixture(deployConsortium);
      const { memberKey } = await memberAt(c, Stage.Full);
      const unknownId = randomKey();

      await expect(c.transfers.connect(c.signers.attesterA).reissue(unknownId, await requestFor(c, memberKey)))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerUnknownTransfer")
        .withArgs(unknownId);
    });
  });

  describe("exported transfer", () => {
    it("should let the source close it with the outside receipt, after which the member has departed", async () => {
      const c = await loadFixture(deployConsortium);
      const destinationHash = randomKey();
      const { member, request } = await issuedFor(c, Stage.Full, { toOrgId: 0, destinationHash });
      expect((await c.transfers.transfer(request.transferId)).destinationHash).to.equal(destinationHash);
      const receiptHash = randomKey();

      const tx = c.transfers.connect(c.signers.attesterA).recordExportReceipt(request.transferId, receiptHash);

      await expect(tx).to.emit(c.transfers, "TransferAccepted").withArgs(request.transferId, member.memberKey, 0, receiptHash);
      await expect(tx).to.emit(c.membership, "MemberMoved").withArgs(member.memberKey, c.ids.branchA, 0, request.transferId);
      expect((await c.membership.member(member.memberKey)).orgId).to.equal(0);
      expect(await c.transfers.stateOf(request.transferId)).to.equal(TransferState.Accepted);
      expect((await c.transfers.transfer(request.transferId)).outcomeHash).to.equal(receiptHash);

      await expect(
        c.membership.connect(c.signers.attesterA).append(member.memberKey, member.head(), randomKey(), await c.membership.today()),
      )
        .to.be.revertedWithCustomError(c.membership, "MembershipLedgerMemberDeparted")
        .withArgs(member.memberKey);
      await expect(c.transfers.connect(c.signers.attesterA).issue(await requestFor(c, member.memberKey)))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerMemberDeparted")
        .withArgs(member.memberKey);
    });

    it("should revert recording an export receipt for an internal transfer", async () => {
      const c = await loadFixture(deployConsortium);
      const { request } = await issuedFor(c, Stage.Full);

      await expect(c.transfers.connect(c.signers.attesterA).recordExportReceipt(request.transferId, randomKey()))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerExportMismatch")
        .withArgs(request.transferId, false);
    });

    it("should revert rejecting an exported transfer", async () => {
      const c = await loadFixture(deployConsortium);
      const { request } = await issuedFor(c, Stage.Full, { toOrgId: 0, destinationHash: randomKey() });

      await expect(c.transfers.connect(c.signers.attesterB).reject(request.transferId, 1))
        .to.be.revertedWithCustomError(c.transfers, "TransferLedgerExportMismatch")
        .withArgs(request.transferId, true);
    });
  });

  describe("within one university", () => {
    it("should move a member from A's branch to A's general branch, accepted by A's own committee", async () => {
      const c = await loadFixture(deployConsortium);
      const { member, request } = await issuedFor(c, Stage.Full, { toOrgId: c.ids.generalBranchA });

      await expect(c.transfers.connect(c.signers.attesterA).accept(request.transferId, member.head(), randomKey()))
        .to.emit(c.membership, "MemberMoved")
        .withArgs(member.memberKey, c.ids.branchA, c.ids.generalBranchA, request.transferId);
      expect((await c.membership.member(member.memberKey)).orgId).to.equal(c.ids.generalBranchA);
    });
  });
});
