// Checking each roster row before anything is written: personal data (the ID number's check digit and its agreement
// with the birth date and sex), the branch by name within the importer's organizations, every date readable, and every
// rule of the rule set that the row's dates decide. A row with any problem is refused whole and named in the report.
import type { Organization } from "../../data-access";
import type { IsoDate } from "../../lib/calendar";
import type { MessageText } from "../messages";
import { refusalText } from "../messages";
import type { PersonalData } from "../membership/members";
import { RULES, type RuleId } from "../refusals";
import { ARCHIVAL_MILESTONES, evaluateArchival, type ArchivalDates, type ArchivalMilestone, type Finding, type RuleSet } from "../rules";
import { ROSTER_COLUMNS, type ColumnMapping, type RosterField } from "./columns";
import { parseRosterDate } from "./dates";
import { idNumberBirthDate, idNumberProblem, idNumberSex, normalizeIdNumber, type IdNumberProblem } from "./id-number";
import type { RosterCell, RosterRow } from "./read";

export interface RowProblem {
  /** The file's header of the column concerned (the field's Chinese title when the file lacks the column). */
  column: string;
  rule: string;
  message: MessageText;
}

export interface CheckedRow {
  line: number;
  personal: PersonalData;
  orgId: number;
  milestones: ArchivalMilestone[];
  findings: (Finding & { date: string })[];
}

export type RowResult = { ok: true; row: CheckedRow } | { ok: false; line: number; problems: RowProblem[] };

export interface CheckContext {
  ruleSet: RuleSet;
  today: IsoDate;
  /** The organizations a member may be imported into: the importer's subtree, below the consortium. */
  organizations: readonly Organization[];
}

/** The rule each way an ID number can be malformed refuses it by. */
const ID_NUMBER_RULE: Record<IdNumberProblem, RuleId> = {
  format: RULES.rosterIdNumberFormat,
  checkDigit: RULES.rosterIdNumberCheckDigit,
  birthDate: RULES.rosterIdNumberBirthDate,
};

const TITLE_OF = Object.fromEntries(ROSTER_COLUMNS.map((column) => [column.field, column.title])) as Record<RosterField, string>;

/** A refusal from the catalogue, with what the code found added to both languages. */
function problem(column: string, rule: RuleId, detail?: string): RowProblem {
  const text = refusalText(rule);
  if (text === undefined) throw new Error(`refusal ${rule} is missing from the catalogue (api/src/domain/messages.ts)`);
  const suffix = detail ? `（${detail}）` : "";
  return { column, rule, message: { zh: `${text.zh}${suffix}`, en: `${text.en}${detail ? ` (${detail})` : ""}` } };
}

/** The columns a mapping lacks although every row needs them. */
export function missingColumns(mapping: ColumnMapping): RowProblem[] {
  return ROSTER_COLUMNS.filter((column) => column.required && mapping[column.field] === undefined).map((column) =>
    problem(column.title, RULES.rosterMissingColumn, column.title),
  );
}

export function checkRow(row: RosterRow, mapping: ColumnMapping, context: CheckContext): RowResult {
  const problems: RowProblem[] = [];
  const columnOf = (field: RosterField) => mapping[field] ?? TITLE_OF[field];
  const cell = (field: RosterField): RosterCell => {
    const header = mapping[field];
    return header === undefined ? null : (row.cells[header] ?? null);
  };
  const text = (field: RosterField): string | undefined => {
    const value = cell(field);
    if (value === null) return undefined;
    return value instanceof Date ? value.toISOString().slice(0, 10) : value;
  };
  const date = (field: RosterField): IsoDate | undefined => {
    const value = cell(field);
    if (value === null) return undefined;
    const parsed = parseRosterDate(value);
    if (parsed === null) problems.push(problem(columnOf(field), RULES.rosterDateFormat, String(text(field))));
    return parsed ?? undefined;
  };

  const name = text("name");
  if (name === undefined) problems.push(problem(columnOf("name"), RULES.rosterRequired, TITLE_OF.name));
  else if (name.length > 64) problems.push(problem(columnOf("name"), RULES.rosterNameTooLong));

  const rawIdNumber = text("idNumber");
  const idNumber = rawIdNumber === undefined ? undefined : normalizeIdNumber(rawIdNumber);
  const idProblem = idNumber === undefined ? null : idNumberProblem(idNumber);
  if (idNumber === undefined) problems.push(problem(columnOf("idNumber"), RULES.rosterRequired, TITLE_OF.idNumber));
  else if (idProblem !== null) problems.push(problem(columnOf("idNumber"), ID_NUMBER_RULE[idProblem]));
  const idValid = idNumber !== undefined && idProblem === null;

  const givenBirthDate = date("birthDate");
  const birthDate = idValid ? idNumberBirthDate(idNumber) : givenBirthDate;
  if (idValid && givenBirthDate !== undefined && givenBirthDate !== birthDate) {
    problems.push(problem(columnOf("birthDate"), RULES.rosterBirthDateMismatch, `${givenBirthDate} ≠ ${birthDate}`));
  }

  const sexText = text("sex");
  const sex = sexText === undefined ? undefined : sexOf(sexText);
  if (sexText !== undefined && sex === null) problems.push(problem(columnOf("sex"), RULES.rosterSex, sexText));
  if (idValid && sex && sex !== idNumberSex(idNumber)) problems.push(problem(columnOf("sex"), RULES.rosterSexMismatch));

  const orgId = branchOf(text("branch"), context.organizations, columnOf("branch"), problems);

  const dates: ArchivalDates = {};
  for (const milestone of ARCHIVAL_MILESTONES) {
    const value = date(milestone.date);
    if (value !== undefined) dates[milestone.date] = value;
  }
  if (Object.keys(dates).length === 0 && !problems.some((p) => p.rule === RULES.rosterDateFormat)) {
    problems.push(problem(columnOf("applicationDate"), RULES.rosterNoMilestone));
  }

  const evaluation = evaluateArchival(context.ruleSet, dates, { birthDate }, context.today);
  for (const violation of evaluation.violations) {
    problems.push({ column: columnOf(violation.date), rule: violation.rule, message: violation.message });
  }

  if (problems.length > 0 || name === undefined || !idValid || orgId === null) return { ok: false, line: row.line, problems };
  const staffNumber = text("staffNumber");
  const ethnicity = text("ethnicity");
  const personal: PersonalData = {
    name,
    idNumber,
    birthDate: birthDate!,
    gender: sex ?? idNumberSex(idNumber),
    ...(ethnicity !== undefined && { ethnicity }),
    ...(staffNumber !== undefined && { staffNumber }),
  };
  return { ok: true, row: { line: row.line, personal, orgId, milestones: evaluation.milestones, findings: evaluation.findings } };
}

function sexOf(value: string): "M" | "F" | null {
  if (["男", "M", "m", "男性"].includes(value)) return "M";
  if (["女", "F", "f", "女性"].includes(value)) return "F";
  return null;
}

/** The organization of the importer's subtree with this exact name (spaces ignored); a refusal when none or several. */
function branchOf(name: string | undefined, organizations: readonly Organization[], column: string, problems: RowProblem[]): number | null {
  if (name === undefined) {
    problems.push(problem(column, RULES.rosterRequired, TITLE_OF.branch));
    return null;
  }
  const wanted = name.replace(/\s+/g, "");
  const matches = organizations.filter((org) => org.name.replace(/\s+/g, "") === wanted);
  if (matches.length === 1) return matches[0].id;
  problems.push(problem(column, matches.length === 0 ? RULES.rosterUnknownBranch : RULES.rosterAmbiguousBranch, name));
  return null;
}
