// The 党员名册 as a spreadsheet: one row per member of the caller's organization subtree, in the columns of the
// roster template (so an exported roster reads back through the import), plus the member's current stage. The
// personal columns are there only for a caller granted personal data; the others get branch, stage and dates.
import { MAX_PAGE_SIZE, type Member } from "../../data-access";
import { supersededIds } from "../membership/history";
import type { Actor, Institution } from "../institution";
import { tryOpenPersonalData, type PersonalData } from "../membership/members";
import { ROSTER_COLUMNS, type RosterField } from "../roster/columns";
import { ARCHIVAL_MILESTONES, STATUS_NAMES, type ArchivalDateName } from "../rules";
import { exportScope } from "./scope";
import { addHeaderedSheet, dateCell, newWorkbook, workbookBytes, type Cell, type SheetColumn } from "./sheet";

type PersonalField = Exclude<RosterField, "branch" | ArchivalDateName>;

const SEX_NAMES = { M: "男", F: "女" } as const;
const STAGE_TITLE = "发展阶段";

const PERSONAL_VALUES: Record<PersonalField, (personal: PersonalData) => Cell> = {
  name: (personal) => personal.name,
  sex: (personal) => (personal.gender ? SEX_NAMES[personal.gender] : null),
  ethnicity: (personal) => personal.ethnicity ?? null,
  birthDate: (personal) => dateCell(personal.birthDate),
  idNumber: (personal) => personal.idNumber,
  staffNumber: (personal) => personal.staffNumber ?? null,
};
const WIDTHS: Partial<Record<RosterField, number>> = { name: 8, idNumber: 18, staffNumber: 12, branch: 28 };

function isPersonal(field: RosterField): field is PersonalField {
  return field in PERSONAL_VALUES;
}

export interface RosterExport {
  fileName: string;
  content: Buffer;
}

export async function exportRoster(institution: Institution, actor: Actor, request: { orgId?: number } = {}): Promise<RosterExport> {
  const scope = await exportScope(institution, actor, request.orgId);
  const today = institution.today();
  const columns = ROSTER_COLUMNS.filter((column) => actor.canReadPersonalData || !isPersonal(column.field));
  const rows: { orgId: number; cells: Cell[] }[] = [];
  for await (const member of membersOf(institution, scope.root.id)) {
    const personal = tryOpenPersonalData(institution, member);
    // A row not sealed for its organization was changed outside the service: no list shows it, nor does this one.
    if (personal === null) continue;
    const dates = await keyDates(institution, member);
    const cells = columns.map((column): Cell => {
      if (isPersonal(column.field)) return PERSONAL_VALUES[column.field](personal);
      if (column.field === "branch") return scope.nameOf(member.orgId);
      return dateCell(dates.get(column.field));
    });
    rows.push({ orgId: member.orgId, cells: [...cells, STATUS_NAMES[member.stage]] });
  }
  // Branch by branch, in the order the organization tree lists them; members of a branch oldest on file first.
  const branchOrder = new Map(scope.organizations.map((org, index) => [org.id, index]));
  rows.reverse().sort((a, b) => branchOrder.get(a.orgId)! - branchOrder.get(b.orgId)!);
  const title = `${scope.root.name}党员名册（截至${today}）`;
  const workbook = await newWorkbook(title, institution.now());
  const sheetColumns: SheetColumn[] = [
    ...columns.map((column) => ({ title: column.title, width: WIDTHS[column.field], date: column.field.endsWith("Date") })),
    { title: STAGE_TITLE, width: 14 },
  ];
  const sheet = addHeaderedSheet(
    workbook,
    "党员名册",
    title,
    sheetColumns,
    rows.map((row) => row.cells),
  );
  // The ID number stays text: a number column would round its last digits away.
  const idColumn = columns.findIndex((column) => column.field === "idNumber");
  if (idColumn >= 0) sheet.getColumn(idColumn + 1).numFmt = "@";
  return { fileName: `${scope.root.name}党员名册-${today}.xlsx`, content: await workbookBytes(workbook) };
}

/** Every member of the subtree, page by page: the roster may be far larger than one page. */
async function* membersOf(institution: Institution, rootOrgId: number): AsyncGenerator<Member> {
  let cursor: string | undefined;
  do {
    const page = await institution.repositories.members.listByOrgSubtree(rootOrgId, { limit: MAX_PAGE_SIZE, ...(cursor && { cursor }) });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** The date of each roster milestone the member's records in force hold (a corrected record's correction counts). */
async function keyDates(institution: Institution, member: Member): Promise<Map<ArchivalDateName, string>> {
  const records = await institution.repositories.records.listByMember(member.id);
  const superseded = supersededIds(records);
  const dates = new Map<ArchivalDateName, string>();
  for (const milestone of ARCHIVAL_MILESTONES) {
    const record = records.filter((candidate) => candidate.step === milestone.step && !superseded.has(candidate.id)).at(-1);
    if (record) dates.set(milestone.date, record.effectiveDate);
  }
  return dates;
}
