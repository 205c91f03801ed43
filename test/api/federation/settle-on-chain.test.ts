// A transfer settles on the chain first: the destination imports the member only once the chain's acceptance is final,
// and a refusal by the chain leaves nothing imported and goes back to the clerk. The event indexer applies a transfer
// event whichever key of the institution sent it.
import { expect } from "chai";
import { ethers } from "hardhat";
import { ORG_IDS, rejectionOf } from "../../../api/src/data-access/testing";
import { chainReasonCode } from "../../../api/src/domain/chain-writes";
import { AppError } from "../../../api/src/domain/errors";
import { reviewTransfer } from "../../../api/src/domain/federation";
import { recordStep } from "../../../api/src/domain/membership/records";
import { acceptTransfer, getTransfer, issueTransfer, rejectTransfer } from "../../../api/src/domain/transfers";
import { addMonths } from "../../../api/src/lib/calendar";
import { JOURNEY } from "../../../api/src/seed/journey";
import { startFederation, type Federation, type Institute } from "../../helpers/federation";
import { Role } from "../../helpers/fixture";

/** A probationary member at A with a transfer to branch B issued and on chain, its file fetched and reviewed by B. */
async function reviewedByB(federation: Federation) {
  const { a, b } = federation;
  const memberId = await federation.walkAtA("S18");
  const transfer = await issueTransfer(a.institution, a.actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 });
  await federation.settle();
  const review = await reviewTransfer(b.institution, b.actors.approver, transfer.id);
  expect(review.verdict, JSON.stringify(review.steps)).to.equal("ACCEPTABLE");
  return { memberId, transfer, review };
}

