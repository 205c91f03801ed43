import { expect } from "chai";
import request from "supertest";
import { canonicalKeccak } from "../../../api/src/lib/record-hash";
import { letterOf } from "../../../api/src/domain/transfers/letter/format";
import { JOURNEY } from "../../../api/src/seed/journey";
import { ORG_IDS, startTestInstance, type AccountName, type TestInstance } from "../../helpers/service";

describe("Transfers through the HTTP API", function () {
  this.timeout(120_000);
  let instance: TestInstance;
  let nextId = 100;

  before(async () => {
    instance = await startTestInstance();
  });
  after(async () => {
    await instance.close();
  });

  async function as(account: AccountName) {
    return { Authorization: `Bearer ${await instance.tokenOf(account)}` };
  }

  /** A member of A's branch with the journey recorded up to `upTo` (S17 → probationary). */
  async function memberUpTo(upTo: string): Promise<string> {
    const [application, ...rest] = JOURNEY.slice(0, JOURNEY.findIndex((r) => r.step === upTo) + 1);
    const enrolled = await request(instance.app)
      .post("/api/members")
      .set(await as("aClerk"))
      .send({
        orgId: ORG_IDS.branchA,
        personal: { name: "转接成员", idNumber: `110108200005${String(nextId++).padStart(6, "0")}`, birthDate: "2000-05-10" },
        application: { effectiveDate: application.effectiveDate, fields: application.fields },
      })
      .expect(201);
    for (const step of rest) {
      const who = instance.institution.ruleSet.step(step.step)!.recordedBy === "APPROVER" ? "aApprover" : "aClerk";
      await request(instance.app)
        .post(`/api/members/${enrolled.body.memberId}/records`)
        .set(await as(who))
        .send({ step: step.step, effectiveDate: step.effectiveDate, fields: step.fields })
        .expect(201);
    }
    return enrolled.body.memberId;
  }

  async function issue(memberId: string, body: object = { toOrgId: ORG_IDS.branchB }) {
    return request(instance.app)
      .post("/api/transfers")
      .set(await as("aApprover"))
      .send({ memberId, ...body });
  }

  it("should issue a MEMBERSHIP transfer whose letter hash anyone can recompute, and let B accept it", async () => {
    const memberId = await memberUpTo("S17");
    const issued = await issue(memberId);
    expect(issued.status, JSON.stringify(issued.body)).to.equal(201);
    expect(issued.body).to.include({ kind: "MEMBERSHIP", state: "ISSUED", fromOrgId: ORG_IDS.branchA, toOrgId: ORG_IDS.branchB });
    const letter = letterOf({ ...issued.body, id: issued.body.id, validUntil: new Date(issued.body.validUntil) });
    expect(canonicalKeccak(letter)).to.equal(issued.body.letterHash);

    const incoming = await request(instance.app)
      .get("/api/transfers?direction=incoming")
      .set(await as("bApprover"))
      .expect(200);
    expect(incoming.body.items.map((t: { id: string }) => t.id)).to.include(issued.body.id);

    const notDestination = await request(instance.app)
      .post(`/api/transfers/${issued.body.id}/accept`)
      .set(await as("aApprover"));
    expect(notDestination.status).to.equal(403);
    expect(notDestination.body.error.rule).to.equal("scope.approvingCommittee");

    const accepted = await request(instance.app)
      .post(`/api/transfers/${issued.body.id}/accept`)
      .set(await as("bApprover"))
      .expect(200);
    expect(accepted.body.state).to.equal("ACCEPTED");
    expect(accepted.body.receiptHash).to.match(/^0x[0-9a-f]{64}$/);

    const nowAtB = await request(instance.app)
      .get(`/api/members/${memberId}`)
      .set(await as("bClerk"))
      .expect(200);
    expect(nowAtB.body.orgId).to.equal(ORG_IDS.branchB);
    const atA = await request(instance.app)
      .get(`/api/members/${memberId}`)
      .set(await as("aClerk"));
    expect(atA.status).to.equal(403);
  });

  it("should record a rejection with its reason code and leave the member at A", async () => {
    const memberId = await memberUpTo("S17");
    const issued = await issue(memberId);
    const rejected = await request(instance.app)
      .post(`/api/transfers/${issued.body.id}/reject`)
      .set(await as("bApprover"))
      .send({ reasonCode: "WRONG_DESTINATION" })
      .expect(200);
    expect(rejected.body).to.include({ state: "REJECTED", reasonCode: "WRONG_DESTINATION" });
    const member = await request(instance.app)
      .get(`/api/members/${memberId}`)
      .set(await as("aClerk"))
      .expect(200);
    expect(member.body.orgId).to.equal(ORG_IDS.branchA);
  });

  it("should let the source cancel, and refuse the destination cancelling", async () => {
    const memberId = await memberUpTo("S3");
    const issued = await issue(memberId);
    expect(issued.body.kind).to.equal("MATERIALS");
    const byB = await request(instance.app)
      .post(`/api/transfers/${issued.body.id}/cancel`)
      .set(await as("bApprover"))
      .send({ reasonCode: "X" });
    expect(byB.status).to.equal(403);
    const cancelled = await request(instance.app)
      .post(`/api/transfers/${issued.body.id}/cancel`)
      .set(await as("aApprover"))
      .send({ reasonCode: "MEMBER_STAYS" })
      .expect(200);
    expect(cancelled.body.state).to.equal("CANCELLED");
  });

  it("should refuse a second open transfer for the same member", async () => {
    const memberId = await memberUpTo("S17");
    expect((await issue(memberId)).status).to.equal(201);
    const second = await issue(memberId);
    expect(second.status).to.equal(409);
    expect(second.body.error.rule).to.equal("transfer.oneOpen");
  });

  it("should expire an unopened letter, refuse its acceptance, and allow a reissue naming it", async () => {
    const memberId = await memberUpTo("S17");
    const issued = await issue(memberId, { toOrgId: ORG_IDS.branchB, validDays: 10 });
    instance.advanceDays(11);

    const late = await request(instance.app)
      .post(`/api/transfers/${issued.body.id}/accept`)
      .set(await as("bApprover"));
    expect(late.status).to.equal(409);
    expect(late.body.error.rule).to.equal("transfer.expired");
    const expired = await request(instance.app)
      .get(`/api/transfers/${issued.body.id}`)
      .set(await as("aApprover"))
      .expect(200);
    expect(expired.body.state).to.equal("EXPIRED");

    const reissued = await request(instance.app)
      .post(`/api/transfers/${issued.body.id}/reissue`)
      .set(await as("aApprover"))
      .send({})
      .expect(201);
    expect(reissued.body).to.include({ replaces: issued.body.id, state: "ISSUED" });
    const twice = await request(instance.app)
      .post(`/api/transfers/${issued.body.id}/reissue`)
      .set(await as("aApprover"))
      .send({});
    expect(twice.status).to.equal(409);
    expect(twice.body.error.rule).to.equal("transfer.reissueOnce");
  });

  it("should cancel a lost letter in the same step that reissues it", async () => {
    const memberId = await memberUpTo("S17");
    const issued = await issue(memberId);
    const reissued = await request(instance.app)
      .post(`/api/transfers/${issued.body.id}/reissue`)
      .set(await as("aApprover"))
      .send({})
      .expect(201);
    const old = await request(instance.app)
      .get(`/api/transfers/${issued.body.id}`)
      .set(await as("aApprover"))
      .expect(200);
    expect(old.body).to.include({ state: "CANCELLED", reasonCode: "REISSUED" });
    expect(reissued.body.replaces).to.equal(issued.body.id);
  });

  it("should refuse a validity over 90 days", async () => {
    const memberId = await memberUpTo("S1");
    const response = await issue(memberId, { toOrgId: ORG_IDS.branchB, validDays: 91 });
    expect(response.status).to.equal(400);
    expect(response.body.error.field).to.equal("validDays");
  });

  it("should export a transfer outside the consortium and close it with the outside receipt", async () => {
    const memberId = await memberUpTo("S17");
    const issued = await issue(memberId, { exportTo: { name: "某省外高校党委" } });
    expect(issued.status).to.equal(201);
    expect(issued.body).to.include({ exported: true, toOrgId: null });
    expect(issued.body.destinationHash).to.match(/^0x[0-9a-f]{64}$/);
    const rows: { destination: Buffer }[] = await instance.database.dataSource.query("SELECT destination FROM transfers WHERE id = $1", [
      issued.body.id,
    ]);
    expect(rows[0].destination.toString("utf8")).to.not.include("某省外高校党委");

    const closed = await request(instance.app)
      .post(`/api/transfers/${issued.body.id}/export-receipt`)
      .set(await as("aApprover"))
      .send({ reference: "回执 2026-118" })
      .expect(200);
    expect(closed.body.state).to.equal("ACCEPTED");

    const member = await request(instance.app)
      .get(`/api/members/${memberId}`)
      .set(await as("aClerk"))
      .expect(200);
    expect(member.body.status).to.equal("TRANSFERRED_OUT");
    const write = await request(instance.app)
      .post(`/api/members/${memberId}/records`)
      .set(await as("aClerk"))
      .send({ step: "S18", effectiveDate: "2021-08-30", fields: {} });
    expect(write.status).to.equal(409);
    expect(write.body.error.rule).to.equal("member.transferredOut");
  });
});
