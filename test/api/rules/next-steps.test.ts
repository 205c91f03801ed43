import { expect } from "chai";
import { loadRuleSet, nextSteps, type HistoryRecord } from "../../../api/src/domain/rules";
import { historyBefore, JOURNEY } from "./journey";

describe("rules 2014 › next steps", function () {
  const rules = loadRuleSet("2014");
  const next = (history: readonly HistoryRecord[], today?: string) => nextSteps(rules, history, today);
  const codes = (history: readonly HistoryRecord[]) => next(history).map((s) => s.step);

  it("should offer only the application to someone with no record", function () {
    expect(codes([])).to.deep.equal(["S1"]);
  });

  it("should give the talk a due date one month after the application, overdue the day after", function () {
    const history = historyBefore("S2");
    expect(next(history, "2019-10-01")).to.deep.equal([
      {
        step: "S2",
        name: { zh: "党组织派人谈话", en: "Talk with the applicant" },
        earliest: "2019-09-01",
        dueBy: "2019-10-01",
        overdue: false,
      },
    ]);
    expect(next(history, "2019-10-02")[0].overdue).to.equal(true);
  });

  it("should offer the activist's steps with the next assessment due six months after selection", function () {
    const offered = next(historyBefore("S4"));
    expect(offered.map((s) => s.step)).to.deep.equal(["S4", "S5", "S6"]);
    expect(offered.find((s) => s.step === "S6")!.dueBy).to.equal("2020-09-10");
  });

  it("should offer the candidate selection from one year after the activist selection", function () {
    const offered = next(historyBefore("S7"));
    expect(offered.map((s) => s.step)).to.deep.equal(["S5", "S6", "S7"]);
    expect(offered.find((s) => s.step === "S7")!.earliest).to.equal("2021-03-10");
    expect(offered.find((s) => s.step === "S6")!.dueBy).to.equal("2021-09-01");
  });

  it("should offer the branch meeting from the day after the pre-review", function () {
    const history = historyBefore("S15").map((r) => (r.step === "S14" ? { ...r, effectiveDate: "2021-06-10" } : r));
    expect(next(history).find((s) => s.step === "S15")!.earliest).to.equal("2021-06-11");
  });

  it("should give the admission its soft due date and hard deadline", function () {
    const approval = next(historyBefore("S17")).find((s) => s.step === "S17")!;
    expect(approval).to.include({ earliest: "2021-07-01", dueBy: "2021-09-20", deadline: "2021-12-20" });
    expect(next(historyBefore("S17"), "2021-12-21").find((s) => s.step === "S17")!.overdue).to.equal(true);
  });

  it("should offer the conversion approval from the end of probation", function () {
    const approval = next(historyBefore("S24")).find((s) => s.step === "S24")!;
    expect(approval).to.include({ earliest: "2022-06-20", dueBy: "2022-09-20" });
  });

  it("should offer nothing once the file is archived", function () {
    expect(codes(JOURNEY)).to.deep.equal([]);
  });
});
