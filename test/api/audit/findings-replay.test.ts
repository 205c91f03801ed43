// The audit sweep replays the rules over every member's file and holds each record's stored findings against what the
// rules give: it names what the administrative log check alone passes (a finding removed from the row and its log
// entry alike, records checked against rules edited under their version's name), and finds an instance written only
// through the service clean, whatever way its records came in.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ethers } from "hardhat";
import { createAuditChainReader } from "../../../api/src/chain";
import { createClerk, ORG_IDS } from "../../../api/src/data-access/testing";
import { runAuditSweep, type AuditReport } from "../../../api/src/domain/audit";
import type { Actor, Institution } from "../../../api/src/domain/institution";
import { recordStep } from "../../../api/src/domain/membership/records";
import { importRoster } from "../../../api/src/domain/roster/import";
import { parseRuleSet, type RuleSet } from "../../../api/src/domain/rules";
import { acceptTransfer, getTransfer, issueTransfer } from "../../../api/src/domain/transfers";
import { addMonths } from "../../../api/src/lib/calendar";
import { JOURNEY } from "../../../api/src/seed/journey";
import { walkMember } from "../../../api/src/seed/walk";
import { randomPerson, startAnchoredInstance, type AnchoredInstance } from "../../helpers/anchored";
import { startFederation, type Federation } from "../../helpers/federation";
import { asInsider, rewriteAdminLog } from "../../helpers/insider";
import { idNumberOf, xlsxOf } from "../../helpers/roster";

function sweep(instance: AnchoredInstance): Promise<AuditReport> {
  return runAuditSweep(
    {
      repositories: instance.database.repositories,
      chain: createAuditChainReader(ethers.provider, instance.addresses),
      cipher: instance.institution.cipher,
    },
    { logId: ORG_IDS.committeeA, deadlineSeconds: 3600, fromBlock: 0, now: () => new Date() },
  );
}

/** Each finding as "KIND record id". */
function named(report: AuditReport): string[] {
  return report.findings.map((finding) => `${finding.kind} ${finding.recordId ?? "-"}`);
}

/** The 2014 rules as an operator might have edited them on the server, the version's name unchanged. */
function rulesWithout(...ruleIds: string[]): RuleSet {
  const json = JSON.parse(readFileSync(path.join(__dirname, "../../../rules/2014/rules.json"), "utf8"));
  const kept = (rules: { id: string }[]) => rules.filter((rule) => !ruleIds.includes(rule.id));
  for (const step of json.steps) step.rules = kept(step.rules);
  json.generalRules = kept(json.generalRules);
  return parseRuleSet(json);
}

/** A step's write, a month after the journey's S1 and so past S2's one-month window: the rules leave a finding. */
const LATE_INTERVIEW = { step: "S2", effectiveDate: "2019-11-20", fields: { interviewer: "李老师", summary: "动机端正" }, evidence: [] };

