import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import * as errors from "../../../api/src/domain/errors";
import { ERRORS, localizedError, preferredLanguage, REFUSALS, refusalText } from "../../../api/src/domain/messages";
import { RULES } from "../../../api/src/domain/refusals";
import { loadRuleSet } from "../../../api/src/domain/rules";
import { latinWordsOutside } from "../../helpers/latin";

const ROOT = path.join(__dirname, "..", "..", "..");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every rule id a refusal names in the service's code: `RULES.xY` from the refusal catalogue, or `rule: "x.y"`. */
function ruleIdsInCode(): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of sourceFiles(path.join(ROOT, "api", "src"))) {
    const source = readFileSync(file, "utf8");
    for (const [, name] of source.matchAll(/\bRULES\.([A-Za-z0-9_]+)/g))
      found.set(RULES[name as keyof typeof RULES] ?? `RULES.${name}`, path.relative(ROOT, file));
    for (const [, id] of source.matchAll(/\brule: "([A-Za-z0-9_.]+)"/g)) found.set(id, path.relative(ROOT, file));
  }
  return found;
}

function expectBothTexts(id: string, text: { zh: string; en: string } | undefined): void {
  expect(text, `${id} has no entry`).to.not.equal(undefined);
  expect(text!.zh.trim(), `${id} has no Chinese text`).to.not.equal("");
  expect(text!.en.trim(), `${id} has no English text`).to.not.equal("");
  expect(latinWordsOutside(text!.zh), `${id}'s Chinese text`).to.deep.equal([]);
}

describe("The message catalogue", function () {
  it("should hold a Chinese and an English text for every rule id a refusal names in api/src", function () {
    const ids = ruleIdsInCode();
    expect(ids.size, "rule ids found in the code").to.be.above(25);
    for (const [id, file] of ids) {
      const ruleSet = loadRuleSet("2014");
      const inRuleSet = [...ruleSet.definition.generalRules, ...ruleSet.definition.steps.flatMap((step) => step.rules)].find(
        (rule) => rule.id === id,
      );
      expectBothTexts(`${id} (${file})`, refusalText(id) ?? inRuleSet?.description);
    }
  });

  it("should hold a Chinese and an English text for every rule of every rule set in rules/, and the steps the engine refuses", function () {
    for (const version of readdirSync(path.join(ROOT, "rules"))) {
      const { definition } = loadRuleSet(version);
      const rules = [...definition.generalRules, ...definition.steps.flatMap((step) => step.rules)];
      expect(rules.length).to.be.above(0);
      for (const rule of rules) expectBothTexts(`${version}/${rule.id}`, rule.description);
      for (const step of definition.steps) {
        for (const structural of ["stage", "repeat", "prerequisites"])
          expectBothTexts(`${step.code}.${structural}`, refusalText(`${step.code}.${structural}`));
      }
    }
  });

  it("should hold a Chinese and an English text for every error code the service answers with", function () {
    const samples = [
      new errors.ValidationError({ field: "x", message: "m" }),
      new errors.RuleViolation({ rule: "r", message: "m" }),
      new errors.NotFound("m"),
      new errors.Unauthorized(),
      new errors.Forbidden({ rule: "r", message: "m" }),
      new errors.Conflict("m"),
      new errors.ChainUnavailable(),
      new errors.Unavailable("DATABASE_UNAVAILABLE", "m", 1),
      new errors.DatabaseUnavailable(1),
      new errors.ShuttingDown(1),
      new errors.TooManyRequests("m"),
    ];
    const subclasses = Object.values(errors).filter((value) => typeof value === "function" && value.prototype instanceof errors.AppError);
    expect(samples.map((sample) => sample.constructor)).to.have.members(subclasses);
    for (const code of [...samples.map((sample) => sample.code), "MALFORMED_JSON", "PAYLOAD_TOO_LARGE", "BAD_REQUEST", "INTERNAL_ERROR"]) {
      expectBothTexts(code, ERRORS[code]);
    }
    for (const [id, text] of Object.entries(REFUSALS)) expectBothTexts(id, text);
  });

  it("should answer in the language Accept-Language prefers, English by default", function () {
    expect(preferredLanguage("zh-CN,zh;q=0.9,en;q=0.8")).to.equal("zh-CN");
    expect(preferredLanguage("zh")).to.equal("zh-CN");
    expect(preferredLanguage("en-US,en;q=0.9")).to.equal("en");
    expect(preferredLanguage("en;q=0.5, zh-TW;q=0.8")).to.equal("zh-CN");
    expect(preferredLanguage("fr-FR")).to.equal("en");
    expect(preferredLanguage(undefined)).to.equal("en");
  });

  it("should give a catalogued refusal its Chinese text, and a rule set's refusal its own Chinese description without the rule id", function () {
    const conflict = new errors.Conflict("the member already has an open transfer", {
      rule: "transfer.oneOpen",
      field: "memberId",
    }).toBody();
    expect(localizedError(conflict, "zh-CN")).to.deep.equal({ ...conflict, message: REFUSALS["transfer.oneOpen"].zh });
    expect(localizedError(conflict, "en")).to.deep.equal(conflict);
    const ruleSetRefusal = new errors.RuleViolation({
      rule: "general.notInFuture",
      field: "effectiveDate",
      message: "general.notInFuture: 生效日期不得晚于今天",
    }).toBody();
    expect(localizedError(ruleSetRefusal, "zh-CN").message).to.equal("生效日期不得晚于今天");
    expect(localizedError(new errors.NotFound("member 1 not found").toBody(), "zh-CN").message).to.equal(ERRORS.NOT_FOUND.zh);
  });
});
