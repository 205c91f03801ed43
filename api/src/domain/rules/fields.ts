// Checks a write's step fields against the step's field definitions: known names, required ones present,
// each of its declared type. Rules run only on fields that passed.
import { isIsoDate } from "../../lib/calendar";
import type { FieldDefinition, StepDefinition } from "./schema";

export interface Violation {
  rule: string;
  field: string;
  message: string;
}

const DEFAULT_TEXT_LIMIT = 10_000;
const BYTES32 = /^0x[0-9a-f]{64}$/;
const MAX_ORG_ID = 0xffffffff;

export function validateFields(step: StepDefinition, fields: Record<string, unknown>): Violation[] {
  const rule = `${step.code}.fields`;
  const violation = (field: string, problem: string): Violation => ({
    rule,
    field,
    message: `${rule}: 字段 ${field} ${problem}`,
  });
  const known = new Map(step.fields.map((definition) => [definition.name, definition]));
  const violations: Violation[] = [];
  for (const name of Object.keys(fields)) {
    if (!known.has(name)) violations.push(violation(name, `不属于 ${step.code} ${step.name.zh}`));
  }
  for (const definition of step.fields) {
    const value = fields[definition.name];
    const label = `(${definition.label.zh})`;
    if (value === undefined || value === null) {
      if (definition.required) violations.push(violation(definition.name, `${label} 必填`));
      continue;
    }
    const problem = typeProblem(definition, value);
    if (problem !== null) violations.push(violation(definition.name, `${label} ${problem}`));
  }
  return violations;
}

function typeProblem(definition: FieldDefinition, value: unknown): string | null {
  switch (definition.type) {
    case "text": {
      const limit = definition.maxLength ?? DEFAULT_TEXT_LIMIT;
      if (typeof value !== "string" || value.trim() === "") return "须为非空文本";
      return value.length > limit ? `不得超过 ${limit} 字` : null;
    }
    case "date":
      return isIsoDate(value) ? null : "须为日期 YYYY-MM-DD";
    case "integer": {
      if (typeof value !== "number" || !Number.isSafeInteger(value)) return "须为整数";
      if (definition.min !== undefined && value < definition.min) return `不得小于 ${definition.min}`;
      return definition.max !== undefined && value > definition.max ? `不得大于 ${definition.max}` : null;
    }
    case "boolean":
      return typeof value === "boolean" ? null : "须为是或否";
    case "enum": {
      const values = definition.options.map((option) => option.value);
      return typeof value === "string" && values.includes(value) ? null : `须为 ${values.join(" | ")} 之一`;
    }
    case "memberRefs":
      return Array.isArray(value) && value.every(isMemberRef)
        ? null
        : "须为 { memberKey, isFullMember, underDiscipline } 的列表";
    case "orgRef":
      return Number.isSafeInteger(value) && (value as number) >= 1 && (value as number) <= MAX_ORG_ID
        ? null
        : "须为组织编号";
  }
}

function isMemberRef(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const { memberKey, isFullMember, underDiscipline, ...rest } = value as Record<string, unknown>;
  return (
    typeof memberKey === "string" &&
    BYTES32.test(memberKey) &&
    typeof isFullMember === "boolean" &&
    typeof underDiscipline === "boolean" &&
    Object.keys(rest).length === 0
  );
}
