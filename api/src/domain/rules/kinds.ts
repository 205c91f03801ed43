// The registry of rule kinds. A rule set names a kind and gives its parameters; each kind is a small function
// over the facts of one write. A new rule version reuses these by data alone; a new kind is added here.
import { z } from "zod";
import { addDays, addMonths, ageOn, isIsoDate, type IsoDate } from "../../lib/calendar";
import type { MemberHistory } from "./history";
import type { StepDefinition } from "./schema";

/** What the caller knows about the member and the write, looked up from its database (the engine never queries). */
export interface Facts {
  /** The organization deciding an approval is a committee with approval power above the member's organization. */
  approvingOrgMayApprove?: boolean;
  /** The day the candidate is known to leave the unit (graduation, transfer), if any. */
  plannedDepartureDate?: IsoDate;
}

export interface RuleContext {
  step: StepDefinition;
  effectiveDate: IsoDate;
  fields: Record<string, unknown>;
  member: { birthDate?: IsoDate };
  facts: Facts;
  today: IsoDate;
  history: MemberHistory;
}

/** Before a step is recorded: only the history is known (for "next step due"). */
export interface WindowContext {
  step: StepDefinition;
  history: MemberHistory;
}

export interface Window {
  earliest?: IsoDate;
  latest?: IsoDate;
}

/** A broken rule's detail (Chinese, may be empty), or null when the rule holds or does not apply. */
export type Outcome = string | null;

export interface RuleKind<P> {
  params: z.ZodType<P>;
  /** Steps the parameters name, checked to exist when a rule set is loaded. */
  referencedSteps?: (params: P) => string[];
  check(context: RuleContext, params: P, field: string): Outcome;
  /** The dates between which the step satisfies this rule, as far as the history tells. */
  window?(context: WindowContext, params: P): Window | null;
}

const stepCode = z.string().regex(/^S[1-9][0-9]*$/);
const months = z.number().int().positive();
const noParams = z.strictObject({});

/** The date of a step: this write's date if it is the step being recorded, else its latest recorded date. */
function dateOf(context: RuleContext, step: string): IsoDate | undefined {
  return step === context.step.code ? context.effectiveDate : context.history.latest(step)?.effectiveDate;
}

function integerField(context: RuleContext, name: string): number | undefined {
  const value = context.fields[name];
  return typeof value === "number" && Number.isSafeInteger(value) ? value : undefined;
}

function kind<P>(definition: RuleKind<P>): RuleKind<P> {
  return definition;
}

function latestAfterGap(history: MemberHistory, steps: string[], gapMonths: number): IsoDate | undefined {
  const dates = steps.flatMap((step) => history.latest(step)?.effectiveDate ?? []);
  return dates.length === 0
    ? undefined
    : addMonths(
        dates.reduce((a, b) => (a > b ? a : b)),
        gapMonths
      );
}

const memberRef = z.strictObject({
  memberKey: z.string(),
  isFullMember: z.boolean(),
  underDiscipline: z.boolean(),
});

