// Members entered from earlier files (a roster import): the milestones a 党员名册 / 发展党员台账 gives, the step and
// status each stands for, and the rules their dates alone can be checked against.
import type { IsoDate } from "../../lib/calendar";
import type { Finding } from "./engine";
import { replayHistory, type HistoryRecord } from "./history";
import { ruleKind, type RuleKindName } from "./kinds";
import type { RuleSet } from "./rule-set";
import type { MemberStatus } from "./schema";

/**
 * The key dates of a roster, in development order, with the step of the 2014 rules that each records and the status
 * the member reached with it. The branch meeting (支部大会, S15) is what a roster's 接收预备党员日期 names: probation
 * runs a year from it, on chain too.
 */
export const ARCHIVAL_MILESTONES = [
  { date: "applicationDate", step: "S1", status: "APPLICANT" },
  { date: "activistDate", step: "S3", status: "ACTIVIST" },
  { date: "candidateDate", step: "S7", status: "CANDIDATE" },
  { date: "branchMeetingDate", step: "S15", status: "PROBATIONARY" },
  { date: "conversionDate", step: "S24", status: "FULL" },
] as const satisfies readonly { date: string; step: string; status: MemberStatus }[];

export type ArchivalDateName = (typeof ARCHIVAL_MILESTONES)[number]["date"];
export type ArchivalDates = Partial<Record<ArchivalDateName, IsoDate>>;

/**
 * Rules decided by dates alone. Rules reading a step's fields (votes, sponsors, approval power) cannot be checked from
 * a roster: the files the row summarizes held them, and the archival mark says so.
 */
const DATE_RULE_KINDS: ReadonlySet<RuleKindName> = new Set<RuleKindName>([
  "notInFuture",
  "notBeforeLatest",
  "minAgeAt",
  "notBefore",
  "atLeastAfter",
  "atMostAfter",
  "notBeforeProbationEnd",
]);

/** The roster dates a member's archival records give, each by the milestone its step stands for. */
export function archivalDatesOf(records: readonly { step: string; effectiveDate: IsoDate }[]): ArchivalDates {
  const dates: ArchivalDates = {};
  for (const record of records) {
    const milestone = ARCHIVAL_MILESTONES.find((candidate) => candidate.step === record.step);
    if (milestone) dates[milestone.date] = record.effectiveDate;
  }
  return dates;
}

export interface ArchivalMilestone {
  date: ArchivalDateName;
  step: string;
  status: MemberStatus;
  effectiveDate: IsoDate;
}

export interface ArchivalEvaluation {
  /** The milestones the row gives, in order; the last one is the member's current status. */
  milestones: ArchivalMilestone[];
  /** Hard rules broken, each naming the date it concerns, in the rule's two languages: any one refuses the row. */
  violations: { rule: string; date: ArchivalDateName; message: { zh: string; en: string } }[];
  findings: (Finding & { date: ArchivalDateName })[];
}

/**
 * Checks a roster row's dates against every rule of the rule set that those dates decide, milestone by milestone as
 * if each were recorded then. A rule conditioned on a record the files do not hold (the conversion's S23 outcome) is
 * taken to hold: the file says the step happened. A rule comparing with a step the files do not date is skipped.
 */
export function evaluateArchival(ruleSet: RuleSet, dates: ArchivalDates, member: { birthDate?: IsoDate }, today: IsoDate): ArchivalEvaluation {
  const milestones = ARCHIVAL_MILESTONES.flatMap((milestone) => {
    const effectiveDate = dates[milestone.date];
    return effectiveDate === undefined ? [] : [{ ...milestone, effectiveDate }];
  });
  const evaluation: ArchivalEvaluation = { milestones, violations: [], findings: [] };
  const history: HistoryRecord[] = [];
  for (const milestone of milestones) {
    const step = ruleSet.step(milestone.step);
    if (step === undefined) throw new Error(`rule set ${ruleSet.version} has no step ${milestone.step} for archival milestones`);
    const context = {
      step,
      effectiveDate: milestone.effectiveDate,
      fields: {},
      member,
      facts: {},
      today,
      history: replayHistory(ruleSet, history),
    };
    for (const rule of [...step.rules, ...ruleSet.generalRules]) {
      if (!DATE_RULE_KINDS.has(rule.kind as RuleKindName)) continue;
      // A conversion whose branch meeting the files do not date has no probation end to compare with.
      if (rule.kind === "notBeforeProbationEnd" && context.history.probationEnd === undefined) continue;
      const detail = ruleKind(rule.kind)!.check(context, rule.params, rule.field);
      if (detail === null) continue;
      const suffix = detail ? ` (${detail})` : "";
      if (rule.severity === "hard") {
        const message = { zh: `${rule.description.zh}${suffix}`, en: `${rule.description.en}${suffix}` };
        evaluation.violations.push({ rule: rule.id, date: milestone.date, message });
      } else {
        evaluation.findings.push({ rule: rule.id, message: `${rule.id}: ${rule.description.zh}${suffix}`, date: milestone.date });
      }
    }
    history.push({ step: milestone.step, effectiveDate: milestone.effectiveDate, fields: {}, archivalStatus: milestone.status });
  }
  return evaluation;
}
