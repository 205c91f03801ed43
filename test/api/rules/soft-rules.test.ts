import { expect } from "chai";
import { evaluateStep, loadRuleSet, type Evaluation } from "../../../api/src/domain/rules";
import { historyBefore, journeyInput } from "./journey";

describe("rules 2014 › soft rules", function () {
  const rules = loadRuleSet("2014");
  const evaluate = (step: string, changes: Parameters<typeof journeyInput>[1] = {}) =>
    evaluateStep(rules, journeyInput(step, changes));

  /** The write is accepted, with exactly one finding naming `rule`. */
  function expectFinding(evaluation: Evaluation, rule: string, detail: string) {
    expect(evaluation.violations).to.deep.equal([]);
    expect(evaluation.findings.map((f) => f.rule)).to.deep.equal([rule]);
    expect(evaluation.findings[0].message).to.match(new RegExp(`^${rule.replace(".", "\\.")}: `));
    expect(evaluation.findings[0].message).to.contain(detail);
  }

  it("should record a finding when the talk comes more than a month after the application", function () {
    expectFinding(evaluate("S2", { effectiveDate: "2019-10-02" }), "S2.withinOneMonth", "最晚 2019-10-01");
    expect(evaluate("S2", { effectiveDate: "2019-10-01" }).findings).to.deep.equal([]);
  });

  it("should record a finding when an activist goes more than six months without assessment", function () {
    expectFinding(evaluate("S6", { effectiveDate: "2020-09-11" }), "S6.everySixMonths", "最晚 2020-09-10");
    const secondAssessment = evaluate("S6", {
      effectiveDate: "2021-03-02",
      history: [...historyBefore("S6"), { step: "S6", effectiveDate: "2020-09-01", fields: { assessment: "良好" } }],
    });
    expectFinding(secondAssessment, "S6.everySixMonths", "最晚 2021-03-01");
  });

  it("should record a finding when the candidate leaves the unit within three months of the pre-review", function () {
    const leaving = evaluate("S13", { facts: { approvingOrgMayApprove: true, plannedDepartureDate: "2021-09-10" } });
    expectFinding(leaving, "S13.leavingSoon", "不晚于 2021-09-10");
    const later = evaluate("S13", { facts: { approvingOrgMayApprove: true, plannedDepartureDate: "2021-09-11" } });
    expect(later.findings).to.deep.equal([]);
  });

  it("should record a finding when the admission is approved more than three months after the branch meeting", function () {
    expectFinding(evaluate("S17", { effectiveDate: "2021-09-21" }), "S17.withinThreeMonths", "最晚 2021-09-20");
  });

  it("should record a finding when the conversion is approved more than three months after its meeting", function () {
    expectFinding(evaluate("S24", { effectiveDate: "2022-09-21" }), "S24.withinThreeMonths", "最晚 2022-09-20");
  });
});
