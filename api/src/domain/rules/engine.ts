// Evaluates one write (a step with its date and fields) against a rule set and the member's history:
// hard rules → violations (the write is refused), soft rules → findings (stored with the record).
import { addMonths, isIsoDate, type IsoDate } from "../../lib/calendar";
import { validateFields, type Violation } from "./fields";
import { replayHistory, resolveChainAction, stepOrdinal, type HistoryRecord, type MemberHistory } from "./history";
import { ruleKind, type Facts, type RuleContext, type Window } from "./kinds";
import type { RuleSet } from "./schema";
import type { ChainAction, Condition, MemberStatus, RuleDefinition, StepDefinition } from "./schema";
import { RULES } from "../refusals";

export type { Violation };

export interface Finding {
  rule: string;
  message: string;
}

export interface StepInput {
  step: string;
  effectiveDate: IsoDate;
  fields: Record<string, unknown>;
  /**
   * The member's records so far. For a correction, pass the history as it stood before the corrected record:
   * the correction is checked as if written in its place.
   */
  history: readonly HistoryRecord[];
  member: { birthDate?: IsoDate };
  facts?: Facts;
  /** Today in China Standard Time (todayInChina()). */
  today: IsoDate;
}

/** The dates the chain call needs, as the rules computed them. */
export interface ChainDates {
  /** admit: the branch meeting (S15), where probation starts. */
  branchMeetingDate?: IsoDate;
  /** admit, extendProbation, convert: the probation end before this write. */
  probationEndDate?: IsoDate;
  /** extendProbation: the new probation end. */
  newProbationEndDate?: IsoDate;
  /** convert: full membership dates from the end of probation, not from the approval. */
  fullMembershipDate?: IsoDate;
}

export interface Evaluation {
  violations: Violation[];
  findings: Finding[];
  /** The MembershipLedger call this write implies; null when the step or its deciding record is missing. */
  chainAction: ChainAction | null;
  dates: ChainDates;
}

/** Each status in Chinese, as refusals and the exported spreadsheets name it. */
export const STATUS_NAMES: Record<MemberStatus, string> = {
  NONE: "尚未递交入党申请书",
  APPLICANT: "入党申请人",
  ACTIVIST: "入党积极分子",
  CANDIDATE: "发展对象",
  PROBATIONARY: "预备党员",
  FULL: "正式党员",
  CANCELLED: "已取消预备党员资格",
};

export function evaluateStep(ruleSet: RuleSet, input: StepInput): Evaluation {
  const step = ruleSet.step(input.step);
  if (step === undefined) {
    return refused({
      rule: RULES.generalKnownStep,
      field: "step",
      message: `general.knownStep: 规则 ${ruleSet.version} 中没有步骤 ${input.step}`,
    });
  }
  if (!isIsoDate(input.effectiveDate)) {
    return refused({
      rule: RULES.generalDateFormat,
      field: "effectiveDate",
      message: "general.dateFormat: 生效日期须为 YYYY-MM-DD",
    });
  }
  const history = replayHistory(ruleSet, input.history);
  const fieldViolations = validateFields(step, input.fields);
  const violations = [...structuralViolations(ruleSet, step, history), ...fieldViolations];
  const findings: Finding[] = [];

  // Rules read typed fields; with a malformed field they would only add noise to the real problem.
  if (fieldViolations.length === 0) {
    const context: RuleContext = {
      step,
      effectiveDate: input.effectiveDate,
      fields: input.fields,
      member: input.member,
      facts: input.facts ?? {},
      today: input.today,
      history,
    };
    for (const rule of [...step.rules, ...ruleSet.generalRules]) {
      if (!conditionHolds(rule.when, input.fields, history)) continue;
      const detail = ruleKind(rule.kind)!.check(context, rule.params, rule.field);
      if (detail === null) continue;
      const message = `${rule.id}: ${rule.description.zh}${detail ? ` (${detail})` : ""}`;
      if (rule.severity === "hard") violations.push({ rule: rule.id, field: rule.field, message });
      else findings.push({ rule: rule.id, message });
    }
  }

  const resolved = resolveChainAction(step, history.latest);
  return {
    violations,
    findings,
    chainAction: resolved?.action ?? null,
    dates: chainDates(ruleSet, resolved?.action, resolved?.source, input, history),
  };
}

export interface NextStep {
  step: string;
  name: { zh: string; en: string };
  /** The earliest date the hard and soft rules allow, as far as the history tells. */
  earliest?: IsoDate;
  /** The latest date before a soft rule records a finding. */
  dueBy?: IsoDate;
  /** The latest date a hard rule allows. */
  deadline?: IsoDate;
  /** Past `dueBy` or `deadline` on `today`. */
  overdue: boolean;
}

