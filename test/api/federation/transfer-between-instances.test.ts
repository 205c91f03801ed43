import { expect } from "chai";
import { ORG_IDS, rejectionOf } from "../../../api/src/data-access/testing";
import { AppError } from "../../../api/src/domain/errors";
import { sealEvidence, uploadEvidence } from "../../../api/src/domain/membership/evidence";
import { exportMemberPackage, importMemberPackage, reviewTransfer } from "../../../api/src/domain/federation";
import { buildMemberFile } from "../../../api/src/domain/federation/member-file";
import { listRecords, recordStep } from "../../../api/src/domain/membership/records";
import { addMonths } from "../../../api/src/lib/calendar";
import { JOURNEY } from "../../../api/src/seed/journey";
import { acceptTransfer, getTransfer, issueTransfer, rejectTransfer } from "../../../api/src/domain/transfers";
import { newRequestNonce, signFileRequest } from "../../../api/src/lib/file-request";
import { startFederation, SIGNERS, type Federation } from "../../helpers/federation";
import { asInsider, bodyOf, deleteAsInsider, sealed } from "../../helpers/insider";

const DAY_MS = 86_400_000;

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await rejectionOf(promise);
  expect(error).to.be.instanceOf(AppError);
  return error as AppError;
}

/** A probationary member at A with a transfer to branch B issued and on chain, seen by B's indexer. */
async function issuedToB(federation: Federation, validDays = 30) {
  const { a } = federation;
  const memberId = await federation.walkAtA("S18");
  const transfer = await issueTransfer(a.institution, a.actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays });
  await federation.settle();
  return { memberId, transfer };
}

async function importedMembersAtB(federation: Federation): Promise<number> {
  const page = await federation.b.database.repositories.members.listByOrgSubtree(ORG_IDS.committeeB);
  return page.items.length;
}

