// The shape of a rule set file (rules/<version>/rules.json). A rule set is data: steps, their fields and the
// rules that apply to them, each rule naming a kind from the registry in kinds.ts with its parameters.
import { z } from "zod";
import { isIsoDate } from "../../lib/calendar";
import type { Hex32 } from "../../lib/record-hash";
import { ROLES } from "../vocabulary";

/** The member's position as MembershipLedger keeps it (IMembershipLedger.Stage), plus NONE before S1. */
export const MEMBER_STATUSES = [
  "NONE",
  "APPLICANT",
  "ACTIVIST",
  "CANDIDATE",
  "PROBATIONARY",
  "FULL",
  "CANCELLED",
] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

/** The MembershipLedger function a recorded step calls. */
export const CHAIN_ACTIONS = [
  "register",
  "append",
  "selectActivist",
  "selectCandidate",
  "admit",
  "extendProbation",
  "convert",
  "cancel",
] as const;
export type ChainAction = (typeof CHAIN_ACTIONS)[number];

const localized = z.strictObject({ zh: z.string().min(1), en: z.string().min(1) });
const stepCode = z.string().regex(/^S[1-9][0-9]*$/);
const integer = z.number().int();

const fieldBase = {
  name: z.string().regex(/^[a-z][A-Za-z0-9]*$/),
  required: z.boolean(),
  /** Free texts, names and conclusions: never logged, encrypted at rest. */
  sensitive: z.boolean(),
  label: localized,
};

export const fieldDefinitionSchema = z.discriminatedUnion("type", [
  z.strictObject({ ...fieldBase, type: z.literal("text"), maxLength: integer.positive().optional() }),
  z.strictObject({ ...fieldBase, type: z.literal("date") }),
  z.strictObject({ ...fieldBase, type: z.literal("integer"), min: integer.optional(), max: integer.optional() }),
  z.strictObject({ ...fieldBase, type: z.literal("boolean") }),
  z.strictObject({
    ...fieldBase,
    type: z.literal("enum"),
    options: z.array(z.strictObject({ value: z.string().min(1), label: localized })).min(1),
  }),
  // Members (contacts, sponsors) as facts the caller looked up: { memberKey, isFullMember, underDiscipline }.
  z.strictObject({ ...fieldBase, type: z.literal("memberRefs") }),
  // An organization id of OrgRegistry.
  z.strictObject({ ...fieldBase, type: z.literal("orgRef") }),
]);
export type FieldDefinition = z.infer<typeof fieldDefinitionSchema>;

/** A rule applies only when a field (of this step, or of the latest record of `step`) has one of the values. */
export const conditionSchema = z.strictObject({
  step: stepCode.optional(),
  field: z.string().min(1),
  in: z.array(z.json()).min(1),
});
export type Condition = z.infer<typeof conditionSchema>;

export const ruleDefinitionSchema = z.strictObject({
  /** "<step>.<name>" or "general.<name>": what a violation or finding names. */
  id: z.string().regex(/^[A-Za-z0-9]+\.[A-Za-z][A-Za-z0-9]*$/),
  kind: z.string().min(1),
  /** hard: the write is refused; soft: the write is accepted with a finding. */
  severity: z.enum(["hard", "soft"]),
  /** The input the rule is about, reported with a violation ("effectiveDate", a field, "facts.x", "S10.conclusion"). */
  field: z.string().min(1),
  params: z.record(z.string(), z.json()),
  description: localized,
  when: conditionSchema.optional(),
});
export type RuleDefinition = z.infer<typeof ruleDefinitionSchema>;

/** A fixed action, or one chosen by a field of the latest record of another step (S24 by S23's outcome). */
export const chainActionDefinitionSchema = z.union([
  z.enum(CHAIN_ACTIONS),
  z.strictObject({ fromStep: stepCode, field: z.string().min(1), map: z.record(z.string(), z.enum(CHAIN_ACTIONS)) }),
]);
export type ChainActionDefinition = z.infer<typeof chainActionDefinitionSchema>;

export const stepDefinitionSchema = z.strictObject({
  code: stepCode,
  stage: z.string().min(1),
  name: localized,
  recordedBy: z.enum([ROLES.clerk, ROLES.approver]),
  chainAction: chainActionDefinitionSchema,
  /** once; many (assessments, contacts); once per probation period (again after an extension). */
  repeat: z.enum(["once", "many", "oncePerProbationPeriod"]),
  /** The member statuses in which the step may be recorded. */
  whileStatus: z.array(z.enum(MEMBER_STATUSES)).min(1),
  /** Steps that must already be recorded (all earlier in the file). */
  prerequisites: z.array(stepCode),
  fields: z.array(fieldDefinitionSchema),
  rules: z.array(ruleDefinitionSchema),
});
export type StepDefinition = z.infer<typeof stepDefinitionSchema>;

export const ruleSetDefinitionSchema = z.strictObject({
  version: z.string().regex(/^[0-9A-Za-z._-]{1,32}$/),
  title: localized,
  issued: z.string().refine(isIsoDate, "must be a calendar date YYYY-MM-DD"),
  /** `name` is the member's status in the stage (预备党员); `chapter` the stage's title in the rules (预备党员的接收). */
  stages: z.array(z.strictObject({ code: z.string().min(1), name: localized, chapter: localized })).min(1),
  probation: z.strictObject({
    startStep: stepCode,
    months: integer.positive(),
    extensionMonthsField: z.string().min(1),
  }),
  generalRules: z.array(ruleDefinitionSchema),
  steps: z.array(stepDefinitionSchema).min(1),
});
export type RuleSetDefinition = z.infer<typeof ruleSetDefinitionSchema>;

/** A rule set as loaded (rule-set.ts): its file parsed, hashed and indexed by step. */
export interface RuleSet {
  readonly version: string;
  /** keccak256 of the RFC 8785 canonical JSON of the rule set file: the value anchored on chain. */
  readonly hash: Hex32;
  readonly definition: RuleSetDefinition;
  readonly steps: readonly StepDefinition[];
  readonly generalRules: readonly RuleDefinition[];
  readonly probation: RuleSetDefinition["probation"];
  step(code: string): StepDefinition | undefined;
}
