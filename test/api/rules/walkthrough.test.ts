import { expect } from "chai";
import { evaluateStep, loadRuleSet, type HistoryRecord } from "../../../api/src/domain/rules";
import { BIRTH_DATE, JOURNEY, TODAY, VOTE_9_OF_9 } from "./journey";

describe("rules 2014", function () {
  const rules = loadRuleSet("2014");
  const member = { birthDate: BIRTH_DATE };
  const facts = { approvingOrgMayApprove: true };

  function walk(records: readonly HistoryRecord[]) {
    const history: HistoryRecord[] = [];
    return records.map((record) => {
      const evaluation = evaluateStep(rules, { ...record, history: [...history], member, facts, today: TODAY });
      history.push(record);
      return { step: record.step, ...evaluation };
    });
  }

  describe("a member walking through all 25 steps", function () {
    it("should record every step without violation or finding", function () {
      const evaluations = walk(JOURNEY);
      expect(new Set(evaluations.map((e) => e.step)).size).to.equal(25);
      for (const { step, violations, findings } of evaluations) {
        expect(violations, step).to.deep.equal([]);
        expect(findings, step).to.deep.equal([]);
      }
    });

    it("should imply the MembershipLedger call of each stage change and append otherwise", function () {
      const actions = Object.fromEntries(walk(JOURNEY).map((e) => [e.step, e.chainAction]));
      expect(actions).to.include({
        S1: "register",
        S3: "selectActivist",
        S7: "selectCandidate",
        S17: "admit",
        S24: "convert",
      });
      for (const step of ["S2", "S4", "S6", "S13", "S15", "S18", "S23", "S25"])
        expect(actions[step], step).to.equal("append");
    });

    it("should start probation at the branch meeting and date full membership from its end", function () {
      const evaluations = walk(JOURNEY);
      const admission = evaluations.find((e) => e.step === "S17")!;
      const conversion = evaluations.find((e) => e.step === "S24")!;
      expect(admission.dates).to.deep.equal({ branchMeetingDate: "2021-06-20", probationEndDate: "2022-06-20" });
      expect(conversion.dates).to.deep.equal({ probationEndDate: "2022-06-20", fullMembershipDate: "2022-06-20" });
    });
  });

  describe("a probation extended once", function () {
    const firstRound = JOURNEY.slice(
      0,
      JOURNEY.findIndex((r) => r.step === "S23")
    );
    const extension: HistoryRecord[] = [
      { step: "S23", effectiveDate: "2022-06-20", fields: { ...VOTE_9_OF_9, outcome: "EXTEND", extensionMonths: 6 } },
      { step: "S24", effectiveDate: "2022-07-01", fields: { approvingOrgId: 2 } },
    ];
    const secondRound: HistoryRecord[] = [
      { step: "S22", effectiveDate: "2022-12-01", fields: {} },
      { step: "S23", effectiveDate: "2022-12-15", fields: { ...VOTE_9_OF_9, outcome: "CONVERT" } },
      { step: "S24", effectiveDate: "2022-12-26", fields: { approvingOrgId: 2 } },
      { step: "S25", effectiveDate: "2023-01-05", fields: {} },
    ];

    it("should extend on chain by the months voted, then convert after the new end", function () {
      const evaluations = walk([...firstRound, ...extension, ...secondRound]);
      for (const { step, violations, findings } of evaluations) {
        expect(violations, step).to.deep.equal([]);
        expect(findings, step).to.deep.equal([]);
      }
      const approvals = evaluations.filter((e) => e.step === "S24");
      expect(approvals.map((e) => e.chainAction)).to.deep.equal(["extendProbation", "convert"]);
      expect(approvals[0].dates).to.deep.equal({ probationEndDate: "2022-06-20", newProbationEndDate: "2022-12-20" });
      expect(approvals[1].dates.fullMembershipDate).to.equal("2022-12-20");
    });

    it("should refuse a second conversion meeting without a new application in the extended period", function () {
      const { violations } = evaluateStep(rules, {
        ...secondRound[1],
        history: [...firstRound, ...extension],
        member,
        facts,
        today: TODAY,
      });
      expect(violations.map((v) => [v.rule, v.field])).to.deep.equal([["S23.prerequisites", "step"]]);
      expect(violations[0].message).to.contain("S22");
    });

    it("should refuse converting before the extended probation ends", function () {
      const { violations } = evaluateStep(rules, {
        ...secondRound[2],
        effectiveDate: "2022-12-19",
        history: [...firstRound, ...extension, ...secondRound.slice(0, 2)],
        member,
        facts,
        today: TODAY,
      });
      expect(violations.map((v) => v.rule)).to.deep.equal(["S24.notBeforeProbationEnd"]);
      expect(violations[0].message).to.contain("预备期至 2022-12-20");
    });

    it("should refuse a second extension", function () {
      const { violations } = evaluateStep(rules, {
        ...secondRound[1],
        fields: { ...VOTE_9_OF_9, outcome: "EXTEND", extensionMonths: 6 },
        history: [...firstRound, ...extension, secondRound[0]],
        member,
        facts,
        today: TODAY,
      });
      expect(violations.map((v) => [v.rule, v.field])).to.deep.equal([["S23.extendOnce", "outcome"]]);
      expect(violations[0].message).to.contain("预备期只能延长一次");
    });
  });

  describe("a cancelled probation", function () {
    const cancelled: HistoryRecord[] = [
      ...JOURNEY.slice(
        0,
        JOURNEY.findIndex((r) => r.step === "S23")
      ),
      { step: "S23", effectiveDate: "2022-05-25", fields: { ...VOTE_9_OF_9, outcome: "CANCEL" } },
    ];

    it("should imply cancel, with no waiting for the end of probation", function () {
      const evaluation = evaluateStep(rules, {
        step: "S24",
        effectiveDate: "2022-06-01",
        fields: { approvingOrgId: 2 },
        history: cancelled,
        member,
        facts,
        today: TODAY,
      });
      expect(evaluation.violations).to.deep.equal([]);
      expect(evaluation.chainAction).to.equal("cancel");
    });

    it("should refuse archiving the file of a member who never became a full member", function () {
      const history = [...cancelled, { step: "S24", effectiveDate: "2022-06-01", fields: { approvingOrgId: 2 } }];
      const { violations } = evaluateStep(rules, {
        step: "S25",
        effectiveDate: "2022-06-10",
        fields: {},
        history,
        member,
        facts,
        today: TODAY,
      });
      expect(violations.map((v) => v.rule)).to.deep.equal(["S25.stage"]);
    });
  });
});
