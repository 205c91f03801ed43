// Issue 14: the review of an incoming transfer is the verifier itself, with the instance's own contracts and its
// confirmations; and the source's proof of a member who left stays VALID up to the departure, however many records
// the destination appends.
import { expect } from "chai";
import { network } from "hardhat";
import { ORG_IDS } from "../../../api/src/data-access/testing";
import { reviewTransfer } from "../../../api/src/domain/federation";
import { memberProofOf } from "../../../api/src/domain/proofs";
import { recordStep } from "../../../api/src/domain/membership/records";
import { acceptTransfer, issueTransfer } from "../../../api/src/domain/transfers";
import { verifyBundle } from "../../../api/src/domain/verification/verify-bundle";
import { addMonths } from "../../../api/src/lib/calendar";
import { JOURNEY } from "../../../api/src/seed/journey";
import { startFederation, type Federation } from "../../helpers/federation";

describe("federation: the review verifies as any verifier would", function () {
  this.timeout(300_000);
  let federation: Federation;
  afterEach(async () => federation?.close());

  async function issuedToB() {
    const memberId = await federation.walkAtA("S18");
    const transfer = await issueTransfer(federation.a.institution, federation.a.actors.approver, {
      memberId,
      toOrgId: ORG_IDS.branchB,
      validDays: 30,
    });
    await federation.settle();
    return { memberId, transfer };
  }

  it("should refuse a file naming other contracts, and wait for the configured confirmations", async function () {
    federation = await startFederation();
    const { b } = federation;
    const { transfer } = await issuedToB();
    const proofs = b.institution.proofs!;
    const own = proofs.chain;
    const checkpointStep = (review: Awaited<ReturnType<typeof reviewTransfer>>) =>
      review.steps.find((step) => step.check === "checkpoints")!;

    proofs.chain = { ...own, checkpointLog: federation.consortium.signers.outsider.address };
    const foreign = await reviewTransfer(b.institution, b.actors.approver, transfer.id);
    proofs.chain = own;
    proofs.confirmations = 50;
    const early = await reviewTransfer(b.institution, b.actors.approver, transfer.id);
    await network.provider.send("hardhat_mine", ["0x40"]);
    const later = await reviewTransfer(b.institution, b.actors.approver, transfer.id);

    expect(foreign.verdict).to.equal("NOT_ACCEPTABLE");
    expect(foreign.steps.find((step) => step.check === "file")).to.include({ status: "failed", reason: "format.otherContracts" });
    expect(early.verdict).to.equal("NOT_ACCEPTABLE");
    expect(checkpointStep(early)).to.include({ status: "failed", reason: "checkpoint.unconfirmed" });
    expect(checkpointStep(early).message).to.include("50 are required");
    expect(later.verdict).to.equal("ACCEPTABLE");
    expect(checkpointStep(later)).to.include({ status: "passed", reason: "checkpoints.verified" });
  });

  it("should prove the source's file of a departed member up to the departure after the destination appends records", async function () {
    federation = await startFederation();
    const { a, b } = federation;
    const { memberId, transfer } = await issuedToB();
    const { memberId: importedId } = await acceptTransfer(b.institution, b.actors.approver, transfer.id);
    await federation.settle();
    const next = JOURNEY.find((record) => record.step === "S19")!;
    await recordStep(b.institution, b.actors.clerk, importedId!, {
      step: next.step,
      effectiveDate: addMonths(next.effectiveDate, 48),
      fields: next.fields,
      evidence: [],
    });
    await federation.settle();

    const departed = (await a.database.repositories.members.get(memberId))!;
    const bundle = await memberProofOf(a.institution, departed, true);
    const verdict = await verifyBundle(bundle, a.institution.proofs!.reader);

    const atA = await a.database.repositories.records.listByMember(memberId);
    expect(bundle.records.map((record) => record.recordHash)).to.deep.equal(atA.map((record) => record.recordHash));
    expect(bundle.head.recordCount).to.equal(atA.length + 1);
    expect(verdict.verdict, JSON.stringify(verdict.steps.filter((step) => step.status !== "passed"))).to.equal("VALID");
    const head = verdict.steps.find((step) => step.reason === "memberChain.upToDeparture")!;
    expect(head.message)
      .to.include(`organization ${ORG_IDS.branchA}`)
      .and.include(`organization ${ORG_IDS.branchB}`)
      .and.include("1 record(s) since");
  });
});
