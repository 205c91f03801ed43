import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { createClerk, openScratchDatabase, ORG_IDS, seedConsortium, type ScratchDatabase } from "../../../api/src/data-access/testing";
import type { Actor, Institution } from "../../../api/src/domain/institution";
import { importRoster } from "../../../api/src/domain/roster/import";
import { parseRuleSet } from "../../../api/src/domain/rules";
import { createInstitution } from "../../../api/src/server";
import { idNumberOf, xlsxOf } from "../../helpers/roster";

/** The 2014 rules with one soft rule more, decided by dates alone: an activist selected within a year of applying. */
function rulesWithSoftDateRule() {
  const json = JSON.parse(readFileSync(path.join(__dirname, "../../../rules/2014/rules.json"), "utf8"));
  const s3 = json.steps.find((step: { code: string }) => step.code === "S3");
  s3.rules.push({
    id: "S3.withinAYear",
    kind: "atMostAfter",
    severity: "soft",
    field: "effectiveDate",
    params: { step: "S1", months: 12 },
    description: { zh: "确定入党积极分子宜在申请入党一年之内", en: "An activist is usually selected within a year of applying" },
  });
  return parseRuleSet(json);
}

describe("Roster import findings", function () {
  this.timeout(60_000);
  let database: ScratchDatabase;
  let institution: Institution;
  let actor: Actor;

  before(async function () {
    database = await openScratchDatabase(process.env.DATABASE_URL);
    await seedConsortium(database.repositories);
    const clerk = await createClerk(database.repositories, ORG_IDS.branchA);
    actor = { accountId: clerk.id, orgId: ORG_IDS.branchA, role: "CLERK", canReadPersonalData: true };
    institution = {
      ...createInstitution(database.dataSource, {
        fieldEncryptionKey: randomBytes(32).toString("hex"),
        blindIndexKey: randomBytes(32).toString("hex"),
      }),
      ruleSet: rulesWithSoftDateRule(),
    };
  });
  after(async () => database?.close());

  it("should store a soft rule's finding with its archival record and name it in the administrative log, as the audit sweep expects", async function () {
    const file = await xlsxOf(
      ["姓名", "公民身份号码", "所在党支部", "申请入党日期", "确定入党积极分子日期"],
      [
        ["迟选", idNumberOf("1999-01-01", "M", 1), "计算机学院本科生第一党支部", "2020-03-01", "2021-09-01"],
        ["按时", idNumberOf("1999-01-01", "M", 2), "计算机学院本科生第一党支部", "2020-03-01", "2020-09-01"],
      ],
    );

    const report = await importRoster(institution, actor, { bytes: file, fileName: "名册.xlsx", dryRun: false });

    expect(report.imported).to.equal(2);
    expect(report.findings).to.equal(1);
    const stored = await database.repositories.instanceScan.findingRules();
    expect(stored.map((entry) => entry.rules)).to.deep.equal([["S3.withinAYear"]]);
    const logged = await database.repositories.instanceScan.loggedFindingRules();
    expect(logged.map(({ recordId, rules }) => ({ recordId, rules }))).to.deep.equal(stored);
  });
});