export const RULE_KINDS = {
  notInFuture: kind({
    params: noParams,
    check: ({ effectiveDate, today }) => (effectiveDate > today ? `今天是 ${today}` : null),
  }),

  notBeforeLatest: kind({
    params: noParams,
    check: ({ effectiveDate, history }) =>
      history.lastEffectiveDate !== undefined && effectiveDate < history.lastEffectiveDate
        ? `最早 ${history.lastEffectiveDate}`
        : null,
    window: ({ history }) => ({ earliest: history.lastEffectiveDate }),
  }),

  minAgeAt: kind({
    params: z.strictObject({ years: z.number().int().positive() }),
    check: ({ member, effectiveDate }, { years }) => {
      if (!isIsoDate(member.birthDate)) return "出生日期未知";
      if (effectiveDate < member.birthDate) return `出生日期 ${member.birthDate}`;
      return ageOn(member.birthDate, effectiveDate) < years
        ? `年满 ${years} 周岁之日为 ${addMonths(member.birthDate, years * 12)}`
        : null;
    },
  }),

  notBefore: kind({
    params: z.strictObject({ step: stepCode, strict: z.boolean().optional() }),
    referencedSteps: ({ step }) => [step],
    check: (context, { step, strict }) => {
      const anchor = dateOf(context, step);
      if (anchor === undefined) return null;
      const tooEarly = strict ? context.effectiveDate <= anchor : context.effectiveDate < anchor;
      return tooEarly ? `${step} 日期为 ${anchor}` : null;
    },
    window: ({ history }, { step, strict }) => {
      const anchor = history.latest(step)?.effectiveDate;
      return anchor === undefined ? null : { earliest: strict ? addDays(anchor, 1) : anchor };
    },
  }),

  atLeastAfter: kind({
    params: z.strictObject({ step: stepCode, months }),
    referencedSteps: ({ step }) => [step],
    check: (context, params) => {
      const anchor = dateOf(context, params.step);
      if (anchor === undefined) return null;
      const earliest = addMonths(anchor, params.months);
      return context.effectiveDate < earliest ? `最早 ${earliest}` : null;
    },
    window: ({ history }, params) => {
      const anchor = history.latest(params.step)?.effectiveDate;
      return anchor === undefined ? null : { earliest: addMonths(anchor, params.months) };
    },
  }),

  atMostAfter: kind({
    params: z.strictObject({ step: stepCode, months }),
    referencedSteps: ({ step }) => [step],
    check: (context, params) => {
      const anchor = dateOf(context, params.step);
      if (anchor === undefined) return null;
      const latest = addMonths(anchor, params.months);
      return context.effectiveDate > latest ? `最晚 ${latest}` : null;
    },
    window: ({ history }, params) => {
      const anchor = history.latest(params.step)?.effectiveDate;
      return anchor === undefined ? null : { latest: addMonths(anchor, params.months) };
    },
  }),

  /** No more than `months` since the latest record of any of `steps` (an assessment every six months). */
  maxGapSince: kind({
    params: z.strictObject({ steps: z.array(stepCode).min(1), months }),
    referencedSteps: ({ steps }) => steps,
    check: ({ history, effectiveDate }, params) => {
      const latest = latestAfterGap(history, params.steps, params.months);
      return latest !== undefined && effectiveDate > latest ? `最晚 ${latest}` : null;
    },
    window: ({ history }, params) => ({ latest: latestAfterGap(history, params.steps, params.months) }),
  }),

  /** Contacts or sponsors: how many, distinct, full members, not under disciplinary sanction. */
  qualifiedMembers: kind({
    params: z.strictObject({
      min: z.number().int().nonnegative(),
      max: z.number().int().positive(),
      requireFullMember: z.boolean(),
      forbidDiscipline: z.boolean(),
    }),
    check: ({ fields }, params, field) => {
      const members = z.array(memberRef).safeParse(fields[field]);
      if (!members.success) return null;
      const list = members.data;
      if (list.length < params.min || list.length > params.max) {
        return params.min === params.max
          ? `须 ${params.min} 名，实为 ${list.length} 名`
          : `须 ${params.min}–${params.max} 名，实为 ${list.length} 名`;
      }
      if (new Set(list.map((m) => m.memberKey)).size !== list.length) return "不得重复";
      const notFull = list.findIndex((m) => !m.isFullMember);
      if (params.requireFullMember && notFull >= 0) return `第 ${notFull + 1} 名不是正式党员`;
      const disciplined = list.findIndex((m) => m.underDiscipline);
      if (params.forbidDiscipline && disciplined >= 0) return `第 ${disciplined + 1} 名正在受党纪处分`;
      return null;
    },
  }),

  /** The latest record of `step` has `field` equal to `value` (a political review that passed). */
  priorFieldEquals: kind({
    params: z.strictObject({ step: stepCode, field: z.string(), value: z.json() }),
    referencedSteps: ({ step }) => [step],
    check: ({ history }, params) => {
      const record = history.latest(params.step);
      if (record === undefined) return `尚无 ${params.step} 记录`;
      const actual = record.fields[params.field];
      return actual === params.value ? null : `${params.step}.${params.field} 为 ${JSON.stringify(actual ?? null)}`;
    },
  }),

  /** Some record of `step` reaches one of the minimums (training of ≥ 3 days or ≥ 24 hours). */
  priorAnyAtLeast: kind({
    params: z.strictObject({
      step: stepCode,
      anyOf: z.array(z.strictObject({ field: z.string(), min: z.number() })).min(1),
    }),
    referencedSteps: ({ step }) => [step],
    check: ({ history }, params) => {
      const records = history.all(params.step);
      const met = records.some((record) =>
        params.anyOf.some(
          ({ field, min }) => typeof record.fields[field] === "number" && (record.fields[field]) >= min
        )
      );
      return met ? null : `已记录 ${records.length} 次 ${params.step}，均未达到要求`;
    },
  }),

  anyFieldPresent: kind({
    params: z.strictObject({ fields: z.array(z.string()).min(1) }),
    check: ({ fields }, params) =>
      params.fields.some((name) => fields[name] !== undefined) ? null : `须填写 ${params.fields.join(" 或 ")}`,
  }),

  /** Strictly more than half, in integers: 2·value > of (entitled 9: 5 is enough, 4.5 is not a vote). */
  moreThanHalf: kind({
    params: z.strictObject({ of: z.string() }),
    check: (context, params, field) => {
      const value = integerField(context, field);
      const whole = integerField(context, params.of);
      if (value === undefined || whole === undefined) return null;
      return 2 * value > whole
        ? null
        : `${field} = ${value}，${params.of} = ${whole}，须至少 ${Math.floor(whole / 2) + 1}`;
    },
  }),

  notGreaterThan: kind({
    params: z.strictObject({ than: z.string() }),
    check: (context, params, field) => {
      const value = integerField(context, field);
      const bound = integerField(context, params.than);
      if (value === undefined || bound === undefined) return null;
      return value > bound ? `${field} = ${value}，${params.than} = ${bound}` : null;
    },
  }),

  /** The field is given and within [min, max]. */
  integerRange: kind({
    params: z.strictObject({ min: z.number().int(), max: z.number().int() }),
    check: (context, params, field) => {
      const value = integerField(context, field);
      if (value === undefined) return `须填写 ${field}`;
      return value < params.min || value > params.max
        ? `${field} = ${value}，须在 ${params.min}–${params.max} 之间`
        : null;
    },
  }),

  absent: kind({
    params: noParams,
    check: ({ fields }, _params, field) => (fields[field] === undefined ? null : `不应填写 ${field}`),
  }),

  /** The field may take `value` in at most one live record of this step (a probation is extended once). */
  notRepeatedValue: kind({
    params: z.strictObject({ value: z.json() }),
    check: ({ fields, history, step }, params, field) => {
      if (fields[field] !== params.value) return null;
      const earlier = history.all(step.code).find((record) => record.fields[field] === params.value);
      return earlier === undefined ? null : `已于 ${earlier.effectiveDate} 记录`;
    },
  }),

  factIsTrue: kind({
    params: z.strictObject({ fact: z.enum(["approvingOrgMayApprove"]) }),
    check: ({ facts }, params) => (facts[params.fact] === true ? null : `${params.fact} 不成立`),
  }),

  /** A date fact that falls within `months` after `step` (leaving the unit within three months of pre-review). */
  factDateNotWithin: kind({
    params: z.strictObject({ fact: z.enum(["plannedDepartureDate"]), step: stepCode, months }),
    referencedSteps: ({ step }) => [step],
    check: (context, params) => {
      const fact = context.facts[params.fact];
      const anchor = dateOf(context, params.step);
      if (!isIsoDate(fact) || anchor === undefined) return null;
      const until = addMonths(anchor, params.months);
      return fact <= until ? `${params.fact} = ${fact}，不晚于 ${until}` : null;
    },
  }),

  /** On or after the end of probation (conversion to full membership). */
  notBeforeProbationEnd: kind({
    params: noParams,
    check: ({ effectiveDate, history }) =>
      history.probationEnd === undefined
        ? "预备期尚未开始"
        : effectiveDate < history.probationEnd
        ? `预备期至 ${history.probationEnd}`
        : null,
    window: ({ history }) => ({ earliest: history.probationEnd }),
  }),
};

export type RuleKindName = keyof typeof RULE_KINDS;

export function ruleKind(name: string): RuleKind<unknown> | undefined {
  return Object.hasOwn(RULE_KINDS, name)
    ? (RULE_KINDS[name as RuleKindName] as unknown as RuleKind<unknown>)
    : undefined;
}