/** The steps that may be recorded next, in rule-set order, with the dates their rules give. */
export function nextSteps(ruleSet: RuleSet, historyRecords: readonly HistoryRecord[], today?: IsoDate): NextStep[] {
  const history = replayHistory(ruleSet, historyRecords);
  return ruleSet.steps
    .filter((step) => structuralViolations(ruleSet, step, history).length === 0)
    .map((step) => {
      const next: NextStep = { step: step.code, name: step.name, overdue: false };
      for (const rule of [...step.rules, ...ruleSet.generalRules]) {
        if (!knownToApply(rule, history)) continue;
        const window = ruleKind(rule.kind)!.window?.({ step, history }, rule.params);
        if (window) narrow(next, rule, window);
      }
      const limit = next.dueBy ?? next.deadline;
      next.overdue = today !== undefined && limit !== undefined && today > limit;
      return next;
    });
}

/** Whether a rule applies before the write: a condition on the step's own fields cannot be known yet. */
function knownToApply(rule: RuleDefinition, history: MemberHistory): boolean {
  return rule.when === undefined || (rule.when.step !== undefined && conditionHolds(rule.when, {}, history));
}

function narrow(next: NextStep, rule: RuleDefinition, window: Window): void {
  if (window.earliest !== undefined && (next.earliest === undefined || window.earliest > next.earliest)) {
    next.earliest = window.earliest;
  }
  if (window.latest === undefined) return;
  const key = rule.severity === "hard" ? "deadline" : "dueBy";
  if (next[key] === undefined || window.latest < next[key]) next[key] = window.latest;
}

/** Stage, prerequisites and repetition: whether the step may be recorded at this point of the history. */
function structuralViolations(ruleSet: RuleSet, step: StepDefinition, history: MemberHistory): Violation[] {
  const violations: Violation[] = [];
  const violation = (name: string, message: string) =>
    violations.push({ rule: `${step.code}.${name}`, field: "step", message: `${step.code}.${name}: ${message}` });

  if (!step.whileStatus.includes(history.status)) {
    const allowed = step.whileStatus.map((status) => STATUS_NAMES[status]).join("、");
    violation("stage", `${step.name.zh} 须在成员为${allowed}时记录 (当前: ${STATUS_NAMES[history.status]})`);
  }
  const recorded = history.all(step.code).length;
  const allowedTimes = { once: 1, many: Infinity, oncePerProbationPeriod: history.probationPeriods }[step.repeat];
  if (recorded >= allowedTimes) violation("repeat", `${step.name.zh} 已记录 ${recorded} 次，不能再次记录`);

  // Within a probation period (after an extension) the period's steps are needed again: a new S22 before S23.
  const perPeriod = (code: string) => ruleSet.step(code)?.repeat === "oncePerProbationPeriod";
  const missing = step.prerequisites.filter((code) => {
    if (stepOrdinal(ruleSet, code) <= history.archivedThrough) return false;
    const needed = perPeriod(step.code) && perPeriod(code) ? recorded + 1 : 1;
    return history.all(code).length < needed;
  });
  if (missing.length > 0) violation("prerequisites", `须先记录 ${missing.join("、")}`);
  return violations;
}

function conditionHolds(
  condition: Condition | undefined,
  fields: Record<string, unknown>,
  history: MemberHistory
): boolean {
  if (condition === undefined) return true;
  const source = condition.step === undefined ? fields : history.latest(condition.step)?.fields;
  return source !== undefined && condition.in.some((value) => value === source[condition.field]);
}

function chainDates(
  ruleSet: RuleSet,
  action: ChainAction | undefined,
  source: HistoryRecord | undefined,
  input: StepInput,
  history: MemberHistory
): ChainDates {
  const { startStep, months, extensionMonthsField } = ruleSet.probation;
  if (action === "admit") {
    const start = input.step === startStep ? input.effectiveDate : history.latest(startStep)?.effectiveDate;
    return start === undefined ? {} : { branchMeetingDate: start, probationEndDate: addMonths(start, months) };
  }
  const probationEndDate = history.probationEnd;
  if (probationEndDate === undefined) return {};
  if (action === "extendProbation") {
    const extension = source?.fields[extensionMonthsField];
    return typeof extension === "number"
      ? { probationEndDate, newProbationEndDate: addMonths(probationEndDate, extension) }
      : { probationEndDate };
  }
  if (action === "convert") return { probationEndDate, fullMembershipDate: probationEndDate };
  return {};
}

function refused(violation: Violation): Evaluation {
  return { violations: [violation], findings: [], chainAction: null, dates: {} };
}
