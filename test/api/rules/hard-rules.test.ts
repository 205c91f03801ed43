import { expect } from "chai";
import { evaluateStep, loadRuleSet, type Evaluation, type HistoryRecord } from "../../../api/src/domain/rules";
import { fullMember, historyBefore, journeyInput, JOURNEY, VOTE_9_OF_9 } from "./journey";

describe("rules 2014 › hard rules", function () {
  const rules = loadRuleSet("2014");
  const evaluate = (step: string, changes: Parameters<typeof journeyInput>[1] = {}) =>
    evaluateStep(rules, journeyInput(step, changes));
  const withFields = (
    step: string,
    fields: Record<string, unknown>,
    changes: Parameters<typeof journeyInput>[1] = {}
  ) => evaluate(step, { fields: { ...JOURNEY.find((r) => r.step === step)!.fields, ...fields }, ...changes });

  /** The write is refused by exactly `rule`, about `field`, with a message naming the rule. */
  function expectRefusedBy(evaluation: Evaluation, rule: string, field: string, detail?: string) {
    expect(evaluation.violations.map((v) => [v.rule, v.field])).to.deep.equal([[rule, field]]);
    expect(evaluation.violations[0].message).to.match(new RegExp(`^${rule.replace(".", "\\.")}: `));
    if (detail) expect(evaluation.violations[0].message).to.contain(detail);
  }

  /** The write is refused, among others, by `rule` about `field`. */
  function expectViolation(evaluation: Evaluation, rule: string, field: string, detail: string) {
    const violation = evaluation.violations.find((v) => v.rule === rule);
    expect(violation, `${rule} in ${JSON.stringify(evaluation.violations)}`).to.not.equal(undefined);
    expect(violation!.field).to.equal(field);
    expect(violation!.message).to.contain(detail);
  }

  describe("every step", function () {
    it("should refuse an effective date after today", function () {
      expectRefusedBy(
        evaluate("S1", { today: "2019-08-31" }),
        "general.notInFuture",
        "effectiveDate",
        "今天是 2019-08-31"
      );
    });

    it("should refuse an effective date before the member's latest one", function () {
      expectRefusedBy(
        evaluate("S5", { effectiveDate: "2020-03-15" }),
        "general.chronological",
        "effectiveDate",
        "最早 2020-03-20"
      );
    });

    it("should refuse a step whose prerequisites are not recorded", function () {
      const withoutAssessment = historyBefore("S7").filter((r) => r.step !== "S6");
      expectRefusedBy(evaluate("S7", { history: withoutAssessment }), "S7.prerequisites", "step", "S6");
    });

    it("should refuse a step outside its stage", function () {
      expectRefusedBy(
        evaluate("S6", { effectiveDate: "2021-03-20", history: historyBefore("S8") }),
        "S6.stage",
        "step",
        "当前: 发展对象"
      );
    });

    it("should refuse recording a one-time step twice", function () {
      expectRefusedBy(
        evaluate("S4", { effectiveDate: "2020-03-25", history: historyBefore("S6") }),
        "S4.repeat",
        "step"
      );
    });

    it("should refuse an unknown field, a missing required field and a value outside the options", function () {
      const { violations } = evaluate("S10", { fields: { conclusion: "MAYBE", remark: "x" } });
      expect(violations.map((v) => [v.rule, v.field])).to.deep.equal([
        ["S10.fields", "remark"],
        ["S10.fields", "conclusion"],
        ["S10.fields", "summary"],
      ]);
    });

    it("should refuse a step the rule set does not know", function () {
      expectRefusedBy(evaluateStep(rules, { ...journeyInput("S1"), step: "S26" }), "general.knownStep", "step");
    });
  });

  describe("stage I", function () {
    it("should refuse an application before the 18th birthday and accept it on the day", function () {
      expectRefusedBy(
        evaluate("S1", { member: { birthDate: "2001-09-02" } }),
        "S1.minAge",
        "effectiveDate",
        "2019-09-02"
      );
      expect(evaluate("S1", { member: { birthDate: "2001-09-01" } }).violations).to.deep.equal([]);
    });

    it("should refuse an application when the birth date is unknown", function () {
      expectRefusedBy(evaluate("S1", { member: {} }), "S1.minAge", "effectiveDate", "出生日期未知");
    });
  });

  describe("stage II", function () {
    it("should refuse selecting an activist before the application", function () {
      const history: HistoryRecord[] = [
        { ...JOURNEY[0], effectiveDate: "2019-09-01" },
        { ...JOURNEY[1], effectiveDate: "2019-08-20" },
      ];
      expectViolation(
        evaluate("S3", { effectiveDate: "2019-08-25", history }),
        "S3.notBeforeApplication",
        "effectiveDate",
        "S1 日期为 2019-09-01"
      );
    });

    for (const [problem, contacts, detail] of [
      ["no contact", [], "实为 0 名"],
      ["three contacts", [fullMember("a"), fullMember("b"), fullMember("c")], "实为 3 名"],
      ["a probationary member", [{ ...fullMember("a"), isFullMember: false }], "第 1 名不是正式党员"],
    ] as const) {
      it(`should refuse ${problem} as contacts`, function () {
        expectRefusedBy(evaluate("S5", { fields: { contacts } }), "S5.contactsQualified", "contacts", detail);
      });
    }

    it("should refuse selecting a candidate less than a year after the activist selection", function () {
      expectRefusedBy(
        evaluate("S7", { effectiveDate: "2021-03-09" }),
        "S7.minInterval",
        "effectiveDate",
        "最早 2021-03-10"
      );
      expect(evaluate("S7", { effectiveDate: "2021-03-10" }).violations).to.deep.equal([]);
    });
  });

  describe("stage III", function () {
    const sponsorCases = [
      ["a single sponsor", [fullMember("a")], "实为 1 名"],
      ["the same sponsor twice", [fullMember("a"), fullMember("a")], "不得重复"],
      [
        "a sponsor who is not a full member",
        [fullMember("a"), { ...fullMember("c"), isFullMember: false }],
        "第 2 名不是正式党员",
      ],
      [
        "a sponsor under discipline",
        [{ ...fullMember("a"), underDiscipline: true }, fullMember("c")],
        "第 1 名正在受党纪处分",
      ],
    ] as const;
    for (const [problem, sponsors, detail] of sponsorCases) {
      it(`should refuse ${problem}`, function () {
        expectRefusedBy(evaluate("S9", { fields: { sponsors } }), "S9.sponsorsQualified", "sponsors", detail);
      });
    }

    it("should refuse a training recorded without days or hours", function () {
      expectRefusedBy(evaluate("S11", { fields: { provider: "党校" } }), "S11.durationGiven", "trainingDays");
    });
  });

  describe("stage IV", function () {
    const historyWith = (step: string, fields: Record<string, unknown>) =>
      historyBefore("S13").map((r) => (r.step === step ? { ...r, fields: { ...r.fields, ...fields } } : r));

    it("should refuse a pre-review by a committee without approval power", function () {
      expectRefusedBy(
        evaluate("S13", { facts: { approvingOrgMayApprove: false } }),
        "S13.approvingCommittee",
        "approvingOrgId"
      );
    });

    it("should refuse a pre-review when the political review failed", function () {
      const history = historyWith("S10", { conclusion: "FAILED" });
      expectRefusedBy(evaluate("S13", { history }), "S13.politicalReviewPassed", "S10.conclusion", '"FAILED"');
    });

    it("should refuse a pre-review after a training shorter than 3 days and 24 hours, and accept 24 hours", function () {
      const short = historyWith("S11", { trainingDays: 2, trainingHours: 23 });
      expectRefusedBy(evaluate("S13", { history: short }), "S13.trainingCompleted", "S11");
      const hours = historyWith("S11", { trainingDays: undefined, trainingHours: 24 });
      expect(evaluate("S13", { history: hours }).violations).to.deep.equal([]);
    });

    it("should refuse a pre-review the branch committee did not approve", function () {
      expectRefusedBy(
        evaluate("S13", { history: historyWith("S12", { conclusion: "REJECTED" }) }),
        "S13.branchReviewApproved",
        "S12.conclusion"
      );
    });

    it("should refuse the application form after a failed pre-review", function () {
      const history = historyBefore("S14").map((r) =>
        r.step === "S13" ? { ...r, fields: { ...r.fields, conclusion: "REJECTED" } } : r
      );
      expectRefusedBy(evaluate("S14", { history }), "S14.preReviewApproved", "S13.conclusion");
    });

    it("should refuse a branch meeting on the day of the pre-review", function () {
      const history = historyBefore("S15").map((r) => (r.step === "S14" ? { ...r, effectiveDate: "2021-06-10" } : r));
      expectRefusedBy(evaluate("S15", { effectiveDate: "2021-06-10", history }), "S15.afterPreReview", "effectiveDate");
    });

    describe("branch meeting quorum and majority (strictly more than half of the entitled, in integers)", function () {
      const meeting = (entitledMembers: number, presentMembers: number, votesFor: number) =>
        evaluate("S15", { fields: { entitledMembers, presentMembers, votesFor } });

      it("should accept 5 of 9 present and refuse 4 of 9", function () {
        expect(meeting(9, 5, 5).violations).to.deep.equal([]);
        expectViolation(meeting(9, 4, 4), "S15.quorum", "presentMembers", "须至少 5");
      });

      it("should accept 5 of 9 votes for and refuse 4 of 9, whoever is present", function () {
        expect(meeting(9, 9, 5).violations).to.deep.equal([]);
        expectRefusedBy(meeting(9, 9, 4), "S15.majority", "votesFor", "须至少 5");
      });

      it("should accept 6 of 10 present and refuse 5 of 10 (exactly half is not more than half)", function () {
        expect(meeting(10, 6, 6).violations).to.deep.equal([]);
        expectViolation(meeting(10, 5, 5), "S15.quorum", "presentMembers", "须至少 6");
      });

      it("should refuse more present than entitled and more votes than present", function () {
        expectRefusedBy(meeting(9, 10, 9), "S15.presentNotAboveEntitled", "presentMembers");
        expectRefusedBy(meeting(9, 6, 7), "S15.votesNotAbovePresent", "votesFor");
      });
    });

    it("should refuse the committee's interview before the branch meeting", function () {
      const history = historyBefore("S16").map((r) => (r.step === "S15" ? { ...r, effectiveDate: "2021-07-02" } : r));
      expectViolation(evaluate("S16", { history }), "S16.afterBranchMeeting", "effectiveDate", "S15 日期为 2021-07-02");
    });

    it("should refuse an approval by a committee without approval power", function () {
      expectRefusedBy(evaluate("S17", { facts: {} }), "S17.approvingCommittee", "approvingOrgId");
    });

    it("should refuse an approval more than six months after the branch meeting", function () {
      const late = evaluate("S17", { effectiveDate: "2021-12-21" });
      expectRefusedBy(late, "S17.withinSixMonths", "effectiveDate", "最晚 2021-12-20");
      expect(evaluate("S17", { effectiveDate: "2021-12-20" }).violations).to.deep.equal([]);
    });
  });

  describe("stage V", function () {
    const meeting = (fields: Record<string, unknown>) => evaluate("S23", { fields: { ...VOTE_9_OF_9, ...fields } });

    it("should refuse an extension shorter than 6 or longer than 12 months, or of no length", function () {
      expectRefusedBy(
        meeting({ outcome: "EXTEND", extensionMonths: 5 }),
        "S23.extensionRange",
        "extensionMonths",
        "6–12"
      );
      expectRefusedBy(meeting({ outcome: "EXTEND", extensionMonths: 13 }), "S23.extensionRange", "extensionMonths");
      expectRefusedBy(meeting({ outcome: "EXTEND" }), "S23.extensionRange", "extensionMonths", "须填写");
      expect(meeting({ outcome: "EXTEND", extensionMonths: 12 }).violations).to.deep.equal([]);
    });

    it("should refuse extension months with an outcome that is not an extension", function () {
      expectRefusedBy(
        meeting({ outcome: "CONVERT", extensionMonths: 6 }),
        "S23.extensionOnlyWhenExtending",
        "extensionMonths"
      );
    });

    it("should refuse a conversion meeting without quorum or majority", function () {
      expectViolation(
        meeting({ outcome: "CONVERT", presentMembers: 4, votesFor: 4 }),
        "S23.quorum",
        "presentMembers",
        "须至少 5"
      );
      expectRefusedBy(meeting({ outcome: "CONVERT", votesFor: 4 }), "S23.majority", "votesFor");
    });

    it("should refuse a conversion approved before the end of probation", function () {
      const early = withFields(
        "S24",
        {},
        {
          effectiveDate: "2022-06-19",
          history: historyBefore("S24").map((r) => (r.step === "S23" ? { ...r, effectiveDate: "2022-06-15" } : r)),
        }
      );
      expectRefusedBy(early, "S24.notBeforeProbationEnd", "effectiveDate", "预备期至 2022-06-20");
    });

    it("should refuse a conversion approved by a committee without approval power", function () {
      expectRefusedBy(
        evaluate("S24", { facts: { approvingOrgMayApprove: false } }),
        "S24.approvingCommittee",
        "approvingOrgId"
      );
    });
  });
});
