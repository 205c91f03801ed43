// Issue 14: a write is protected from the moment it is accepted. Each record written through the API comes back with
// a write receipt signed by the instance's chain key; while the worker is stopped an insider rewrites a pending record
// and its queued chain call; once the worker anchors the forged hash, `cunzheng verify --receipt` reports the broken
// promise, while the receipt of a record left alone verifies as kept; a record never anchored breaks its promise once
// the chain's clock passes the receipt's deadline.
import { takeSnapshot, time } from "@nomicfoundation/hardhat-network-helpers";
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import { ORG_IDS } from "../../api/src/data-access/testing";
import type { RecordedStep } from "../../api/src/domain/membership/records";
import { recordHash } from "../../api/src/lib/record-hash";
import { receiptSignerOf, writeReceiptSchema, type WriteReceipt } from "../../api/src/lib/write-receipt";
import { JOURNEY } from "../../api/src/seed/journey";
import { walkMember } from "../../api/src/seed/walk";
import { randomPerson } from "../helpers/anchored";
import { E2E_PASSWORD, E2E_USERS } from "../helpers/e2e";
import { serveHardhatNetwork, startHttpAnchoredInstance, type HttpAnchoredInstance } from "../helpers/e2e-hardhat";
import { runCli } from "../helpers/e2e-processes";
import { asInsider, bodyOf, sealed } from "../helpers/insider";

