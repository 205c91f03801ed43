import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { RULES } from "../../../api/src/domain/refusals";
import { ACCOUNT_ROLES } from "../../../api/src/domain/vocabulary";

const ROOT = path.join(__dirname, "..", "..", "..");
const VOCABULARY = path.join("api", "src", "domain", "vocabulary.ts");
const REFUSAL_CATALOGUE = path.join("api", "src", "domain", "refusals.ts");
const RULE_IDS = Object.values(RULES);

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every string literal of `file` (quoted or a template without substitutions), with its line. */
function stringLiterals(file: string): { text: string; line: number }[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: { text: string; line: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      found.push({ text: node.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Where a word of `words` is written as a string outside the module that owns it: "file:line word". */
function writtenOutside(files: string[], words: readonly string[], owner: string): string[] {
  const wanted = new Set(words);
  return files
    .filter((file) => path.relative(ROOT, file) !== owner)
    .flatMap((file) =>
      stringLiterals(file)
        .filter(({ text }) => wanted.has(text))
        .map(({ text, line }) => `${path.relative(ROOT, file)}:${line} ${text}`),
    );
}

describe("The domain's vocabulary and refusal catalogue", function () {
  const serviceFiles = sourceFiles(path.join(ROOT, "api", "src"));

  it("should be the only place in api/src that writes a role's name as a string", function () {
    expect(serviceFiles.length, "service files found").to.be.above(50);
    expect(writtenOutside(serviceFiles, ACCOUNT_ROLES, VOCABULARY)).to.deep.equal([]);
  });

  it("should find a role's name written elsewhere (the check itself can fail)", function () {
    const fixtures = sourceFiles(path.join(ROOT, "test", "helpers", "vectors", "vocabulary"));
    expect(writtenOutside(fixtures, ACCOUNT_ROLES, VOCABULARY)).to.deep.equal([
      "test/helpers/vectors/vocabulary/violations.ts:3 APPROVER",
      "test/helpers/vectors/vocabulary/violations.ts:6 AUDITOR",
      "test/helpers/vectors/vocabulary/violations.ts:6 ORG_ADMIN",
    ]);
  });

  it("should be the only place in api/src that writes a refusal's rule id as a string", function () {
    expect(RULE_IDS.length, "rule ids in the catalogue").to.be.above(25);
    expect(writtenOutside(serviceFiles, RULE_IDS, REFUSAL_CATALOGUE)).to.deep.equal([]);
  });

  it("should find a rule id written outside the refusal catalogue (the check itself can fail)", function () {
    const fixtures = sourceFiles(path.join(ROOT, "test", "helpers", "vectors", "vocabulary"));
    expect(writtenOutside(fixtures, RULE_IDS, REFUSAL_CATALOGUE)).to.deep.equal([
      "test/helpers/vectors/vocabulary/violations.ts:9 transfer.notOpen",
    ]);
  });

  it("should give every role a name in the portal, in Chinese and in English", function () {
    const portalRoles = readFileSync(path.join(ROOT, "api", "web", "assets", "lib", "roles.js"), "utf8");
    for (const role of ACCOUNT_ROLES) expect(portalRoles.match(new RegExp(`^\\s+${role}: "[^"]+",$`, "gm")), role).to.have.length(2);
  });
});