/** What B's live tables hold: members, records, findings, evidence and imported log positions. */
async function heldAtB(b: Institute) {
  const count = async (table: string) => Number((await b.database.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);
  return {
    members: await count("members"),
    records: await count("records"),
    findings: await count("findings"),
    evidence: await count("evidence"),
    recordImports: await count("record_imports"),
  };
}

const NOTHING = { members: 0, records: 0, findings: 0, evidence: 0, recordImports: 0 };

/** A's next step of the journey (S19, dated as walk.ts dates the rest), recorded and sent to the chain by A. */
async function appendAtA(federation: Federation, memberId: string) {
  const { a } = federation;
  const next = JOURNEY.find((record) => record.step === "S19")!;
  await recordStep(a.institution, a.actors.clerk, memberId, {
    step: next.step,
    effectiveDate: addMonths(next.effectiveDate, 48),
    fields: next.fields,
    evidence: [],
  });
  await a.worker.runOnce();
}

describe("federation: a transfer settles on the chain first", function () {
  let federation: Federation;
  afterEach(async function () {
    await federation?.close();
  });

  it("should import nothing when the chain refuses the acceptance because the source wrote a step after the review, show why, and accept after a second review", async function () {
    federation = await startFederation();
    const { a, b } = federation;
    const { memberId, transfer, review } = await reviewedByB(federation);

    const accepting = await acceptTransfer(b.institution, b.actors.approver, transfer.id);
    expect(accepting).to.include({ state: "ACCEPTING", memberId: null, acceptanceRefusal: null });
    expect(await heldAtB(b)).to.deep.equal(NOTHING);
    const twice = await rejectionOf(acceptTransfer(b.institution, b.actors.approver, transfer.id));
    expect(twice).to.be.instanceOf(AppError).and.to.include({ rule: "transfer.accepting" });
    // A records the next step after B's review; it reaches the chain before B's acceptance does.
    await appendAtA(federation, memberId);
    await federation.settle();

    const refused = await getTransfer(b.institution, b.actors.approver, transfer.id);
    expect(refused).to.include({ state: "ISSUED", memberId: null, receiptHash: null });
    expect(refused.acceptanceRefusal).to.include({ name: "TransferLedgerHeadMismatch" });
    expect(refused.acceptanceRefusal!.args).to.deep.equal([
      transfer.id,
      review.member!.head,
      (await a.database.repositories.records.latestOfMember(memberId))!.recordHash,
    ]);
    expect(await heldAtB(b)).to.deep.equal(NOTHING);
    expect((await getTransfer(a.institution, a.actors.approver, transfer.id)).state).to.equal("ISSUED");
    expect((await a.database.repositories.members.get(memberId))!.status).to.equal("ACTIVE");

    // The file is fetched again; the second review sees A's new step, and its acceptance goes through.
    await federation.settle();
    const second = await reviewTransfer(b.institution, b.actors.approver, transfer.id);
    expect(second.verdict, JSON.stringify(second.steps)).to.equal("ACCEPTABLE");
    expect(second.member!.recordCount).to.equal(review.member!.recordCount + 1);
    expect((await acceptTransfer(b.institution, b.actors.approver, transfer.id)).state).to.equal("ACCEPTING");
    expect(await heldAtB(b)).to.deep.equal(NOTHING);
    await federation.settle();

    const accepted = await getTransfer(b.institution, b.actors.approver, transfer.id);
    expect(accepted).to.include({ state: "ACCEPTED", acceptanceRefusal: null });
    const hashesAtA = (await a.database.repositories.records.listByMember(memberId)).map((record) => record.recordHash);
    expect(hashesAtA).to.have.length(review.member!.recordCount + 1);
    const hashesAtB = (await b.database.repositories.records.listByMember(accepted.memberId!)).map((record) => record.recordHash);
    expect(hashesAtB).to.deep.equal(hashesAtA);
    expect(await heldAtB(b)).to.include({ members: 1, records: hashesAtA.length, recordImports: hashesAtA.length });
    expect((await b.database.repositories.members.get(accepted.memberId!))!).to.include({
      orgId: ORG_IDS.branchB,
      stage: "PROBATIONARY",
      status: "ACTIVE",
    });
    expect((await getTransfer(a.institution, a.actors.approver, transfer.id)).state).to.equal("ACCEPTED");
    expect((await a.database.repositories.members.get(memberId))!.status).to.equal("TRANSFERRED_OUT");
    const [reportA, reportB] = [await a.audit(), await b.audit()];
    expect(reportA.findings).to.deep.equal([]);
    expect(reportB.findings).to.deep.equal([]);
  });

  it("should let the clerk reject a transfer whose acceptance the chain refused", async function () {
    federation = await startFederation();
    const { a, b } = federation;
    const { memberId, transfer } = await reviewedByB(federation);
    await acceptTransfer(b.institution, b.actors.approver, transfer.id);
    await appendAtA(federation, memberId);
    await federation.settle();
    expect((await getTransfer(b.institution, b.actors.approver, transfer.id)).acceptanceRefusal).to.include({
      name: "TransferLedgerHeadMismatch",
    });

    await rejectTransfer(b.institution, b.actors.approver, transfer.id, "FILE_INCOMPLETE");
    await federation.settle();
    const sent = await b.database.repositories.outbox.listByTransfer(transfer.id);
    expect(sent.map((item) => [item.call.method, item.state])).to.deep.equal([
      ["accept", "FAILED"],
      ["reject", "FINAL"],
    ]);
    expect(await getTransfer(a.institution, a.actors.approver, transfer.id)).to.include({
      state: "REJECTED",
      reasonCode: "FILE_INCOMPLETE",
    });
    expect((await a.database.repositories.members.get(memberId))!.status).to.equal("ACTIVE");
    expect(await heldAtB(b)).to.deep.equal(NOTHING);
  });
});

describe("federation: the event indexer applies a transfer event from any key", function () {
  let federation: Federation;
  afterEach(async function () {
    await federation?.close();
  });

  it("should apply a cancellation sent on chain by another key of the source, at the source and at the destination", async function () {
    federation = await startFederation();
    const { a, b, consortium } = federation;
    const memberId = await federation.walkAtA("S18");
    const transfer = await issueTransfer(a.institution, a.actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 });
    await federation.settle();
    expect((await getTransfer(b.institution, b.actors.approver, transfer.id)).state).to.equal("ISSUED");

    // A second attester of committee A (another office's key, not A's instance) cancels the letter on chain.
    const otherKey = (await ethers.getSigners())[7];
    await (
      await consortium.registry.connect(consortium.signers.adminA).grantRole(ORG_IDS.committeeA, otherKey.address, Role.Attester)
    ).wait();
    await (await consortium.transfers.connect(otherKey).cancel(transfer.id, chainReasonCode("ISSUED_IN_ERROR"))).wait();
    await federation.settle();

    expect(await getTransfer(a.institution, a.actors.approver, transfer.id)).to.include({
      state: "CANCELLED",
      reasonCode: "ISSUED_IN_ERROR",
    });
    expect(await getTransfer(b.institution, b.actors.approver, transfer.id)).to.include({
      state: "CANCELLED",
      reasonCode: "ISSUED_IN_ERROR",
    });
    const logged = await a.database.dataSource.query("SELECT action FROM audit_log WHERE target_id = $1 ORDER BY id", [transfer.id]);
    expect(logged.map((entry: { action: string }) => entry.action)).to.include("transfer.cancelledBySource");
    // The member's one open transfer is closed: A may issue a new letter.
    const next = await issueTransfer(a.institution, a.actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 });
    expect(next.state).to.equal("ISSUED");
  });
});