describe("runAuditSweep, the rules replayed over each member's file", function () {
  describe("what the log check alone passes", function () {
    let instance: AnchoredInstance;
    beforeEach(async function () {
      instance = await startAnchoredInstance();
    });
    afterEach(async () => instance?.close());

    it("should name a record whose finding was deleted from its row and its log entry alike, before the log's next checkpoint", async function () {
      const { clerk } = instance.actors;
      const memberId = await instance.walk("S1");
      await instance.anchorAll();
      const late = await recordStep(instance.institution, clerk, memberId, LATE_INTERVIEW);
      expect(late.findings.map((finding) => finding.rule)).to.deep.equal(["S2.withinOneMonth"]);
      const entries = await instance.database.repositories.auditLog.chain();
      const written = entries.findIndex((entry) => entry.action === "record.create" && entry.targetId === String(late.record.id));

      await asInsider(instance, (sql) => sql("DELETE FROM findings WHERE record_id = $1", [late.record.id]));
      await rewriteAdminLog(instance, entries, written, { ...entries[written].details, findings: [] });
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`FINDINGS_MISMATCH ${late.record.id}`]);
      expect(report.findings[0]).to.include({ memberKey: late.record.body!.memberKey, sequence: 2 });
      expect(report.findings[0].detail).to.contain(`record ${late.record.id} (S2) finding(s) [S2.withinOneMonth], but [] are stored`);
    });

    it("should name a record written under rules edited to give no finding where the version's rules give one", async function () {
      const { clerk } = instance.actors;
      const edited: Institution = { ...instance.institution, ruleSet: rulesWithout("S2.withinOneMonth") };
      const memberId = await instance.walk("S1");
      const late = await recordStep(edited, clerk, memberId, LATE_INTERVIEW);
      expect(late.findings).to.deep.equal([]);
      await instance.anchorAll();

      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`FINDINGS_MISMATCH ${late.record.id}`]);
      expect(report.findings[0].detail).to.contain("Replaying rules 2014").and.contain("[S2.withinOneMonth], but [] are stored");
    });

    it("should name a record the version's rules refuse, accepted under rules edited to lack the hard rule", async function () {
      const { clerk, approver } = instance.actors;
      const edited: Institution = { ...instance.institution, ruleSet: rulesWithout("S1.minAge") };
      const [child] = await walkMember(edited, clerk, approver, {
        orgId: ORG_IDS.branchA,
        personal: { ...randomPerson(), birthDate: "2005-01-01" },
        upTo: "S1",
      });
      await instance.anchorAll();

      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`HARD_RULE_BROKEN ${child.record.id}`]);
      expect(report.findings[0].detail).to.contain("so the service would have refused it").and.contain("S1.minAge");
    });

    it("should replay the rest of the instance when a member's record body was altered", async function () {
      const { clerk } = instance.actors;
      const altered = await instance.walk("S3");
      const memberId = await instance.walk("S1");
      const late = await recordStep(instance.institution, clerk, memberId, LATE_INTERVIEW);
      await instance.anchorAll();
      const [, second] = await instance.database.repositories.records.listByMember(altered);

      await asInsider(instance, async (sql) => {
        await sql("UPDATE records SET body = $2 WHERE id = $1", [second.id, Buffer.from("v1:not a sealed body")]);
        await sql("DELETE FROM findings WHERE record_id = $1", [late.record.id]);
      });
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`TAMPERED ${second.id}`, `FINDINGS_MISMATCH ${late.record.id}`]);
    });
  });

  describe("an instance written only through the service", function () {
    let instance: AnchoredInstance | undefined;
    let federation: Federation | undefined;
    afterEach(async function () {
      await instance?.close();
      await federation?.close();
      [instance, federation] = [undefined, undefined];
    });

    it("should find no finding for a member moved between two of its organizations, whose later steps the new one records", async function () {
      instance = await startAnchoredInstance();
      const { repositories } = instance.database;
      const account = await createClerk(repositories, ORG_IDS.generalBranchA);
      const clerk: Actor = { accountId: account.id, orgId: ORG_IDS.generalBranchA, role: "CLERK", canReadPersonalData: true };
      const memberId = await instance.walk("S18");
      const { approver } = instance.actors;
      const moved = await issueTransfer(instance.institution, approver, { memberId, toOrgId: ORG_IDS.generalBranchA, validDays: 30 });
      await acceptTransfer(instance.institution, approver, moved.id);
      for (const record of JOURNEY.filter(({ step }) => ["S19", "S20", "S21"].includes(step))) {
        await recordStep(instance.institution, clerk, memberId, { ...record, evidence: [] });
      }
      await instance.anchorAll();

      const report = await sweep(instance);

      expect((await repositories.members.get(memberId))!.orgId).to.equal(ORG_IDS.generalBranchA);
      expect(report.findings).to.deep.equal([]);
    });

    it("should find no finding with members at every stage, a roster import, a correction and a member received from another instance", async function () {
      federation = await startFederation();
      const { a, b } = federation;
      const { clerk, approver } = b.actors;
      const walkAtB = (upTo: string) =>
        walkMember(b.institution, clerk, approver, { orgId: ORG_IDS.branchB, personal: randomPerson(), upTo, yearsLater: 4 });
      for (const upTo of ["S1", "S3", "S7", "S18", "S25"]) await walkAtB(upTo);

      // A late interview (a finding), corrected to a timely date (none), and the member's next step after the correction.
      const [corrected] = await walkAtB("S1");
      const shifted = (record: { effectiveDate: string }) => addMonths(record.effectiveDate, 48);
      const late = await recordStep(b.institution, clerk, corrected.memberId, {
        ...LATE_INTERVIEW,
        effectiveDate: shifted(LATE_INTERVIEW),
      });
      expect(late.findings).to.have.length(1);
      await recordStep(b.institution, clerk, corrected.memberId, {
        ...LATE_INTERVIEW,
        effectiveDate: shifted(JOURNEY[1]),
        supersedes: { recordId: late.record.id, reasonCode: "CORRECTION_DATE" },
      });
      // The ledger dates a correction the day it is made: the next step cannot be dated before it.
      await recordStep(b.institution, clerk, corrected.memberId, { ...JOURNEY[2], effectiveDate: b.institution.today(), evidence: [] });

      const milestones = ["S1", "S3", "S7", "S15", "S24"].map((step) => JOURNEY.find((record) => record.step === step)!.effectiveDate);
      const roster = await xlsxOf(
        ["姓名", "公民身份号码", "所在党支部", "申请入党日期", "确定入党积极分子日期", "确定发展对象日期", "接收预备党员日期", "转正日期"],
        [
          ["老党员", idNumberOf("1999-01-01", "M", 1), "数学学院党支部", ...milestones],
          ["积极分子", idNumberOf("1999-01-01", "F", 2), "数学学院党支部", ...milestones.slice(0, 2), null, null, null],
        ],
      );
      const imported = await importRoster(b.institution, clerk, { bytes: roster, fileName: "名册.xlsx", dryRun: false });
      expect(imported.imported).to.equal(2);

      // A probationary member of university A received by B, whose later steps B records.
      const received = await federation.walkAtA("S18");
      const transfer = await issueTransfer(a.institution, a.actors.approver, {
        memberId: received,
        toOrgId: ORG_IDS.branchB,
        validDays: 30,
      });
      await federation.settle();
      await acceptTransfer(b.institution, approver, transfer.id);
      await federation.settle();
      const { memberId } = await getTransfer(b.institution, approver, transfer.id);
      for (const record of JOURNEY.filter(({ step }) => ["S19", "S20", "S21"].includes(step))) {
        await recordStep(b.institution, clerk, memberId!, { ...record, effectiveDate: shifted(record), evidence: [] });
      }
      await federation.settle();

      const report = await b.audit();

      expect(report.findings).to.deep.equal([]);
      expect(report.totals.members).to.equal(9);
      expect((await a.audit()).findings).to.deep.equal([]);
    });
  });
});
