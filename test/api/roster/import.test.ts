import { expect } from "chai";
import request from "supertest";
import { ORG_IDS } from "../../../api/src/data-access/testing";
import { hashPassword } from "../../../api/src/http/auth/password";
import { dayNumber } from "../../../api/src/lib/calendar";
import { E2E_PASSWORD } from "../../helpers/e2e";
import { startHttpAnchoredInstance, type HttpAnchoredInstance } from "../../helpers/e2e-hardhat";
import { Stage } from "../../helpers/fixture";
import { gbkCsvOf, idNumberOf, withWrongCheckCharacter, xlsxOf, type RosterRows } from "../../helpers/roster";

const ADMIN = "roster-admin";
const BRANCH = "计算机学院本科生第一党支部";
const GENERAL_BRANCH = "计算机学院党总支";
// The file's own names for some columns: 身份证号 and 学号 are synonyms the import knows.
const HEADERS = [
  "姓名",
  "性别",
  "民族",
  "出生日期",
  "身份证号",
  "学号",
  "所在党支部",
  "申请入党日期",
  "确定入党积极分子日期",
  "确定发展对象日期",
  "接收预备党员日期",
  "转正日期",
];

interface Person {
  name: string;
  sex: "M" | "F";
  birthDate: string;
  branch: string;
  dates: (string | null)[];
  stage: number;
}

/** One member at every stage, one whose earliest dates the files lost, dates as spreadsheet dates or as text. */
const CLEAN: Person[] = [
  {
    name: "申请人甲",
    sex: "M",
    birthDate: "2003-02-11",
    branch: BRANCH,
    dates: ["2024-03-01", null, null, null, null],
    stage: Stage.Applicant,
  },
  {
    name: "积极分子乙",
    sex: "F",
    birthDate: "2002-07-30",
    branch: BRANCH,
    dates: ["2023-03-01", "2023-09-15", null, null, null],
    stage: Stage.Activist,
  },
  {
    name: "发展对象丙",
    sex: "M",
    birthDate: "2001-01-05",
    branch: GENERAL_BRANCH,
    dates: ["2021-03-01", "2021-09-10", "2022-10-12", null, null],
    stage: Stage.Candidate,
  },
  {
    name: "预备党员丁",
    sex: "F",
    birthDate: "2000-12-24",
    branch: BRANCH,
    dates: ["2022-03-01", "2022-09-01", "2023-09-05", "2026-03-20", null],
    stage: Stage.Probationary,
  },
  {
    name: "正式党员戊",
    sex: "M",
    birthDate: "1996-05-18",
    branch: BRANCH,
    dates: ["2015-03-01", "2015-09-10", "2016-10-12", "2017-05-20", "2018-05-25"],
    stage: Stage.Full,
  },
  {
    name: "老党员己",
    sex: "F",
    birthDate: "1985-10-02",
    branch: GENERAL_BRANCH,
    dates: [null, null, "2008-10-01", "2009-06-01", "2010-06-01"],
    stage: Stage.Full,
  },
];

function rowOf(person: Person, index: number, asText: boolean): (string | Date | null)[] {
  const date = (iso: string | null) => (iso === null ? null : asText ? iso.replace(/-/g, "/") : new Date(`${iso}T00:00:00Z`));
  return [
    person.name,
    person.sex === "M" ? "男" : "女",
    "汉族",
    date(person.birthDate),
    idNumberOf(person.birthDate, person.sex, index),
    `2024${String(index).padStart(4, "0")}`,
    person.branch,
    ...person.dates.map(date),
  ];
}

