import { expect } from "chai";
import request from "supertest";
import { blindIndex } from "../../../api/src/lib/field-encryption";
import { JOURNEY } from "../../../api/src/seed/journey";
import { idNumberOf, withWrongCheckCharacter } from "../../helpers/roster";
import { ORG_IDS, startTestInstance, type AccountName, type TestInstance } from "../../helpers/service";

describe("Correcting a member's personal data through the HTTP API", function () {
  this.timeout(120_000);
  let instance: TestInstance;
  let serial = 0;

  before(async () => {
    instance = await startTestInstance();
  });
  after(async () => {
    await instance.close();
  });

  async function as(account: AccountName) {
    return { Authorization: `Bearer ${await instance.tokenOf(account)}` };
  }

  /** A person with a valid ID number of their own (a serial per test keeps them apart). */
  function person(name = "更正测试") {
    serial += 1;
    return {
      name,
      idNumber: idNumberOf("2000-05-10", "F", serial),
      birthDate: "2000-05-10",
      gender: "F" as const,
      staffNumber: `S${serial}`,
    };
  }

  async function enroll(personal: ReturnType<typeof person>) {
    const [application] = JOURNEY;
    const response = await request(instance.app)
      .post("/api/members")
      .set(await as("aClerk"))
      .send({ orgId: ORG_IDS.branchA, personal, application: { effectiveDate: application.effectiveDate, fields: application.fields } });
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body.memberId as string;
  }

  async function correct(memberId: string, body: object, account: AccountName = "aClerk", language = "zh-CN") {
    return request(instance.app)
      .patch(`/api/members/${memberId}/personal-data`)
      .set(await as(account))
      .set("Accept-Language", language)
      .send(body);
  }

  it("should replace the personal data, keep the old version sealed with who, when and why, and find the member by the new values only", async () => {
    const before = person("李小红");
    const memberId = await enroll(before);
    const after = { ...before, name: "李晓红", idNumber: idNumberOf("2000-05-10", "F", 40), staffNumber: "S-NEW-1" };

    const corrected = await correct(memberId, { personal: after, reasonCode: "TYPING_MISTAKE" });
    expect(corrected.status, JSON.stringify(corrected.body)).to.equal(200);
    expect(corrected.body.personal).to.deep.equal(after);
    const file = await request(instance.app)
      .get(`/api/members/${memberId}`)
      .set(await as("aClerk"))
      .expect(200);
    expect(file.body.personal).to.deep.equal(after);

    const history = await request(instance.app)
      .get(`/api/members/${memberId}/personal-data/history`)
      .set(await as("aClerk"))
      .expect(200);
    expect(history.body.items).to.have.length(1);
    expect(history.body.items[0]).to.deep.include({ personal: before, reasonCode: "TYPING_MISTAKE" });
    expect(history.body.items[0].replacedBy.username).to.be.a("string").and.not.equal("");
    expect(Date.parse(history.body.items[0].replacedAt)).to.be.at.most(Date.now());

    // Sealed at rest: neither the old nor the new name is stored in clear.
    const rows: { personal_data: Buffer }[] = await instance.database.dataSource.query(
      "SELECT personal_data FROM personal_data_history WHERE member_id = $1",
      [memberId],
    );
    expect(rows).to.have.length(1);
    expect(rows[0].personal_data.toString("utf8")).to.not.contain(before.idNumber).and.not.contain("李小红");

    // The keyed indexes follow the correction.
    const byNewId = await request(instance.app)
      .post("/api/members/search")
      .set(await as("aClerk"))
      .send({ idNumber: after.idNumber })
      .expect(200);
    expect(byNewId.body.items.map((item: { id: string }) => item.id)).to.deep.equal([memberId]);
    const byOldId = await request(instance.app)
      .post("/api/members/search")
      .set(await as("aClerk"))
      .send({ idNumber: before.idNumber })
      .expect(200);
    expect(byOldId.body.items).to.deep.equal([]);
    const byNewName = await request(instance.app)
      .post("/api/members/search")
      .set(await as("aClerk"))
      .send({ name: "李晓红", nameMatch: "exact" })
      .expect(200);
    expect(byNewName.body.items.map((item: { id: string }) => item.id)).to.deep.equal([memberId]);
    const byOldStaffNumber = await request(instance.app)
      .post("/api/members/search")
      .set(await as("aClerk"))
      .send({ staffNumber: before.staffNumber })
      .expect(200);
    expect(byOldStaffNumber.body.items).to.deep.equal([]);
    const [member] = await instance.database.dataSource.query("SELECT id_number_index FROM members WHERE id = $1", [memberId]);
    expect(member.id_number_index).to.equal(blindIndex(instance.institution.blindIndexKey, after.idNumber));

    // The activity log names the change and the fields, never their values.
    const [entry]: { details: unknown }[] = await instance.database.dataSource.query(
      "SELECT details FROM audit_log WHERE action = 'member.personalDataCorrect' AND target_id = $1",
      [memberId],
    );
    const details = typeof entry.details === "string" ? JSON.parse(entry.details) : entry.details;
    expect(details).to.include({ reasonCode: "TYPING_MISTAKE" });
    expect(details.fields).to.deep.equal(["idNumber", "name", "staffNumber"]);
    expect(JSON.stringify(details)).to.not.contain("李").and.not.contain(after.idNumber);
  });

  it("should refuse an ID number failing its check character, or disagreeing with the birth date or sex, in Chinese naming the field", async () => {
    const original = person();
    const memberId = await enroll(original);
    const cases = [
      {
        personal: { ...original, idNumber: withWrongCheckCharacter(original.idNumber) },
        field: "personal.idNumber",
        rule: "roster.idNumber.checkDigit",
        zh: "校验码",
      },
      { personal: { ...original, birthDate: "2000-05-11" }, field: "personal.birthDate", rule: "roster.birthDateMismatch", zh: "出生日期" },
      { personal: { ...original, gender: "M" }, field: "personal.gender", rule: "roster.sexMismatch", zh: "性别" },
    ];
    for (const { personal, field, rule, zh } of cases) {
      const refused = await correct(memberId, { personal, reasonCode: "TYPING_MISTAKE" });
      expect(refused.status, rule).to.equal(422);
      expect(refused.body.error).to.include({ code: "RULE_VIOLATION", field, rule });
      expect(refused.body.error.message).to.contain(zh);
    }
    const file = await request(instance.app)
      .get(`/api/members/${memberId}`)
      .set(await as("aClerk"))
      .expect(200);
    expect(file.body.personal).to.deep.equal(original);
    const history = await request(instance.app)
      .get(`/api/members/${memberId}/personal-data/history`)
      .set(await as("aClerk"))
      .expect(200);
    expect(history.body.items).to.deep.equal([]);
  });

  it("should refuse an unlisted reason, an unchanged version and another member's ID number", async () => {
    const first = person();
    const second = person();
    const memberId = await enroll(first);
    await enroll(second);
    const noReason = await correct(memberId, { personal: { ...first, name: "新名字" }, reasonCode: "BECAUSE" });
    expect(noReason.status).to.equal(400);
    expect(noReason.body.error).to.include({ field: "reasonCode" });
    const unchanged = await correct(memberId, { personal: first, reasonCode: "OTHER" });
    expect(unchanged.status).to.equal(422);
    expect(unchanged.body.error).to.include({ rule: "personalData.unchanged" });
    const taken = await correct(memberId, { personal: { ...first, idNumber: second.idNumber }, reasonCode: "TYPING_MISTAKE" });
    expect(taken.status).to.equal(409);
    expect(taken.body.error).to.include({ rule: "member.uniqueIdNumber", field: "personal.idNumber" });
  });

  it("should let only clerks and administrators granted personal data of the member's organizations correct it, and show its history only to those granted it", async () => {
    const original = person();
    const memberId = await enroll(original);
    const change = { personal: { ...original, name: "改名" }, reasonCode: "MEMBER_REQUEST" };
    expect((await correct(memberId, change, "bClerk")).body.error).to.include({ rule: "scope.orgSubtree" });
    expect((await correct(memberId, change, "aApprover")).body.error).to.include({ rule: "auth.role" });
    expect((await correct(memberId, change, "aAuditor")).body.error).to.include({ rule: "auth.role" });
    const history = await request(instance.app)
      .get(`/api/members/${memberId}/personal-data/history`)
      .set(await as("aAuditor"));
    expect(history.status).to.equal(403);
    expect(history.body.error).to.include({ rule: "personalData.notGranted" });
    const file = await request(instance.app)
      .get(`/api/members/${memberId}`)
      .set(await as("aClerk"))
      .expect(200);
    expect(file.body.personal).to.deep.equal(original);
  });
});