describe("write receipts", function () {
  this.timeout(180_000);
  let instance: HttpAnchoredInstance;
  let node: { rpcUrl: string; close(): Promise<void> };
  let workDir: string;
  let token: string;

  before(async function () {
    node = await serveHardhatNetwork();
  });
  after(async () => node?.close());

  beforeEach(async function () {
    workDir = mkdtempSync(path.join(tmpdir(), "cunzheng-receipt-"));
    instance = await startHttpAnchoredInstance();
    token = (
      await request(instance.baseUrl).post("/api/auth/login").send({ username: E2E_USERS.clerk, password: E2E_PASSWORD }).expect(200)
    ).body.token;
  });
  afterEach(async () => {
    await instance?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  /** S1 through the domain, S2 through the write API, with the worker stopped: both records wait to be anchored. */
  async function twoPendingRecords(): Promise<{ memberId: string; application: WriteReceipt; talk: WriteReceipt }> {
    await instance.anchored.worker.stop();
    const { clerk, approver } = instance.anchored.actors;
    const [enrolled] = await walkMember(instance.institution, clerk, approver, {
      orgId: ORG_IDS.branchA,
      personal: randomPerson(),
      upTo: "S1",
    });
    const talk = JOURNEY.find((record) => record.step === "S2")!;
    const written: RecordedStep = (
      await request(instance.baseUrl)
        .post(`/api/members/${enrolled.memberId}/records`)
        .set("authorization", `Bearer ${token}`)
        .send({ step: "S2", effectiveDate: talk.effectiveDate, fields: talk.fields, evidence: [] })
        .expect(201)
    ).body;
    expect(written.record.anchoring.state).to.equal("PENDING");
    return { memberId: enrolled.memberId, application: enrolled.record.receipt!, talk: written.record.receipt! };
  }

  async function verifyReceiptFile(receipt: unknown, name: string) {
    const file = path.join(workDir, name);
    writeFileSync(file, JSON.stringify(receipt, null, 2));
    return runCli(["verify", "--receipt", file, "--rpc", node.rpcUrl]);
  }

  it("should return a receipt signed by the instance's chain key with every accepted write, and show it with the record", async function () {
    const { memberId, talk } = await twoPendingRecords();
    const records = (
      await request(instance.baseUrl).get(`/api/members/${memberId}/records`).set("authorization", `Bearer ${token}`).expect(200)
    ).body.items;

    const stored = records.find((record: { id: number }) => record.id === talk.promise.logIndex + 1);
    expect(stored.receipt).to.deep.equal(talk);
    expect(writeReceiptSchema.parse(talk).promise).to.include({ recordHash: stored.recordHash, sequence: 2, orgId: ORG_IDS.branchA });
    expect(receiptSignerOf(talk)).to.equal(instance.anchored.consortium.signers.attesterA.address);
    expect(talk.promise.anchorBy - talk.promise.acceptedAt).to.equal(instance.config.anchoring.deadlineSeconds);
  });

  it("should report the broken promise once a pending record rewritten in SQL is anchored, and verify a kept one", async function () {
    const { memberId, application, talk } = await twoPendingRecords();
    const pendingBefore = await verifyReceiptFile(talk, "pending.json");
    expect(pendingBefore.exitCode, pendingBefore.stdout + pendingBefore.stderr).to.equal(1);
    expect(pendingBefore.stdout)
      .to.match(/^– promise\s+.*not on the ledger yet/m)
      .and.match(/^INCOMPLETE:/m);

    // The insider rewrites the talk's summary, seals the body again, and points its queued chain call at the new hash.
    const id = talk.promise.logIndex + 1;
    const body = { ...(await bodyOf(instance.anchored, id)), fields: { interviewer: "李老师", summary: "改写的谈话结论" } };
    const forgedHash = recordHash(body);
    await asInsider(instance.anchored, async (sql) => {
      await sql("UPDATE records SET body = $2, record_hash = $3 WHERE id = $1", [
        id,
        sealed(instance.anchored, forgedHash, body),
        forgedHash,
      ]);
      await sql("UPDATE outbox SET args = jsonb_set(args, '{2}', to_jsonb($2::text)) WHERE record_id = $1", [id, forgedHash]);
    });
    await instance.anchored.anchorAll();
    const anchored = (
      await request(instance.baseUrl).get(`/api/members/${memberId}/records`).set("authorization", `Bearer ${token}`).expect(200)
    ).body.items;
    expect(
      anchored.map((record: { recordHash: string; anchoring: { state: string } }) => [record.recordHash, record.anchoring.state]),
    ).to.deep.equal([
      [application.promise.recordHash, "FINAL"],
      [forgedHash, "FINAL"],
    ]);

    const broken = await verifyReceiptFile(talk, "broken.json");
    const kept = await verifyReceiptFile(application, "kept.json");

    expect(broken.exitCode, broken.stdout + broken.stderr).to.equal(1);
    expect(broken.stdout).to.match(/^✗ promise\s+Broken promise:/m);
    expect(broken.stdout).to.include(talk.promise.recordHash).and.include(forgedHash);
    expect(broken.stdout)
      .to.match(/^✓ signature/m)
      .and.match(/^✓ signer/m)
      .and.match(/^INVALID: 1 check\(s\) failed/m);
    expect(kept.exitCode, kept.stdout + kept.stderr).to.equal(0);
    expect(kept.stdout)
      .to.match(/^✓ promise\s+Kept:/m)
      .and.match(/^VALID: the promise was kept/m);
  });

  it("should report a promise overdue once the chain's clock passes its deadline with the record still not anchored", async function () {
    const { talk } = await twoPendingRecords();
    // The chain's clock is moved past the deadline and back: the node is shared with every other test of the run.
    const beforeDeadline = await takeSnapshot();
    try {
      await time.increaseTo(talk.promise.anchorBy + 1);
      const overdue = await verifyReceiptFile(talk, "overdue.json");

      expect(overdue.exitCode, overdue.stdout + overdue.stderr).to.equal(1);
      expect(overdue.stdout)
        .to.match(/^✗ promise\s+Broken promise: .* is not on the ledger, and the deadline .* has passed/m)
        .and.match(/^INVALID: 1 check\(s\) failed/m);
    } finally {
      await beforeDeadline.restore();
    }
  });

  it("should refuse a receipt whose promise was altered after signing", async function () {
    const { application } = await twoPendingRecords();
    await instance.anchored.anchorAll();
    const altered = { ...application, promise: { ...application.promise, anchorBy: application.promise.anchorBy + 86_400 } };

    const run = await verifyReceiptFile(altered, "altered.json");

    expect(run.exitCode, run.stdout + run.stderr).to.equal(1);
    expect(run.stdout).to.match(/^✗ signature\s+The signature recovers to 0x[0-9a-fA-F]{40}, not to the signer/m);
  });
});
