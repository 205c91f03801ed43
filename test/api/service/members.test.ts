import { createHash } from "node:crypto";
import { expect } from "chai";
import request from "supertest";
import { recordHash } from "../../../api/src/lib/record-hash";
import { JOURNEY } from "../../../api/src/seed/journey";
import { ORG_IDS, startTestInstance, type AccountName, type TestInstance } from "../../helpers/service";

const PERSON = { name: "测试成员", idNumber: "110108200005101234", birthDate: "2000-05-10", gender: "F" };

describe("Members and records through the HTTP API", function () {
  this.timeout(120_000);
  let instance: TestInstance;

  before(async () => {
    instance = await startTestInstance();
  });
  after(async () => {
    await instance.close();
  });

  async function as(account: AccountName) {
    return { Authorization: `Bearer ${await instance.tokenOf(account)}` };
  }

  async function enroll(person = PERSON, application = JOURNEY[0]) {
    const response = await request(instance.app)
      .post("/api/members")
      .set(await as("aClerk"))
      .send({
        orgId: ORG_IDS.branchA,
        personal: person,
        application: { effectiveDate: application.effectiveDate, fields: application.fields },
      });
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body.memberId as string;
  }

  async function record(memberId: string, step: (typeof JOURNEY)[number], account?: AccountName) {
    const who = account ?? (instance.institution.ruleSet.step(step.step)!.recordedBy === "APPROVER" ? "aApprover" : "aClerk");
    return request(instance.app)
      .post(`/api/members/${memberId}/records`)
      .set(await as(who))
      .send({ step: step.step, effectiveDate: step.effectiveDate, fields: step.fields });
  }

  it("should walk a member from S1 to S25 and end a full member with an unbroken hash chain", async () => {
    const memberId = await enroll({ ...PERSON, idNumber: "110108200005100001" });
    for (const step of JOURNEY.slice(1)) {
      const response = await record(memberId, step);
      expect(response.status, `${step.step}: ${JSON.stringify(response.body)}`).to.equal(201);
    }
    const file = await request(instance.app)
      .get(`/api/members/${memberId}`)
      .set(await as("aClerk"))
      .expect(200);
    expect(file.body.stage).to.equal("FULL");

    const chain = await request(instance.app)
      .get(`/api/members/${memberId}/records`)
      .set(await as("aClerk"))
      .expect(200);
    const records = chain.body.items;
    expect(records.map((r: { step: string }) => r.step)).to.deep.equal(JOURNEY.map((r) => r.step));
    records.forEach(
      (r: { recordHash: string; prevHash: string | null; sequence: number; body: Parameters<typeof recordHash>[0] }, i: number) => {
        expect(r.sequence).to.equal(i + 1);
        expect(r.prevHash).to.equal(i === 0 ? null : records[i - 1].recordHash);
        expect(recordHash(r.body)).to.equal(r.recordHash);
        expect(r.body.ruleVersion).to.equal("2014");
      },
    );
  });

  it("should refuse a hard-rule violation with 422 naming the rule and field, and write nothing", async () => {
    const memberId = await enroll({ ...PERSON, idNumber: "110108200005100002" });
    for (const step of JOURNEY.slice(1, JOURNEY.findIndex((r) => r.step === "S6") + 1)) {
      expect((await record(memberId, step)).status).to.equal(201);
    }
    const before = await instance.database.repositories.records.listByMember(memberId);
    const tooEarly = { step: "S7", effectiveDate: "2021-03-09", fields: { opinionSummary: "同意" } };

    const response = await record(memberId, tooEarly);

    expect(response.status).to.equal(422);
    expect(response.body.error).to.include({ code: "RULE_VIOLATION", rule: "S7.minInterval", field: "effectiveDate" });
    expect(await instance.database.repositories.records.listByMember(memberId)).to.have.length(before.length);
  });

  it("should refuse an applicant under 18 at the application", async () => {
    const response = await request(instance.app)
      .post("/api/members")
      .set(await as("aClerk"))
      .send({
        orgId: ORG_IDS.branchA,
        personal: { ...PERSON, idNumber: "110108201001010003", birthDate: "2010-01-01" },
        application: { effectiveDate: "2026-01-05", fields: {} },
      });
    expect(response.status).to.equal(422);
    expect(response.body.error).to.include({ rule: "S1.minAge" });
  });

  it("should accept a soft-rule violation and show its finding on the member's file", async () => {
    const memberId = await enroll({ ...PERSON, idNumber: "110108200005100004" });
    const lateTalk = { step: "S2", effectiveDate: "2019-11-20", fields: { interviewer: "李老师", summary: "动机端正" } };

    const response = await record(memberId, lateTalk);

    expect(response.status).to.equal(201);
    expect(response.body.findings.map((f: { rule: string }) => f.rule)).to.deep.equal(["S2.withinOneMonth"]);
    const file = await request(instance.app)
      .get(`/api/members/${memberId}`)
      .set(await as("aApprover"))
      .expect(200);
    expect(file.body.findings.map((f: { rule: string }) => f.rule)).to.include("S2.withinOneMonth");
  });

  it("should keep approvals to the approving committee and writes to the caller's subtree", async () => {
    const memberId = await enroll({ ...PERSON, idNumber: "110108200005100005" });
    const byClerk = await request(instance.app)
      .post(`/api/members/${memberId}/records`)
      .set(await as("aClerk"))
      .send({ step: "S13", effectiveDate: "2019-10-01", fields: { conclusion: "APPROVED" } });
    expect(byClerk.status).to.equal(403);
    expect(byClerk.body.error.rule).to.equal("auth.role");

    const otherUniversity = await record(memberId, JOURNEY[1], "bClerk");
    expect(otherUniversity.status).to.equal(403);
    expect(otherUniversity.body.error.rule).to.equal("scope.orgSubtree");
  });

  it("should supersede a record with a correction instead of editing it", async () => {
    const memberId = await enroll({ ...PERSON, idNumber: "110108200005100006" });
    const talk = await record(memberId, JOURNEY[1]);
    const correction = await request(instance.app)
      .post(`/api/members/${memberId}/records`)
      .set(await as("aClerk"))
      .send({
        step: "S2",
        effectiveDate: "2019-09-21",
        fields: { interviewer: "李老师", summary: "动机端正，已更正日期" },
        supersedes: { recordId: talk.body.record.id, reasonCode: "CORRECTION_DATE" },
      });
    expect(correction.status, JSON.stringify(correction.body)).to.equal(201);
    expect(correction.body.record.body.supersedes).to.deep.equal({
      recordHash: talk.body.record.recordHash,
      reasonCode: "CORRECTION_DATE",
    });

    const chain = await request(instance.app)
      .get(`/api/members/${memberId}/records`)
      .set(await as("aClerk"))
      .expect(200);
    expect(chain.body.items.map((r: { superseded: boolean }) => r.superseded)).to.deep.equal([false, true, false]);
  });

  it("should refuse a correction whose reason is not one of the listed reasons, naming the reason's field", async () => {
    const memberId = await enroll({ ...PERSON, idNumber: "110108200005100014" });
    const talk = await record(memberId, JOURNEY[1]);
    const refused = await request(instance.app)
      .post(`/api/members/${memberId}/records`)
      .set(await as("aClerk"))
      .send({
        step: "S2",
        effectiveDate: "2019-09-21",
        fields: { interviewer: "李老师", summary: "动机端正" },
        supersedes: { recordId: talk.body.record.id, reasonCode: "BECAUSE" },
      });
    expect(refused.status).to.equal(400);
    expect(refused.body.error).to.include({ code: "VALIDATION_ERROR", field: "supersedes.reasonCode" });
    const chain = await request(instance.app)
      .get(`/api/members/${memberId}/records`)
      .set(await as("aClerk"))
      .expect(200);
    expect(chain.body.items.map((r: { superseded: boolean }) => r.superseded)).to.deep.equal([false, false]);
  });

  it("should keep personal data encrypted at rest and find a member by ID number through the blind index", async () => {
    const idNumber = "110108200005100007";
    const memberId = await enroll({ ...PERSON, name: "加密检查", idNumber });
    const rows: { personal_data: Buffer; id_number_index: string }[] = await instance.database.dataSource.query(
      "SELECT personal_data, id_number_index FROM members WHERE id = $1",
      [memberId],
    );
    const stored = rows[0].personal_data.toString("utf8");
    expect(stored).to.not.include("加密检查");
    expect(stored).to.not.include(idNumber);
    expect(rows[0].id_number_index).to.not.include(idNumber);
    const bodies: { body: Buffer }[] = await instance.database.dataSource.query("SELECT body FROM records WHERE member_id = $1", [
      memberId,
    ]);
    expect(bodies[0].body.toString("utf8")).to.not.include(JOURNEY[0].fields.applicationSummary);

    const found = await request(instance.app)
      .post("/api/members/search")
      .set(await as("aClerk"))
      .send({ idNumber })
      .expect(200);
    expect(found.body.items.map((m: { id: string }) => m.id)).to.deep.equal([memberId]);
  });

  it("should hide personal data and record bodies from an auditor not granted them", async () => {
    const memberId = await enroll({ ...PERSON, idNumber: "110108200005100008" });
    const file = await request(instance.app)
      .get(`/api/members/${memberId}`)
      .set(await as("aAuditor"))
      .expect(200);
    expect(file.body).to.not.have.property("personal");
    const chain = await request(instance.app)
      .get(`/api/members/${memberId}/records`)
      .set(await as("aAuditor"))
      .expect(200);
    expect(chain.body.items[0]).to.not.have.property("body");
    expect(chain.body.items[0].recordHash).to.match(/^0x[0-9a-f]{64}$/);
  });

  it("should log every write in the audit log without personal data", async () => {
    const memberId = await enroll({ ...PERSON, name: "审计检查", idNumber: "110108200005100009" });
    const member = (await instance.database.repositories.members.get(memberId))!;
    const page = await instance.database.repositories.auditLog.list({ rootOrgId: ORG_IDS.consortium });
    const entry = page.items.find((e) => e.action === "record.create" && e.details.memberKey === member.memberKey);
    expect(entry?.details).to.include({ step: "S1" });
    expect(JSON.stringify(page.items)).to.not.include("审计检查").and.not.include("110108200005100009");
  });

  it("should store an evidence file under its SHA-256 and let a record reference it", async () => {
    const pdf = Buffer.from("%PDF-1.4\n% 入党申请书扫描件\n%%EOF\n");
    const sha256 = `0x${createHash("sha256").update(pdf).digest("hex")}`;
    const uploaded = await request(instance.app)
      .post("/api/evidence")
      .set(await as("aClerk"))
      .set("content-type", "application/pdf")
      .send(pdf);
    expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
    expect(uploaded.body).to.include({ sha256, contentType: "application/pdf", size: pdf.length });

    const memberId = await enroll({ ...PERSON, idNumber: "110108200005100010" });
    const talk = await request(instance.app)
      .post(`/api/members/${memberId}/records`)
      .set(await as("aClerk"))
      .send({ step: "S2", effectiveDate: JOURNEY[1].effectiveDate, fields: JOURNEY[1].fields, evidence: [sha256] })
      .expect(201);
    expect(talk.body.record.body.evidence).to.deep.equal([{ sha256, contentType: "application/pdf", size: pdf.length }]);
    const download = await request(instance.app)
      .get(`/api/evidence/${sha256}`)
      .set(await as("aClerk"))
      .expect(200);
    expect(Buffer.compare(download.body, pdf)).to.equal(0);
  });

  it("should refuse evidence of another type or whose bytes do not match its type", async () => {
    const wrongType = await request(instance.app)
      .post("/api/evidence")
      .set(await as("aClerk"))
      .set("content-type", "text/html")
      .send("<html>");
    expect(wrongType.status).to.equal(400);
    expect(wrongType.body.error.field).to.equal("content-type");
    const notAPdf = await request(instance.app)
      .post("/api/evidence")
      .set(await as("aClerk"))
      .set("content-type", "application/pdf")
      .send(Buffer.from("MZ this is an executable"));
    expect(notAPdf.status).to.equal(400);
    expect(notAPdf.body.error.field).to.equal("body");
  });

  it("should refuse a malformed request with 400 naming the field", async () => {
    const response = await request(instance.app)
      .post("/api/members")
      .set(await as("aClerk"))
      .send({ orgId: ORG_IDS.branchA, personal: { ...PERSON, idNumber: "123" }, application: { effectiveDate: "2019-09-01", fields: {} } });
    expect(response.status).to.equal(400);
    expect(response.body.error.field).to.equal("personal.idNumber");
  });

  it("should describe the member and transfer routes in the OpenAPI document", async () => {
    const document = await request(instance.app).get("/openapi.json").expect(200);
    expect(document.body.openapi).to.equal("3.1.0");
    expect(Object.keys(document.body.paths)).to.include.members([
      "/api/members",
      "/api/members/{memberId}/records",
      "/api/transfers",
      "/api/transfers/{transferId}/accept",
    ]);
  });
});