describe("Roster import", function () {
  this.timeout(180_000);
  let instance: HttpAnchoredInstance;
  let token: string;
  let adminId: string;
  const upload = (file: Buffer, fileName: string, dryRun: boolean) =>
    request(instance.baseUrl)
      .post("/api/roster-imports")
      .query({ fileName, dryRun: String(dryRun) })
      .set("authorization", `Bearer ${token}`)
      .set("accept-language", "zh-CN")
      .set("content-type", "application/octet-stream")
      .send(file);
  const get = (path: string) => request(instance.baseUrl).get(path).set("authorization", `Bearer ${token}`).expect(200);
  const count = async (table: string) =>
    Number((await instance.anchored.database.dataSource.query(`SELECT count(*) AS n FROM ${table}`))[0].n);

  before(async function () {
    instance = await startHttpAnchoredInstance();
    await instance.anchored.worker.stop();
    const admin = await instance.anchored.database.repositories.accounts.create({
      username: ADMIN,
      passwordHash: await hashPassword(E2E_PASSWORD),
      role: "ORG_ADMIN",
      orgId: ORG_IDS.committeeA,
      canReadPersonalData: true,
    });
    adminId = admin.id;
    token = (await request(instance.baseUrl).post("/api/auth/login").send({ username: ADMIN, password: E2E_PASSWORD }).expect(200)).body
      .token;
  });
  after(async () => instance?.stop());

  describe("a clean roster (.xlsx) of members at every stage", function () {
    let file: Buffer;
    let sha256: string;

    before(async function () {
      file = await xlsxOf(
        HEADERS,
        CLEAN.map((person, index) => rowOf(person, index, index % 2 === 1)),
      );
    });

    it("should check every row in a dry run, show the column mapping, and write nothing", async function () {
      const report = (await upload(file, "党员名册.xlsx", true).expect(200)).body;

      expect(report.dryRun).to.equal(true);
      expect(report.mapping).to.include({
        idNumber: "身份证号",
        staffNumber: "学号",
        branch: "所在党支部",
        branchMeetingDate: "接收预备党员日期",
      });
      expect(report.refused).to.deep.equal([]);
      expect(report.accepted).to.equal(CLEAN.length);
      expect(report.imported).to.equal(0);
      expect(report.byStage).to.deep.equal({ APPLICANT: 1, ACTIVIST: 1, CANDIDATE: 1, PROBATIONARY: 1, FULL: 2 });
      expect(await count("members")).to.equal(0);
      expect(await count("outbox")).to.equal(0);
    });

    it("should import every row, and each member's stage and key dates agree on chain once anchored", async function () {
      const report = (await upload(file, "党员名册.xlsx", false).expect(200)).body;
      sha256 = report.file.sha256;
      expect(report.imported).to.equal(CLEAN.length);
      await instance.anchored.anchorAll();

      for (const [index, person] of CLEAN.entries()) {
        const [found] = (
          await request(instance.baseUrl)
            .post("/api/members/search")
            .set("authorization", `Bearer ${token}`)
            .send({ idNumber: idNumberOf(person.birthDate, person.sex, index) })
            .expect(200)
        ).body.items;
        expect(found.personal, person.name).to.include({
          name: person.name,
          birthDate: person.birthDate,
          gender: person.sex,
          staffNumber: `2024${String(index).padStart(4, "0")}`,
        });
        const records = (await get(`/api/members/${found.id}/records`)).body.items;
        const given = person.dates.filter((date): date is string => date !== null);
        expect(
          records.map((record: { effectiveDate: string }) => record.effectiveDate),
          person.name,
        ).to.deep.equal(given);

        const onChain = await instance.anchored.consortium.membership.member(found.memberKey);
        const [application, activist, candidate, branchMeeting] = person.dates;
        const day = (iso: string | null) => (iso === null ? 0 : dayNumber(iso));
        expect(Number(onChain.stage), person.name).to.equal(person.stage);
        expect(Number(onChain.orgId)).to.equal(person.branch === BRANCH ? ORG_IDS.branchA : ORG_IDS.generalBranchA);
        expect(Number(onChain.activistDay)).to.equal(day(activist));
        expect(Number(onChain.candidateDay)).to.equal(day(candidate));
        expect(Number(onChain.branchMeetingDay)).to.equal(day(branchMeeting));
        expect(Number(onChain.lastEffectiveDay)).to.equal(day(given.at(-1)!));
        expect(Number(onChain.recordCount)).to.equal(given.length);
        expect(onChain.head).to.equal(records.at(-1).recordHash);
        expect(application === null || day(application) <= day(given.at(-1)!)).to.equal(true);
      }
    });

    it("should mark the archival records in the record, in the proof bundle and on chain", async function () {
      const [found] = (
        await request(instance.baseUrl)
          .post("/api/members/search")
          .set("authorization", `Bearer ${token}`)
          .send({ idNumber: idNumberOf(CLEAN[4].birthDate, CLEAN[4].sex, 4) })
          .expect(200)
      ).body.items;
      const records = (await get(`/api/members/${found.id}/records`)).body.items;
      for (const record of records) {
        expect(record.body.archival).to.deep.equal({ sourceSha256: sha256, importedBy: adminId });
        expect(record.anchoring.state).to.equal("FINAL");
      }

      const bundle = (await get(`/api/records/${records[2].id}/proof`)).body;
      expect(bundle.record.body.archival).to.deep.equal({ sourceSha256: sha256, importedBy: adminId });
      const verdict = (await request(instance.baseUrl).post("/api/verify").send({ bundle }).expect(200)).body;
      expect(verdict.verdict).to.equal("VALID");

      const memberBundle = (await get(`/api/members/${found.id}/proof`)).body;
      expect(memberBundle.records.map((record: { body: { archival: unknown } }) => record.body.archival)).to.deep.equal(
        Array(5).fill({ sourceSha256: sha256, importedBy: adminId }),
      );
      const memberVerdict = (await request(instance.baseUrl).post("/api/verify").send({ bundle: memberBundle }).expect(200)).body;
      expect(
        memberVerdict.verdict,
        JSON.stringify(memberVerdict.steps.filter((step: { status: string }) => step.status !== "passed")),
      ).to.equal("VALID");

      const { membership } = instance.anchored.consortium;
      const [event] = await membership.queryFilter(membership.filters.MemberRegisteredFromArchive(found.memberKey));
      expect(event.args.stage).to.equal(BigInt(Stage.Full));
      expect(event.args.dates.conversionDay).to.equal(BigInt(dayNumber("2018-05-25")));
    });

    it("should hold the imported members to the full rules from their stage on: the next steps follow it", async function () {
      const nextOf = async (index: number) => {
        const person = CLEAN[index];
        const [found] = (
          await request(instance.baseUrl)
            .post("/api/members/search")
            .set("authorization", `Bearer ${token}`)
            .send({ idNumber: idNumberOf(person.birthDate, person.sex, index) })
            .expect(200)
        ).body.items;
        return (await get(`/api/members/${found.id}`)).body.nextSteps.map((next: { step: string }) => next.step);
      };
      expect(await nextOf(0)).to.deep.equal(["S2"]);
      expect(await nextOf(1))
        .to.include.members(["S4", "S5", "S6"])
        .and.not.include("S7");
      expect(await nextOf(3))
        .to.include.members(["S18", "S19", "S20", "S21"])
        .and.not.include("S24");
      expect(await nextOf(4)).to.deep.equal(["S18", "S25"]);
    });

    it("should import nothing on a second run of the same file, naming each row as already on file", async function () {
      const [members, records, outbox] = [await count("members"), await count("records"), await count("outbox")];
      const report = (await upload(file, "党员名册.xlsx", false).expect(200)).body;

      expect(report.imported).to.equal(0);
      expect(report.skipped.map((row: { line: number }) => row.line)).to.deep.equal([2, 3, 4, 5, 6, 7]);
      expect(report.skipped.every((row: { rule: string }) => row.rule === "roster.onFile")).to.equal(true);
      expect([await count("members"), await count("records"), await count("outbox")]).to.deep.equal([members, records, outbox]);
    });
  });

  describe("a roster with bad rows (GBK .csv)", function () {
    const good = (serial: number) => [
      "好人",
      "男",
      "汉族",
      "1999-04-01",
      idNumberOf("1999-04-01", "M", serial),
      "",
      BRANCH,
      "2020-03-01",
      "2020-09-01",
      "",
      "",
      "",
    ];
    const duplicate = idNumberOf("1999-04-02", "F", 1);
    /** Each bad row, and the column and rule its refusal must name. */
    const BAD: { row: (string | null)[]; column: string; rule: string; zh: string }[] = [
      {
        row: [
          "校验错",
          "男",
          "汉族",
          "",
          withWrongCheckCharacter(idNumberOf("1998-01-01", "M", 2)),
          "",
          BRANCH,
          "2020-03-01",
          "",
          "",
          "",
          "",
        ],
        column: "身份证号",
        rule: "roster.idNumber.checkDigit",
        zh: "校验码",
      },
      {
        row: ["生日错", "男", "汉族", "1998-01-02", idNumberOf("1998-01-01", "M", 3), "", BRANCH, "2020-03-01", "", "", "", ""],
        column: "出生日期",
        rule: "roster.birthDateMismatch",
        zh: "出生日期",
      },
      {
        row: ["性别错", "女", "汉族", "", idNumberOf("1998-01-01", "M", 4), "", BRANCH, "2020-03-01", "", "", "", ""],
        column: "性别",
        rule: "roster.sexMismatch",
        zh: "性别",
      },
      {
        row: ["支部错", "男", "汉族", "", idNumberOf("1998-01-01", "M", 5), "", "数学学院党支部", "2020-03-01", "", "", "", ""],
        column: "所在党支部",
        rule: "roster.unknownBranch",
        zh: "党支部",
      },
      {
        row: ["未满一年", "男", "汉族", "", idNumberOf("1998-01-01", "M", 6), "", BRANCH, "2019-03-01", "2019-09-01", "2020-08-31", "", ""],
        column: "确定发展对象日期",
        rule: "S7.minInterval",
        zh: "满一年",
      },
      {
        row: ["未成年", "男", "汉族", "", idNumberOf("2005-06-01", "M", 7), "", BRANCH, "2022-03-01", "", "", "", ""],
        column: "申请入党日期",
        rule: "S1.minAge",
        zh: "十八周岁",
      },
      {
        row: ["将来日期", "男", "汉族", "", idNumberOf("1998-01-01", "M", 8), "", BRANCH, "2099-03-01", "", "", "", ""],
        column: "申请入党日期",
        rule: "general.notInFuture",
        zh: "不得晚于今天",
      },
      {
        row: ["日期乱写", "男", "汉族", "", idNumberOf("1998-01-01", "M", 9), "", BRANCH, "去年春天", "", "", "", ""],
        column: "申请入党日期",
        rule: "roster.dateFormat",
        zh: "日期",
      },
      {
        row: ["倒序", "男", "汉族", "", idNumberOf("1998-01-01", "M", 10), "", BRANCH, "2020-03-01", "2020-01-01", "", "", ""],
        column: "确定入党积极分子日期",
        rule: "S3.notBeforeApplication",
        zh: "不得早于",
      },
      {
        row: ["重复一", "女", "汉族", "", duplicate, "", BRANCH, "2020-03-01", "", "", "", ""],
        column: "身份证号",
        rule: "roster.duplicateInFile",
        zh: "不止一次",
      },
      {
        row: ["重复二", "女", "汉族", "", duplicate, "", BRANCH, "2021-03-01", "", "", "", ""],
        column: "身份证号",
        rule: "roster.duplicateInFile",
        zh: "不止一次",
      },
    ];

    it("should report each bad row with its column and rule in Chinese, and import only the good rows", async function () {
      const rows: RosterRows = [good(20), ...BAD.map((bad) => bad.row), good(21)];
      const [members, records] = [await count("members"), await count("records")];

      const dryRun = (await upload(gbkCsvOf(HEADERS, rows), "发展党员台账.csv", true).expect(200)).body;
      expect(dryRun.file.encoding).to.equal("gbk");
      expect(dryRun.refused.map((row: { line: number }) => row.line)).to.deep.equal(BAD.map((_, index) => index + 3));
      for (const [index, bad] of BAD.entries()) {
        const refused = dryRun.refused[index];
        expect(
          refused.problems.map((p: { rule: string }) => p.rule),
          bad.row[0]!,
        ).to.include(bad.rule);
        const named = refused.problems.find((p: { rule: string }) => p.rule === bad.rule);
        expect(named.column, bad.row[0]!).to.equal(bad.column);
        expect(named.message.zh, bad.row[0]!).to.contain(bad.zh);
        expect(named.message.en, bad.row[0]!).to.match(/[a-z]/);
      }

      const report = (await upload(gbkCsvOf(HEADERS, rows), "发展党员台账.csv", false).expect(200)).body;
      expect(report.imported).to.equal(2);
      expect(report.refused).to.have.length(BAD.length);
      expect(await count("members")).to.equal(members + 2);
      expect(await count("records")).to.equal(records + 4);
      for (const serial of [20, 21]) {
        const { items } = (
          await request(instance.baseUrl)
            .post("/api/members/search")
            .set("authorization", `Bearer ${token}`)
            .send({ idNumber: idNumberOf("1999-04-01", "M", serial) })
            .expect(200)
        ).body;
        expect(items).to.have.length(1);
      }
    });

    it("should refuse a file without a required column, naming the column, and write nothing", async function () {
      const members = await count("members");
      const report = (await upload(gbkCsvOf(["姓名", "申请入党日期"], [["某人", "2020-03-01"]]), "名册.csv", false).expect(200)).body;

      expect(report.fileProblems.map((p: { column: string }) => p.column)).to.deep.equal(["公民身份号码", "所在党支部"]);
      expect(report.fileProblems[0].message.zh).to.contain("缺少");
      expect(report.imported).to.equal(0);
      expect(await count("members")).to.equal(members);
    });
  });

  describe("who may import", function () {
    it("should refuse an approver before reading the file", async function () {
      await instance.anchored.database.repositories.accounts.create({
        username: "roster-approver",
        passwordHash: await hashPassword(E2E_PASSWORD),
        role: "APPROVER",
        orgId: ORG_IDS.committeeA,
        canReadPersonalData: true,
      });
      const approverToken = (
        await request(instance.baseUrl).post("/api/auth/login").send({ username: "roster-approver", password: E2E_PASSWORD }).expect(200)
      ).body.token;
      const response = await request(instance.baseUrl)
        .post("/api/roster-imports")
        .query({ fileName: "x.csv" })
        .set("authorization", `Bearer ${approverToken}`)
        .set("content-type", "application/octet-stream")
        .send(Buffer.alloc(1024));
      expect(response.status).to.equal(403);
      expect(response.body.error.rule).to.equal("auth.role");
    });

    it("should give the template with every column the import reads", async function () {
      const response = await request(instance.baseUrl)
        .get("/api/roster-imports/template")
        .set("authorization", `Bearer ${token}`)
        .buffer(true)
        .parse((res, done) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      const ExcelJS = (await import("exceljs")).default;
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(response.body);
      const headers = (workbook.worksheets[0].getRow(1).values as unknown[]).slice(1);
      expect(headers).to.include.members(["姓名", "公民身份号码", "所在党支部", "申请入党日期", "接收预备党员日期", "转正日期"]);
    });

    it("should list the columns the portal maps a file's headers to, titled as in the template, the required ones marked", async function () {
      const { items } = (await get("/api/roster-imports/columns")).body as { items: { field: string; title: string; required: boolean }[] };
      expect(items.filter((column) => column.required).map((column) => column.title)).to.deep.equal(["姓名", "公民身份号码", "所在党支部"]);
      expect(items.find((column) => column.field === "applicationDate")).to.deep.equal({
        field: "applicationDate",
        title: "申请入党日期",
        required: false,
      });
    });
  });
});
