import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ethers } from "ethers";
import { canonicalize } from "../../../api/src/lib/canonical-json";
import { evaluateStep, loadRuleSet, parseRuleSet, type RuleSetDefinition } from "../../../api/src/domain/rules";
import { journeyInput } from "./journey";

const RULES_FILE = path.resolve(__dirname, "../../../rules/2014/rules.json");

describe("rule sets", function () {
  const fileContent = () => JSON.parse(readFileSync(RULES_FILE, "utf8")) as RuleSetDefinition;

  describe("rules/2014", function () {
    const rules = loadRuleSet("2014");

    it("should define the 25 steps S1..S25 in order across the five stages", function () {
      expect(rules.steps.map((s) => s.code)).to.deep.equal(Array.from({ length: 25 }, (_, i) => `S${i + 1}`));
      expect(rules.definition.stages.map((s) => s.name.zh)).to.deep.equal([
        "入党申请人",
        "入党积极分子",
        "发展对象",
        "预备党员",
        "正式党员",
      ]);
      expect(rules.step("S15")!.name.zh).to.equal("支部大会讨论");
    });

    it("should title its stages with the chapters of 《中国共产党发展党员工作细则》, so the oath falls under 转正 and not 正式党员", function () {
      expect(rules.definition.stages.map((s) => s.chapter.zh)).to.deep.equal([
        "入党申请",
        "入党积极分子的确定和培养教育",
        "发展对象的确定和考察",
        "预备党员的接收",
        "预备党员的教育考察和转正",
      ]);
      const chapterOf = (code: string) => rules.definition.stages.find((stage) => stage.code === rules.step(code)!.stage)!.chapter.zh;
      expect(chapterOf("S17")).to.equal("预备党员的接收");
      expect(chapterOf("S20")).to.equal("预备党员的教育考察和转正");
    });

    it("should leave approvals to an approving committee's staff", function () {
      const approverSteps = rules.steps.filter((s) => s.recordedBy === "APPROVER").map((s) => s.code);
      expect(approverSteps).to.include.members(["S13", "S17", "S24"]);
    });

    it("should mark every free text, member list and conclusion sensitive", function () {
      const personal = [
        "interviewer",
        "summary",
        "assessment",
        "sponsors",
        "contacts",
        "conclusion",
        "outcome",
        "opinion",
        "resolution",
      ];
      for (const step of rules.steps) {
        for (const field of step.fields) {
          if (personal.includes(field.name)) expect(field.sensitive, `${step.code}.${field.name}`).to.equal(true);
        }
      }
    });

    it("should hash as keccak256 of the file's RFC 8785 form, whatever its whitespace", function () {
      const expected = ethers.keccak256(ethers.toUtf8Bytes(canonicalize(fileContent())));
      expect(rules.hash).to.equal(expected);
      expect(parseRuleSet(JSON.parse(JSON.stringify(fileContent()))).hash).to.equal(expected);
    });

    it("should hash differently once any rule changes", function () {
      const changed = fileContent();
      changed.steps[6].rules[0].params = { step: "S3", months: 13 };
      expect(parseRuleSet(changed).hash).to.not.equal(rules.hash);
    });

    it("should refuse a version that is not a plain name", function () {
      expect(() => loadRuleSet("../2014")).to.throw("invalid rule version");
    });
  });

  describe("a later rule version made of the same kinds", function () {
    it("should apply its own parameters without code changes", function () {
      const later = fileContent();
      later.version = "2025";
      later.steps[6].rules[0].params = { step: "S3", months: 18 };
      const rules2025 = parseRuleSet(later);
      const { violations } = evaluateStep(rules2025, journeyInput("S7"));
      expect(violations.map((v) => v.rule)).to.deep.equal(["S7.minInterval"]);
      expect(violations[0].message).to.contain("最早 2021-09-10");
    });

    it("should be refused when it names an unknown kind, a missing step or a later prerequisite", function () {
      const broken = fileContent();
      broken.steps[0].rules[0].kind = "minAgeOn";
      broken.steps[1].rules[0].params = { step: "S31", months: 1 };
      broken.steps[2].prerequisites = ["S4"];
      expect(() => parseRuleSet(broken)).to.throw(
        /unknown kind minAgeOn[\s\S]*rule S2.withinOneMonth: unknown step S31[\s\S]*step S3: prerequisite S4 is not an earlier step/
      );
    });

    it("should be refused when a rule's parameters do not fit its kind", function () {
      const broken = fileContent();
      broken.steps[6].rules[0].params = { step: "S3", months: "twelve" };
      expect(() => parseRuleSet(broken)).to.throw(/rule S7.minInterval: invalid params for atLeastAfter: months/);
    });
  });
});
