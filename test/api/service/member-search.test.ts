import { expect } from "chai";
import request from "supertest";
import { fillMissingSearchTokens, sealPersonalData, newMemberKey } from "../../../api/src/domain/membership/members";
import { JOURNEY } from "../../../api/src/seed/journey";
import { ORG_IDS, startTestInstance, type AccountName, type TestInstance } from "../../helpers/service";

interface Person {
  name: string;
  idNumber: string;
  staffNumber?: string;
}

describe("Finding members: search by name, 学号/工号 and ID number, and the list's filters", function () {
  this.timeout(120_000);
  let instance: TestInstance;
  const ids: Record<string, string> = {};

  async function as(account: AccountName) {
    return { Authorization: `Bearer ${await instance.tokenOf(account)}` };
  }

  async function enroll(account: AccountName, orgId: number, person: Person, applicationDate = JOURNEY[0].effectiveDate) {
    const response = await request(instance.app)
      .post("/api/members")
      .set(await as(account))
      .send({
        orgId,
        personal: { ...person, birthDate: "2000-05-10" },
        application: { effectiveDate: applicationDate, fields: JOURNEY[0].fields },
      });
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response.body.memberId as string;
  }

  async function search(account: AccountName, body: object) {
    const response = await request(instance.app)
      .post("/api/members/search")
      .set(await as(account))
      .send(body);
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body.items.map((item: { personal: { name: string } }) => item.personal.name).sort() as string[];
  }

  async function list(account: AccountName, query: string) {
    const response = await request(instance.app)
      .get(`/api/members?${query}`)
      .set(await as(account));
    expect(response.status, JSON.stringify(response.body)).to.equal(200);
    return response.body as { items: { id: string; personal: { name: string }; findingCount: number }[]; nextCursor: string | null };
  }

  before(async () => {
    instance = await startTestInstance();
    ids.zhangSan = await enroll("aClerk", ORG_IDS.branchA, { name: "张三", idNumber: "110108200005100011", staffNumber: "20240001" });
    ids.zhangSanFeng = await enroll(
      "aClerk",
      ORG_IDS.branchA,
      { name: "张三丰", idNumber: "110108200005100012", staffNumber: "20240002" },
      instance.institution.today(),
    );
    ids.liSi = await enroll("aClerk", ORG_IDS.branchA, { name: "李四", idNumber: "110108200005100013" });
    // Another university's members with the same name and staff number: never found by university A.
    ids.otherZhangSan = await enroll("bClerk", ORG_IDS.branchB, { name: "张三", idNumber: "110108200005100014", staffNumber: "20240001" });
    const lateTalk = await request(instance.app)
      .post(`/api/members/${ids.liSi}/records`)
      .set(await as("aClerk"))
      .send({ step: "S2", effectiveDate: "2019-11-20", fields: { interviewer: "李老师", summary: "动机端正" } });
    expect(lateTalk.body.findings.map((finding: { rule: string }) => finding.rule)).to.deep.equal(["S2.withinOneMonth"]);
  });
  after(async () => {
    await instance.close();
  });

  it("should find members whose name begins with what was typed, and only the whole name when asked for exact", async () => {
    expect(await search("aClerk", { name: "张" })).to.deep.equal(["张三", "张三丰"]);
    expect(await search("aClerk", { name: "张三" })).to.deep.equal(["张三", "张三丰"]);
    expect(await search("aClerk", { name: "张三", nameMatch: "exact" })).to.deep.equal(["张三"]);
    expect(await search("aClerk", { name: " 张 三丰 " }), "spaces are not part of a name").to.deep.equal(["张三丰"]);
    expect(await search("aClerk", { name: "三" }), "only beginnings match").to.deep.equal([]);
    expect(await search("aClerk", { name: "王" })).to.deep.equal([]);
  });

  it("should find a member by 学号/工号 and by ID number", async () => {
    expect(await search("aClerk", { staffNumber: "20240002" })).to.deep.equal(["张三丰"]);
    expect(await search("aClerk", { staffNumber: "2024000" }), "a staff number matches whole").to.deep.equal([]);
    expect(await search("aClerk", { idNumber: "110108200005100013" })).to.deep.equal(["李四"]);
  });

  it("should never find another organization's members, by any of the three", async () => {
    const found = await request(instance.app)
      .post("/api/members/search")
      .set(await as("aClerk"))
      .send({ staffNumber: "20240001" })
      .expect(200);
    expect(found.body.items.map((item: { id: string }) => item.id)).to.deep.equal([ids.zhangSan]);
    expect(await search("bClerk", { name: "张" })).to.deep.equal(["张三"]);
    expect(await search("bClerk", { idNumber: "110108200005100011" })).to.deep.equal([]);
    const outOfScope = await request(instance.app)
      .post("/api/members/search")
      .set(await as("aClerk"))
      .send({ name: "张", orgId: ORG_IDS.branchB });
    expect(outOfScope.status).to.equal(403);
    expect(outOfScope.body.error.rule).to.equal("scope.orgSubtree");
  });

  it("should keep names and staff numbers out of the database in clear: only keyed tokens", async () => {
    const rows: { staff_number_index: string; name_tokens: string[] }[] = await instance.database.dataSource.query(
      "SELECT staff_number_index, name_tokens FROM members WHERE id = $1",
      [ids.zhangSanFeng],
    );
    expect(rows[0].staff_number_index)
      .to.match(/^[0-9a-f]{64}$/)
      .and.not.include("20240002");
    // One token per prefix (张, 张三, 张三丰) and one for the whole name.
    expect(rows[0].name_tokens).to.have.length(4);
    for (const token of rows[0].name_tokens) expect(token).to.match(/^[0-9a-f]{64}$/);
  });

  it("should refuse a search that names no field or two, naming the field", async () => {
    const none = await request(instance.app)
      .post("/api/members/search")
      .set(await as("aClerk"))
      .send({});
    expect(none.status).to.equal(400);
    expect(none.body.error.field).to.equal("name");
    const two = await request(instance.app)
      .post("/api/members/search")
      .set(await as("aClerk"))
      .send({ name: "张", staffNumber: "20240001" });
    expect(two.status).to.equal(400);
    const badIdNumber = await request(instance.app)
      .post("/api/members/search")
      .set(await as("aClerk"))
      .send({ idNumber: "12345" });
    expect(badIdNumber.status).to.equal(400);
    expect(badIdNumber.body.error.field).to.equal("idNumber");
  });

  it("should filter the list by overdue, by findings and by stage, and combine a filter with a search", async () => {
    const overdue = await list("aClerk", "overdue=true");
    // 张三 has waited for the talk (S2) since 2019; 张三丰 applied today; 李四 had the talk.
    expect(overdue.items.map((item) => item.personal.name)).to.deep.equal(["张三"]);
    const withFindings = await list("aClerk", "withFindings=true");
    expect(withFindings.items.map((item) => [item.personal.name, item.findingCount])).to.deep.equal([["李四", 1]]);
    expect((await list("aClerk", "stage=ACTIVIST")).items).to.deep.equal([]);
    expect((await list("aClerk", "stage=APPLICANT&status=ACTIVE")).items).to.have.length(3);
    expect(await search("aClerk", { name: "张", overdue: true })).to.deep.equal(["张三"]);
  });

  it("should list one branch of the caller's subtree, oldest or newest first, a page at a time", async () => {
    const { repositories } = instance.institution;
    const memberKey = newMemberKey();
    const person = { name: "王五", idNumber: "110108200005100015", birthDate: "2000-05-10" };
    await repositories.members.create({
      memberKey,
      orgId: ORG_IDS.generalBranchA,
      stage: "APPLICANT",
      ...sealPersonalData(instance.institution, memberKey, ORG_IDS.generalBranchA, person),
    });

    const branch = await list("aApprover", `orgId=${ORG_IDS.branchA}`);
    expect(branch.items.map((item) => item.personal.name)).to.deep.equal(["李四", "张三丰", "张三"]);
    const whole = await list("aApprover", "order=oldest&limit=2");
    expect(whole.items.map((item) => item.personal.name)).to.deep.equal(["张三", "张三丰"]);
    const next = await list("aApprover", `order=oldest&limit=2&cursor=${whole.nextCursor}`);
    expect(next.items.map((item) => item.personal.name)).to.deep.equal(["李四", "王五"]);
    expect(next.nextCursor).to.equal(null);
  });

  it("should fill the tokens of members written before they existed, so they are found again", async () => {
    await instance.database.dataSource.query("UPDATE members SET name_tokens = NULL, staff_number_index = NULL");
    expect(await search("aClerk", { name: "张" })).to.deep.equal([]);

    expect(await fillMissingSearchTokens(instance.institution, 2)).to.equal(5);

    expect(await search("aClerk", { name: "张" })).to.deep.equal(["张三", "张三丰"]);
    expect(await search("aClerk", { staffNumber: "20240001" })).to.deep.equal(["张三"]);
    expect(await search("bClerk", { staffNumber: "20240001" })).to.deep.equal(["张三"]);
    expect(await fillMissingSearchTokens(instance.institution), "nothing is left to fill").to.equal(0);
  });
});
