// Loading a rule set: read rules/<version>/rules.json, validate its shape and its references (steps, kinds,
// parameters), and compute the hash anchored on chain so auditors know which rules were applied.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { canonicalKeccak, type Hex32 } from "../../lib/record-hash";
import { REPOSITORY_ROOT } from "../../lib/repository-root";
import { ruleKind } from "./kinds";
import { ruleSetDefinitionSchema, type RuleDefinition, type RuleSet, type RuleSetDefinition } from "./schema";

export type { RuleSet };

const RULES_ROOT = path.join(REPOSITORY_ROOT, "rules");
const VERSION = /^[0-9A-Za-z._-]{1,32}$/;
const loaded = new Map<string, RuleSet>();

/** The rule set of a version (e.g. "2014"), read once from rules/<version>/rules.json. */
export function loadRuleSet(version: string): RuleSet {
  if (!VERSION.test(version) || version.startsWith("."))
    throw new Error(`invalid rule version ${JSON.stringify(version)}`);
  const cached = loaded.get(version);
  if (cached) return cached;
  const json: unknown = JSON.parse(readFileSync(path.join(RULES_ROOT, version, "rules.json"), "utf8"));
  const ruleSet = parseRuleSet(json);
  if (ruleSet.version !== version) throw new Error(`rules/${version}/rules.json declares version ${ruleSet.version}`);
  loaded.set(version, ruleSet);
  return ruleSet;
}

/** keccak256(utf8(RFC 8785 JSON)) of a rule set file's content. */
export function ruleSetHash(json: unknown): Hex32 {
  return canonicalKeccak(json);
}

/** Validates a rule set file's content; throws a list of every problem found. */
export function parseRuleSet(json: unknown): RuleSet {
  const definition = ruleSetDefinitionSchema.parse(json);
  const problems = referenceProblems(definition);
  if (problems.length > 0) throw new Error(`invalid rule set ${definition.version}:\n- ${problems.join("\n- ")}`);
  const byCode = new Map(definition.steps.map((step) => [step.code, step]));
  return {
    version: definition.version,
    // The file's content, not zod's copy: the schema is strict and transforms nothing, so both are equal.
    hash: ruleSetHash(json),
    definition,
    steps: definition.steps,
    generalRules: definition.generalRules,
    probation: definition.probation,
    step: (code) => byCode.get(code),
  };
}

function referenceProblems(definition: RuleSetDefinition): string[] {
  const problems: string[] = [];
  const stepIndex = new Map<string, number>();
  definition.steps.forEach((step, index) => {
    if (stepIndex.has(step.code)) problems.push(`step ${step.code} is defined twice`);
    stepIndex.set(step.code, index);
  });
  const knownStep = (code: string) => stepIndex.has(code);
  const stages = new Set(definition.stages.map((stage) => stage.code));
  const ruleIds = new Set<string>();

  const checkRule = (rule: RuleDefinition, prefix: string) => {
    if (ruleIds.has(rule.id)) problems.push(`rule ${rule.id} is defined twice`);
    ruleIds.add(rule.id);
    if (!rule.id.startsWith(`${prefix}.`)) problems.push(`rule ${rule.id} must be named ${prefix}.<name>`);
    if (rule.when?.step !== undefined && !knownStep(rule.when.step))
      problems.push(`rule ${rule.id}: unknown step ${rule.when.step}`);
    const kind = ruleKind(rule.kind);
    if (kind === undefined) {
      problems.push(`rule ${rule.id}: unknown kind ${rule.kind}`);
      return;
    }
    const params = kind.params.safeParse(rule.params);
    if (!params.success) {
      problems.push(`rule ${rule.id}: invalid params for ${rule.kind}: ${describe(params.error)}`);
      return;
    }
    for (const code of kind.referencedSteps?.(params.data) ?? []) {
      if (!knownStep(code)) problems.push(`rule ${rule.id}: unknown step ${code}`);
    }
  };

  definition.generalRules.forEach((rule) => checkRule(rule, "general"));
  definition.steps.forEach((step, index) => {
    if (!stages.has(step.stage)) problems.push(`step ${step.code}: unknown stage ${step.stage}`);
    for (const code of step.prerequisites) {
      // Prerequisites point backwards only, so the steps can always be recorded in file order.
      if (!((stepIndex.get(code) ?? Infinity) < index))
        problems.push(`step ${step.code}: prerequisite ${code} is not an earlier step`);
    }
    const names = step.fields.map((field) => field.name);
    if (new Set(names).size !== names.length) problems.push(`step ${step.code}: a field name is repeated`);
    if (typeof step.chainAction !== "string" && !knownStep(step.chainAction.fromStep)) {
      problems.push(`step ${step.code}: chain action depends on unknown step ${step.chainAction.fromStep}`);
    }
    step.rules.forEach((rule) => checkRule(rule, step.code));
  });
  if (!knownStep(definition.probation.startStep))
    problems.push(`probation starts at unknown step ${definition.probation.startStep}`);
  return problems;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join(".") || "(params)"} ${issue.message}`).join("; ");
}
