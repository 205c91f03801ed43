import { expect } from "chai";
import request from "supertest";
import { ORG_IDS } from "../../../api/src/data-access/testing";
import { hashPassword } from "../../../api/src/http/auth/password";
import { JOURNEY } from "../../../api/src/seed/journey";
import { randomPerson } from "../../helpers/anchored";
import { E2E_PASSWORD, E2E_USERS } from "../../helpers/e2e";
import { startHttpAnchoredInstance, type HttpAnchoredInstance } from "../../helpers/e2e-hardhat";

const AUDITOR = "proofs-auditor";

describe("HTTP proofs, verification and audits", function () {
  this.timeout(120_000);
  let instance: HttpAnchoredInstance;
  let clerkToken: string;
  let auditorToken: string;
  let recordId: number;

  before(async function () {
    instance = await startHttpAnchoredInstance();
    await instance.anchored.worker.stop();
    await instance.anchored.database.repositories.accounts.create({
      username: AUDITOR,
      passwordHash: await hashPassword(E2E_PASSWORD),
      role: "AUDITOR",
      orgId: ORG_IDS.committeeA,
      canReadPersonalData: false,
    });
    clerkToken = await login(E2E_USERS.clerk);
    auditorToken = await login(AUDITOR);
    const [{ effectiveDate, fields }] = JOURNEY;
    const enrolled = await request(instance.baseUrl)
      .post("/api/members")
      .set("authorization", `Bearer ${clerkToken}`)
      .send({ orgId: ORG_IDS.branchA, personal: randomPerson(), application: { effectiveDate, fields, evidence: [] } })
      .expect(201);
    recordId = enrolled.body.record.id;
  });
  after(async () => instance?.stop());

  async function login(username: string): Promise<string> {
    const response = await request(instance.baseUrl).post("/api/auth/login").send({ username, password: E2E_PASSWORD }).expect(200);
    return response.body.token;
  }

  it("should refuse the proof of a record still pending, naming its state and the rule", async function () {
    const response = await request(instance.baseUrl)
      .get(`/api/records/${recordId}/proof`)
      .set("authorization", `Bearer ${clerkToken}`)
      .expect(409);
    expect(response.body.error).to.include({ rule: "proof.notFinal" });
    expect(response.body.error.message).to.contain("pending");
  });

  it("should give a final record's bundle with its body to a clerk, and a verdict with every step passed", async function () {
    await instance.anchored.anchorAll();
    const bundle = (
      await request(instance.baseUrl).get(`/api/records/${recordId}/proof`).set("authorization", `Bearer ${clerkToken}`).expect(200)
    ).body;
    expect(bundle.record.body).to.include({ step: "S1", sequence: 1 });
    const verdict = (await request(instance.baseUrl).post("/api/verify").send({ bundle }).expect(200)).body;
    expect(verdict.verdict).to.equal("VALID");
    expect(verdict.steps.map((step: { status: string }) => step.status)).to.deep.equal(Array(7).fill("passed"));
  });

  it("should withhold the body from an auditor without personal-data access, verify the rest, and call it INCOMPLETE, not VALID", async function () {
    const bundle = (
      await request(instance.baseUrl).get(`/api/records/${recordId}/proof`).set("authorization", `Bearer ${auditorToken}`).expect(200)
    ).body;
    expect(bundle.record.body).to.equal(null);
    const verdict = (await request(instance.baseUrl).post("/api/verify").send({ bundle }).expect(200)).body;
    expect(verdict.verdict).to.equal("INCOMPLETE");
    expect(verdict.steps.map((step: { status: string }) => step.status)).to.deep.equal([
      "passed",
      "skipped",
      "passed",
      "passed",
      "passed",
      "passed",
      "passed",
    ]);
    expect(verdict.steps.find((step: { check: string }) => step.check === "hash")).to.include({
      status: "skipped",
      reason: "hash.bodyWithheld",
    });
  });

  it("should verify without a login, and answer a malformed bundle with an INVALID verdict, not an error", async function () {
    const verdict = (
      await request(instance.baseUrl)
        .post("/api/verify")
        .send({ bundle: { format: "something else" } })
        .expect(200)
    ).body;
    expect(verdict.verdict).to.equal("INVALID");
    expect(verdict.steps).to.have.length(1);
    expect(verdict.steps[0]).to.include({ check: "format", status: "failed" });
  });

  it("should name the tampered field's record when a bundle's body was altered", async function () {
    const bundle = (
      await request(instance.baseUrl).get(`/api/records/${recordId}/proof`).set("authorization", `Bearer ${clerkToken}`).expect(200)
    ).body;
    bundle.record.body.effectiveDate = "2019-09-02";
    const verdict = (await request(instance.baseUrl).post("/api/verify").send({ bundle }).expect(200)).body;
    expect(verdict.verdict).to.equal("INVALID");
    expect(verdict.steps.find((step: { check: string }) => step.check === "hash")).to.include({ status: "failed", recordId });
  });

  it("should report the anchoring status: nothing left pending once final", async function () {
    const status = (await request(instance.baseUrl).get("/api/anchoring").set("authorization", `Bearer ${clerkToken}`).expect(200)).body;
    expect(status.outbox).to.include({ PENDING: 0, SENT: 0, FAILED: 0 });
    expect(status.finalCheckpoint.treeSize).to.equal(recordId);
  });

  it("should run an audit sweep for an auditor, follow it to a clean report, and offer the report as a download", async function () {
    const started = (await request(instance.baseUrl).post("/api/audits").set("authorization", `Bearer ${auditorToken}`).expect(202)).body;
    let job = started;
    while (job.state === "RUNNING") {
      await new Promise((resolve) => setTimeout(resolve, 100));
      job = (await request(instance.baseUrl).get(`/api/audits/${started.id}`).set("authorization", `Bearer ${auditorToken}`).expect(200))
        .body;
    }
    expect(job.state).to.equal("DONE");
    expect(job.report).to.include({ format: "cunzheng.audit-report/1", clean: true });
    const download = await request(instance.baseUrl)
      .get(`/api/audits/${started.id}/report`)
      .set("authorization", `Bearer ${auditorToken}`)
      .expect(200);
    expect(download.headers["content-disposition"]).to.contain(`audit-${started.id}.json`);
    expect(download.body.totals.records).to.equal(recordId);
  });

  it("should refuse an audit sweep to a clerk, naming the role rule", async function () {
    const response = await request(instance.baseUrl).post("/api/audits").set("authorization", `Bearer ${clerkToken}`).expect(403);
    expect(response.body.error).to.include({ rule: "auth.role" });
  });
});
