import { expect } from "chai";
import ExcelJS from "exceljs";
import request from "supertest";
import { ORG_IDS } from "../../../api/src/data-access/testing";
import { ROSTER_COLUMNS } from "../../../api/src/domain/roster/columns";
import { importRoster } from "../../../api/src/domain/roster/import";
import type { Actor } from "../../../api/src/domain/institution";
import type { PersonalData } from "../../../api/src/domain/membership/members";
import { issueTransfer } from "../../../api/src/domain/transfers";
import { walkMember } from "../../../api/src/seed/walk";
import { idNumberOf } from "../../helpers/roster";
import { startTestInstance, type AccountName, type TestInstance } from "../../helpers/service";

const BRANCH_A = "计算机学院本科生第一党支部";
const ACTIVIST: PersonalData = {
  name: "积极分子张三",
  idNumber: idNumberOf("2000-05-10", "M", 1),
  birthDate: "2000-05-10",
  gender: "M",
  ethnicity: "汉族",
  staffNumber: "20190001",
};
const PROBATIONARY: PersonalData = {
  name: "预备党员李四",
  idNumber: idNumberOf("1999-11-02", "F", 2),
  birthDate: "1999-11-02",
  gender: "F",
  ethnicity: "回族",
  staffNumber: "20180002",
};
const APPLICANT_B: PersonalData = {
  name: "乙校申请人王五",
  idNumber: idNumberOf("2001-01-20", "M", 3),
  birthDate: "2001-01-20",
  gender: "M",
};
const DATE_TITLES = ["申请入党日期", "确定入党积极分子日期", "确定发展对象日期", "接收预备党员日期", "转正日期"];

type Row = (string | number | Date | null)[];