describe("federation: a transfer between two institutions", function () {
  let federation: Federation;
  afterEach(async function () {
    await federation?.close();
  });

  describe("the whole handshake", function () {
    it("should let B verify and accept the member's file, and mark the member transferred out at A", async function () {
      federation = await startFederation();
      const { a, b } = federation;
      const { memberId, transfer } = await issuedToB(federation);

      const incoming = await getTransfer(b.institution, b.actors.approver, transfer.id);
      expect(incoming).to.include({ issuedHere: false, state: "ISSUED", memberKey: transfer.memberKey, memberId: null });
      const review = await reviewTransfer(b.institution, b.actors.approver, transfer.id);
      expect(review.verdict).to.equal("ACCEPTABLE");
      expect(review.steps.map((result) => result.check)).to.have.members([
        "letter",
        "transfer",
        "file",
        "checkpoints",
        "signers",
        "rules",
        "evidence",
      ]);
      expect(review.file).to.include({ state: "RECEIVED", receivedVia: "FETCH" });

      await acceptTransfer(b.institution, b.actors.approver, transfer.id);
      // The member is imported once the chain's acceptance is final.
      await federation.settle();
      const accepted = await getTransfer(b.institution, b.actors.approver, transfer.id);
      expect(accepted.state).to.equal("ACCEPTED");
      const imported = (await b.database.repositories.members.get(accepted.memberId!))!;
      expect(imported).to.include({ memberKey: transfer.memberKey, orgId: ORG_IDS.branchB, stage: "PROBATIONARY", status: "ACTIVE" });
      const hashesAtA = (await a.database.repositories.records.listByMember(memberId)).map((record) => record.recordHash);
      const hashesAtB = (await b.database.repositories.records.listByMember(imported.id)).map((record) => record.recordHash);
      expect(hashesAtB).to.deep.equal(hashesAtA);

      await federation.settle();
      expect((await getTransfer(a.institution, a.actors.approver, transfer.id)).state).to.equal("ACCEPTED");
      expect((await a.database.repositories.members.get(memberId))!.status).to.equal("TRANSFERRED_OUT");
      const readOnly = await refusal(
        recordStep(a.institution, a.actors.clerk, memberId, { step: "S19", effectiveDate: "2025-07-01", fields: {}, evidence: [] }),
      );
      expect(readOnly.rule).to.equal("member.transferredOut");

      const [reportA, reportB] = [await a.audit(), await b.audit()];
      expect(reportA.findings).to.deep.equal([]);
      expect(reportB.findings).to.deep.equal([]);
    });

    it("should let B convert the probationary member on the dates A's records set, never earlier", async function () {
      federation = await startFederation();
      const { b } = federation;
      const { transfer } = await issuedToB(federation);
      await acceptTransfer(b.institution, b.actors.approver, transfer.id);
      await federation.settle();
      const { memberId } = await getTransfer(b.institution, b.actors.approver, transfer.id);
      const later = JOURNEY.slice(JOURNEY.findIndex((record) => record.step === "S19")).map((record) => ({
        ...record,
        effectiveDate: addMonths(record.effectiveDate, 48),
        fields: record.fields.approvingOrgId === undefined ? record.fields : { approvingOrgId: ORG_IDS.committeeB },
      }));
      const record = (step: (typeof later)[number], effectiveDate = step.effectiveDate) => {
        const actor = b.institution.ruleSet.step(step.step)!.recordedBy === "APPROVER" ? b.actors.approver : b.actors.clerk;
        return recordStep(b.institution, actor, memberId!, { step: step.step, effectiveDate, fields: step.fields, evidence: [] });
      };
      for (const step of later.filter((candidate) => candidate.step < "S24" || candidate.step.length < 3)) await record(step);
      // Probation began at A's branch meeting (S15, 2025-06-20): B cannot approve the conversion before 2026-06-20.
      const early = await refusal(
        record(
          later.find((step) => step.step === "S24")!,
          "2026-06-19",
        ),
      );
      expect(early.rule).to.equal("S24.notBeforeProbationEnd");
      await record(later.find((step) => step.step === "S24")!);
      const converted = await record(later.find((step) => step.step === "S25")!);
      expect(converted.stage).to.equal("FULL");
      await federation.settle();
      const anchoring = (await listRecords(b.institution, b.actors.clerk, memberId!)).map((view) => view.anchoring.state);
      expect(anchoring.every((state) => state === "FINAL")).to.equal(true);
      expect((await b.audit()).findings).to.deep.equal([]);
    });

    it("should record B's rejection on chain and keep the member with A", async function () {
      federation = await startFederation();
      const { a, b } = federation;
      const { memberId, transfer } = await issuedToB(federation);
      await rejectTransfer(b.institution, b.actors.approver, transfer.id, "NOT_OUR_MEMBER");
      await federation.settle();
      const sent = await b.database.repositories.outbox.listByTransfer(transfer.id);
      expect(sent.map((item) => [item.call.method, item.state, item.error])).to.deep.equal([["reject", "FINAL", null]]);
      expect(await getTransfer(a.institution, a.actors.approver, transfer.id)).to.include({
        state: "REJECTED",
        reasonCode: "NOT_OUR_MEMBER",
      });
      expect((await a.database.repositories.members.get(memberId))!.status).to.equal("ACTIVE");
      expect(await importedMembersAtB(federation)).to.equal(0);
    });
  });

  describe("refusals", function () {
    it("should refuse a file in which A changed a record after issuing, and import nothing", async function () {
      federation = await startFederation();
      const { a, b } = federation;
      const memberId = await federation.walkAtA("S18");
      const [, second] = await a.database.repositories.records.listByMember(memberId);
      const transfer = await issueTransfer(a.institution, a.actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 });
      // The insider rewrites the talk's date, body included and sealed again: only its hash no longer matches.
      const insider = a as never;
      const body = { ...(await bodyOf(insider, second.id)), effectiveDate: "2023-01-01" };
      await asInsider(insider, (sql) =>
        sql("UPDATE records SET effective_date = $2, body = $3 WHERE id = $1", [
          second.id,
          body.effectiveDate,
          sealed(insider, second.recordHash, body),
        ]),
      );
      await federation.settle();
      const review = await reviewTransfer(b.institution, b.actors.approver, transfer.id);
      expect(review.verdict).to.equal("NOT_ACCEPTABLE");
      expect(review.steps.find((result) => result.check === "file")!.status).to.equal("failed");
      const refused = await refusal(acceptTransfer(b.institution, b.actors.approver, transfer.id));
      expect(refused.rule).to.equal("transfer.reviewFailed");
      expect(await importedMembersAtB(federation)).to.equal(0);
      expect((await getTransfer(b.institution, b.actors.approver, transfer.id)).state).to.equal("ISSUED");
    });

    it("should re-hash evidence before serving it: bytes an insider swapped at A are left out, and B's review names the file missing", async function () {
      federation = await startFederation();
      const { a, b } = federation;
      const memberId = await federation.walkAtA("S18");
      const original = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.from("预备党员入党宣誓记录")]);
      const { sha256 } = await uploadEvidence(a.institution, a.actors.clerk, "application/pdf", original);
      const assignment = JOURNEY.find((record) => record.step === "S19")!;
      const latest = (await a.database.repositories.records.listByMember(memberId)).at(-1)!.effectiveDate;
      await recordStep(a.institution, a.actors.clerk, memberId, {
        step: "S19",
        effectiveDate: latest,
        fields: assignment.fields,
        evidence: [sha256],
      });
      const transfer = await issueTransfer(a.institution, a.actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 });
      // The insider (an operator holding A's key) seals other bytes under the same SHA-256: they open, but hash otherwise.
      const swapped = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.from("伪造的宣誓记录")]);
      await asInsider(a as never, (sql) =>
        sql("UPDATE evidence SET content = $2 WHERE sha256 = $1", [sha256, sealEvidence(a.institution, sha256, swapped)]),
      );
      await federation.settle();

      const member = (await a.database.repositories.members.get(memberId))!;
      const served = await buildMemberFile(a.institution, (await a.database.repositories.transfers.get(transfer.id))!, member);
      expect(served.evidence.map((item) => item.sha256)).to.not.include(sha256);
      expect(JSON.stringify(served)).to.not.contain(swapped.toString("base64"));
      const review = await reviewTransfer(b.institution, b.actors.approver, transfer.id);
      expect(review.verdict).to.equal("NOT_ACCEPTABLE");
      expect(review.steps.find((result) => result.check === "evidence")).to.include({ status: "failed", reason: "evidence.missing" });
      expect((await refusal(acceptTransfer(b.institution, b.actors.approver, transfer.id))).rule).to.equal("transfer.reviewFailed");
    });

    it("should refuse a file from which A dropped a record, naming the incomplete chain", async function () {
      federation = await startFederation();
      const { a, b } = federation;
      const memberId = await federation.walkAtA("S18");
      const records = await a.database.repositories.records.listByMember(memberId);
      const transfer = await issueTransfer(a.institution, a.actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 });
      await federation.settle();
      await deleteAsInsider(a as never, records.at(-1)!.id);
      await b.database.dataSource.query(
        "UPDATE incoming_files SET state = 'WAITING', content = NULL, received_via = NULL, received_at = NULL WHERE transfer_id = $1",
        [transfer.id],
      );
      await federation.settle();
      const review = await reviewTransfer(b.institution, b.actors.approver, transfer.id);
      const file = review.steps.find((result) => result.check === "file")!;
      expect(file).to.include({ status: "failed", reason: "file.incomplete" });
      expect(file.message).to.contain(`holds ${records.length - 1}`);
      const refused = await refusal(acceptTransfer(b.institution, b.actors.approver, transfer.id));
      expect(refused.rule).to.equal("transfer.reviewFailed");
      expect(refused.message).to.contain("file.incomplete");
      expect(await importedMembersAtB(federation)).to.equal(0);
    });

    it("should refuse a file request signed by a key that is not the destination committee's attester", async function () {
      federation = await startFederation({ signerOfB: SIGNERS.outsider });
      const { b } = federation;
      const { transfer } = await issueTransfer(federation.a.institution, federation.a.actors.approver, {
        memberId: await federation.walkAtA("S18"),
        toOrgId: ORG_IDS.branchB,
        validDays: 30,
      }).then((issued) => ({ transfer: issued }));
      await federation.settle();
      // B's indexer serves no committee with the outsider's key, so it records nothing; the request itself is refused.
      const response = await fetch(`${federation.a.baseUrl}/api/federation/member-files`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(
          await signFileRequest(b.institution.federation!.signer, b.institution.federation!.requestChain, {
            transferId: transfer.id,
            committeeId: ORG_IDS.committeeB,
            issuedAt: Math.floor(Date.now() / 1000),
            nonce: newRequestNonce(),
          }),
        ),
      });
      expect(response.status).to.equal(403);
      const { error } = (await response.json()) as { error: { rule: string; message: string } };
      expect(error.rule).to.equal("federation.notDestinationAttester");
      expect(error.message).to.contain("is not an attester of committee");
      expect(await b.database.repositories.transfers.get(transfer.id)).to.equal(null);
    });

    it("should refuse an acceptance after the letter expired, and import nothing", async function () {
      federation = await startFederation();
      const { b } = federation;
      const { transfer } = await issuedToB(federation, 1);
      expect((await reviewTransfer(b.institution, b.actors.approver, transfer.id)).verdict).to.equal("ACCEPTABLE");
      b.advanceClock(2 * DAY_MS);
      const refused = await refusal(acceptTransfer(b.institution, b.actors.approver, transfer.id));
      expect(refused.rule).to.equal("transfer.expired");
      expect(await importedMembersAtB(federation)).to.equal(0);
    });

    it("should refuse a second open transfer for the same member", async function () {
      federation = await startFederation();
      const { a } = federation;
      const { memberId } = await issuedToB(federation);
      const refused = await refusal(issueTransfer(a.institution, a.actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 }));
      expect(refused).to.include({ rule: "transfer.oneOpen", field: "memberId" });
    });
  });

  describe("export package", function () {
    it("should carry the file to B when A's instance cannot be reached, and refuse a wrong package key", async function () {
      federation = await startFederation();
      const { a, b } = federation;
      await (await federation.consortium.registry.setServiceEndpoint(ORG_IDS.committeeA, "")).wait();
      const { transfer } = await issuedToB(federation);
      const waiting = await reviewTransfer(b.institution, b.actors.approver, transfer.id);
      expect(waiting.verdict).to.equal("WAITING_FOR_FILE");
      expect(waiting.file.lastError).to.contain("publishes no instance endpoint");

      const { memberPackage, packageKey } = await exportMemberPackage(a.institution, a.actors.approver, transfer.id);
      const otherKey = Buffer.alloc(32, 7).toString("base64url");
      const wrongKey = await refusal(
        importMemberPackage(b.institution, b.actors.approver, transfer.id, { memberPackage, packageKey: otherKey }),
      );
      expect(wrongKey.field).to.equal("packageKey");
      await importMemberPackage(b.institution, b.actors.approver, transfer.id, { memberPackage, packageKey });
      const review = await reviewTransfer(b.institution, b.actors.approver, transfer.id);
      expect(review).to.deep.include({ verdict: "ACCEPTABLE" });
      expect(review.file.receivedVia).to.equal("PACKAGE");
      await acceptTransfer(b.institution, b.actors.approver, transfer.id);
      await federation.settle();
      expect((await getTransfer(b.institution, b.actors.approver, transfer.id)).state).to.equal("ACCEPTED");
    });
  });
});
