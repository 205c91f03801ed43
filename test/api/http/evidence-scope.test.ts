import { expect } from "chai";
import { createHash, randomBytes } from "node:crypto";
import request from "supertest";
import { JOURNEY } from "../../../api/src/seed/journey";
import { ORG_IDS, startTestInstance, type AccountName, type TestInstance } from "../../helpers/service";

function pdf(label: string): { content: Buffer; sha256: string } {
  const content = Buffer.from(`%PDF-1.4\n% ${label} ${randomBytes(8).toString("hex")}\n%%EOF\n`);
  return { content, sha256: `0x${createHash("sha256").update(content).digest("hex")}` };
}

describe("Evidence files are scoped to the organizations whose records hold them", function () {
  this.timeout(120_000);
  let instance: TestInstance;

  before(async function () {
    instance = await startTestInstance();
  });
  after(async function () {
    await instance.close();
  });

  async function as(account: AccountName) {
    return { Authorization: `Bearer ${await instance.tokenOf(account)}` };
  }

  async function upload(account: AccountName, file: Buffer) {
    return request(instance.app)
      .post("/api/evidence")
      .set(await as(account))
      .set("content-type", "application/pdf")
      .send(file);
  }

  async function enroll(account: AccountName, orgId: number, idNumber: string, evidence: string[]) {
    const { effectiveDate, fields } = JOURNEY[0];
    return request(instance.app)
      .post("/api/members")
      .set(await as(account))
      .send({
        orgId,
        personal: { name: "证明材料", idNumber, birthDate: "2000-05-10", gender: "F" },
        application: { effectiveDate, fields, evidence },
      });
  }

  async function rowCount(table: string): Promise<number> {
    const [row] = await instance.database.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
    return row.n;
  }

  it("should serve a file named by a record only within its organization's subtree, as an attachment of its checked type", async function () {
    const application = pdf("入党申请书");
    expect((await upload("aClerk", application.content)).status).to.equal(201);
    expect((await enroll("aClerk", ORG_IDS.branchA, "110108200005104001", [application.sha256])).status).to.equal(201);

    const own = await request(instance.app)
      .get(`/api/evidence/${application.sha256}`)
      .set(await as("aClerk"))
      .expect(200);
    expect(Buffer.compare(own.body, application.content)).to.equal(0);
    expect(own.headers["content-type"]).to.equal("application/pdf");
    expect(own.headers["content-disposition"]).to.equal(`attachment; filename=evidence-${application.sha256.slice(2, 18)}.pdf`);
    expect(own.headers["x-content-type-options"]).to.equal("nosniff");
    await request(instance.app)
      .get(`/api/evidence/${application.sha256}`)
      .set(await as("aApprover"))
      .expect(200);

    const otherUniversity = await request(instance.app)
      .get(`/api/evidence/${application.sha256}`)
      .set(await as("bClerk"));
    const neverStored = await request(instance.app)
      .get(`/api/evidence/0x${"cd".repeat(32)}`)
      .set(await as("bClerk"));
    expect(otherUniversity.status).to.equal(404);
    expect(neverStored.status).to.equal(404);
    expect(otherUniversity.body.error.code).to.equal(neverStored.body.error.code);
    expect(otherUniversity.body.error.message.replace(application.sha256, "X")).to.equal(
      neverStored.body.error.message.replace(`0x${"cd".repeat(32)}`, "X"),
    );
  });

  it("should not let another organization name a file it does not hold in its own records", async function () {
    const secret = pdf("政审材料");
    expect((await upload("aClerk", secret.content)).status).to.equal(201);
    const membersBefore = await rowCount("members");

    const borrowed = await enroll("bClerk", ORG_IDS.branchB, "110108200005104002", [secret.sha256]);
    const unknown = await enroll("bClerk", ORG_IDS.branchB, "110108200005104003", [`0x${"ef".repeat(32)}`]);

    expect(borrowed.status).to.equal(400);
    expect(borrowed.body.error.field).to.equal(unknown.body.error.field);
    expect(borrowed.body.error.message.replace(secret.sha256, "X")).to.equal(
      unknown.body.error.message.replace(`0x${"ef".repeat(32)}`, "X"),
    );
    expect(await rowCount("members")).to.equal(membersBefore);
    await request(instance.app)
      .get(`/api/evidence/${secret.sha256}`)
      .set(await as("bClerk"))
      .expect(404);
  });

  it("should answer an upload the same whether or not another organization stored the same bytes", async function () {
    const first = pdf("思想汇报");
    const fresh = pdf("思想汇报");
    expect((await upload("aClerk", first.content)).status).to.equal(201);

    const again = await upload("bClerk", first.content);
    const novel = await upload("bClerk", fresh.content);

    expect(again.status).to.equal(201);
    expect(novel.status).to.equal(201);
    expect(Object.keys(again.body).sort()).to.deep.equal(Object.keys(novel.body).sort());
    expect(again.body).to.deep.equal({ sha256: first.sha256, contentType: "application/pdf", size: first.content.length });
    // The uploader holds what it sent: its own copy, readable by its own organization.
    await request(instance.app)
      .get(`/api/evidence/${first.sha256}`)
      .set(await as("bClerk"))
      .expect(200);
  });

  it("should refuse an account without personal-data access even within its organization", async function () {
    const file = pdf("培养考察");
    expect((await upload("aClerk", file.content)).status).to.equal(201);

    const auditor = await request(instance.app)
      .get(`/api/evidence/${file.sha256}`)
      .set(await as("aAuditor"));
    expect(auditor.status).to.equal(403);
  });
});