/** The workbook's sheets as plain rows (first column first), empty cells null, read back with exceljs. */
async function sheetsOf(bytes: Buffer): Promise<Map<string, Row[]>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheets = new Map<string, Row[]>();
  for (const sheet of workbook.worksheets) {
    const rows: Row[] = [];
    for (let line = 1; line <= sheet.rowCount; line++) {
      const row = sheet.getRow(line);
      rows.push(Array.from({ length: sheet.columnCount }, (_, index) => (row.getCell(index + 1).value ?? null) as Row[number]));
    }
    sheets.set(sheet.name, rows);
  }
  return sheets;
}

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe("Exports", function () {
  this.timeout(120_000);
  let instance: TestInstance;
  let clerkA: Actor;

  before(async function () {
    instance = await startTestInstance();
    const { accounts } = instance.database.repositories;
    const actorOf = async (username: AccountName): Promise<Actor> => {
      const account = (await accounts.findByUsername(username))!;
      return { accountId: account.id, orgId: account.orgId, role: account.role, canReadPersonalData: account.canReadPersonalData };
    };
    clerkA = await actorOf("aClerk");
    const approverA = await actorOf("aApprover");
    await walkMember(instance.institution, clerkA, approverA, { orgId: ORG_IDS.branchA, personal: ACTIVIST, upTo: "S5" });
    const [probationary] = await walkMember(instance.institution, clerkA, approverA, {
      orgId: ORG_IDS.branchA,
      personal: PROBATIONARY,
      upTo: "S18",
    });
    await issueTransfer(instance.institution, approverA, { memberId: probationary.memberId, toOrgId: ORG_IDS.branchB, validDays: 30 });
    await walkMember(instance.institution, await actorOf("bClerk"), await actorOf("bApprover"), {
      orgId: ORG_IDS.branchB,
      personal: APPLICANT_B,
      upTo: "S1",
    });
  });
  after(async () => instance?.close());

  async function download(path: string, account: AccountName) {
    return request(instance.app)
      .get(path)
      .set("Authorization", `Bearer ${await instance.tokenOf(account)}`)
      .set("Accept-Language", "zh-CN")
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => done(null, Buffer.concat(chunks)));
      });
  }

  describe("roster", function () {
    it("should give a clerk with personal-data access every template column and one row per member of the branch, as entered", async function () {
      const response = await download("/api/exports/roster.xlsx", "aClerk");

      expect(response.status).to.equal(200);
      expect(response.headers["content-type"]).to.contain("spreadsheetml");
      expect(decodeURIComponent(response.headers["content-disposition"])).to.contain(`${BRANCH_A}党员名册`);
      const [header, ...rows] = (await sheetsOf(response.body)).get("党员名册")!;
      expect(header).to.deep.equal([...ROSTER_COLUMNS.map((column) => column.title), "发展阶段"]);
      expect(rows).to.have.deep.members([
        [
          "积极分子张三",
          "男",
          "汉族",
          day("2000-05-10"),
          ACTIVIST.idNumber,
          "20190001",
          BRANCH_A,
          day("2019-09-01"),
          day("2020-03-10"),
          null,
          null,
          null,
          "入党积极分子",
        ],
        [
          "预备党员李四",
          "女",
          "回族",
          day("1999-11-02"),
          PROBATIONARY.idNumber,
          "20180002",
          BRANCH_A,
          day("2019-09-01"),
          day("2020-03-10"),
          day("2021-03-15"),
          day("2021-06-20"),
          null,
          "预备党员",
        ],
      ]);
    });

    it("should read back through the roster import: every column recognized, every row found already on file", async function () {
      const file = (await download("/api/exports/roster.xlsx", "aClerk")).body as Buffer;

      const report = await importRoster(instance.institution, clerkA, { bytes: file, fileName: "名册.xlsx", dryRun: true, mapping: {} });

      expect(Object.keys(report.mapping)).to.have.members(ROSTER_COLUMNS.map((column) => column.field));
      expect(report.fileProblems).to.deep.equal([]);
      expect(report.refused).to.deep.equal([]);
      expect(report.skipped).to.deep.equal([
        { line: 2, rule: "roster.onFile" },
        { line: 3, rule: "roster.onFile" },
      ]);
    });

    it("should leave out the personal columns for an auditor without personal-data access, keeping branch, dates and stage", async function () {
      const response = await download("/api/exports/roster.xlsx", "aAuditor");

      expect(response.status).to.equal(200);
      const [header, ...rows] = (await sheetsOf(response.body)).get("党员名册")!;
      expect(header).to.deep.equal(["所在党支部", ...DATE_TITLES, "发展阶段"]);
      expect(rows.map((row) => row.at(-1))).to.have.members(["入党积极分子", "预备党员"]);
      const text = JSON.stringify(rows);
      for (const person of [ACTIVIST, PROBATIONARY]) {
        expect(text).to.not.contain(person.name);
        expect(text).to.not.contain(person.idNumber);
      }
    });

    it("should never put another organization's members in a roster, and refuse another organization's roster naming the rule", async function () {
      const own = await download("/api/exports/roster.xlsx", "bClerk");
      const other = await request(instance.app)
        .get(`/api/exports/roster.xlsx?orgId=${ORG_IDS.branchA}`)
        .set("Authorization", `Bearer ${await instance.tokenOf("bClerk")}`);

      const [, ...rows] = (await sheetsOf(own.body)).get("党员名册")!;
      expect(rows.map((row) => row[0])).to.deep.equal(["乙校申请人王五"]);
      expect(other.status).to.equal(403);
      expect(other.body.error.rule).to.equal("scope.orgSubtree");
    });

    it("should refuse a roster without a login", async function () {
      expect((await request(instance.app).get("/api/exports/roster.xlsx")).status).to.equal(401);
    });
  });

  describe("statistics", function () {
    it("should count the committee's members by stage and branch under a title naming the committee and the date", async function () {
      const response = await download("/api/exports/statistics.xlsx?from=2019-01-01&to=2020-12-31", "aApprover");

      expect(response.status).to.equal(200);
      const sheets = await sheetsOf(response.body);
      expect([...sheets.keys()]).to.deep.equal(["各阶段人数", "逾期", "组织关系转接", "记录的步骤"]);
      const [title, header, ...rows] = sheets.get("各阶段人数")!;
      expect(title[0]).to.match(/^甲大学党委各发展阶段人数（截至\d{4}-\d{2}-\d{2}）$/);
      expect(header).to.deep.equal(["党组织", "入党申请人", "入党积极分子", "发展对象", "预备党员", "正式党员", "合计"]);
      expect(rows).to.deep.equal([
        ["甲大学党委", 0, 0, 0, 0, 0, 0],
        ["计算机学院党总支", 0, 0, 0, 0, 0, 0],
        [BRANCH_A, 0, 1, 0, 1, 0, 2],
        ["合计", 0, 1, 0, 1, 0, 2],
      ]);
    });

    it("should count the overdue by stage as the dashboard does", async function () {
      const statistics = await sheetsOf((await download("/api/exports/statistics.xlsx", "aApprover")).body);
      const dashboard = await request(instance.app)
        .get("/api/dashboard")
        .set("Authorization", `Bearer ${await instance.tokenOf("aApprover")}`);

      const total = statistics.get("逾期")!.at(-1)!;
      expect(total[0]).to.equal("合计");
      expect(total.slice(1, 6)).to.deep.equal(dashboard.body.pipeline.map((stage: { overdue: number }) => stage.overdue));
      // The activist's six-monthly assessment was due in 2020.
      expect(total[2]).to.equal(1);
    });

    it("should count the steps whose effective date lies in the period", async function () {
      const sheets = await sheetsOf((await download("/api/exports/statistics.xlsx?from=2019-01-01&to=2020-12-31", "aApprover")).body);

      const [, header, ...rows] = sheets.get("记录的步骤")!;
      const countOf = (step: string) => rows.find((row) => row[0] === step)![2];
      expect(header).to.deep.equal(["步骤", "名称", "记录数"]);
      expect(["S1", "S2", "S3", "S4", "S5"].map(countOf)).to.deep.equal([2, 2, 2, 2, 2]);
      // The probationary member's first assessment (2020-09-01) is in the period, the second (2021-03-01) and S7 on are not.
      expect(countOf("S6")).to.equal(1);
      expect(countOf("S7")).to.equal(0);
      expect(rows.at(-1)).to.deep.equal(["", "合计", 11]);
    });

    it("should count transfers issued in the period by state, outgoing for the issuer and incoming for the destination", async function () {
      const today = instance.institution.today();
      const issuer = await sheetsOf((await download(`/api/exports/statistics.xlsx?from=${today}&to=${today}`, "aApprover")).body);
      const destination = await sheetsOf((await download(`/api/exports/statistics.xlsx?from=${today}&to=${today}`, "bClerk")).body);
      const earlier = await sheetsOf((await download("/api/exports/statistics.xlsx?from=2019-01-01&to=2020-12-31", "aApprover")).body);

      const [, header, outgoing, incoming] = issuer.get("组织关系转接")!;
      expect(header).to.deep.equal(["方向", "已开出待接收", "接收中", "已接收", "已退回", "已撤销", "已过期", "合计"]);
      expect(outgoing).to.deep.equal(["转出", 1, 0, 0, 0, 0, 0, 1]);
      expect(incoming).to.deep.equal(["转入", 0, 0, 0, 0, 0, 0, 0]);
      expect(destination.get("组织关系转接")![3]).to.deep.equal(["转入", 1, 0, 0, 0, 0, 0, 1]);
      expect(earlier.get("组织关系转接")![2]).to.deep.equal(["转出", 0, 0, 0, 0, 0, 0, 0]);
    });

    it("should refuse a date that is not a calendar day and a period that ends before it begins, naming the field and rule", async function () {
      const token = await instance.tokenOf("aApprover");
      const notADay = await request(instance.app)
        .get("/api/exports/statistics.xlsx?from=2024-02-30")
        .set("Authorization", `Bearer ${token}`);
      const backwards = await request(instance.app)
        .get("/api/exports/statistics.xlsx?from=2024-05-01&to=2024-04-01")
        .set("Authorization", `Bearer ${token}`);

      expect(notADay.status).to.equal(400);
      expect(notADay.body.error.field).to.equal("from");
      expect(backwards.status).to.equal(422);
      expect(backwards.body.error).to.include({ field: "to", rule: "exports.periodOrder" });
    });
  });
});
