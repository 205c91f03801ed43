// The roster import: a 党员名册 / 发展党员台账 file becomes members whose known milestones are archival records, marked
// with the file's SHA-256 and the importer. A dry run checks every row and reports each refused one; the import then
// writes the accepted rows in batches (each batch one transaction) and queues one registerArchival per member for the
// chain. A person already on file (by ID number) is skipped, so running a file twice imports nothing the second time.
import { createHash } from "node:crypto";
import { ActivePersonExistsError, type ImportedMember } from "../../data-access";
import { blindIndex } from "../../lib/field-encryption";
import { hashedRecord, newSalt, type ArchivalMark, type RecordBody } from "../../lib/record-hash";
import { requireRole } from "../access";
import { archivalChainCall } from "../chain-writes";
import { Conflict, RuleViolation } from "../errors";
import { sealRecordBody } from "../membership/history";
import type { Actor, Institution } from "../institution";
import { refusalText } from "../messages";
import { newMemberKey, sealPersonalData } from "../membership/members";
import type { ArchivalDates } from "../rules";
import { mapColumns, type ColumnMapping } from "./columns";
import { checkRow, missingColumns, type CheckedRow, type RowProblem } from "./check";
import { readRosterFile, rosterFormatOf, type RosterTable } from "./read";
import { RULES } from "../refusals";

/** Rows per transaction: large enough for multi-row statements to pay off, small enough to report progress. */
const BATCH_ROWS = 1000;
/** One import at most this many rows (a university's whole roster fits several times over). */
export const MAX_ROSTER_ROWS = 200_000;

export interface RosterImportRequest {
  bytes: Buffer;
  fileName: string;
  /** Columns chosen by the importer where the file's headers are not recognized (field → header). */
  mapping?: ColumnMapping;
  dryRun: boolean;
}

export interface RosterProgress {
  phase: "check" | "write";
  done: number;
  total: number;
}

export interface RosterReport {
  file: { sha256: string; rows: number; encoding: RosterTable["encoding"] };
  headers: string[];
  mapping: ColumnMapping;
  dryRun: boolean;
  /** Problems of the file as a whole (a required column missing): then no row is imported. */
  fileProblems: RowProblem[];
  refused: { line: number; problems: RowProblem[] }[];
  /** Rows whose person is already on file: not imported again. */
  skipped: { line: number; rule: string }[];
  /** Rows that pass every check: imported, or (dry run) to be imported. */
  accepted: number;
  imported: number;
  /** Accepted rows by the stage they enter at. */
  byStage: Partial<Record<string, number>>;
  /** Soft-rule findings the accepted rows' records carry. */
  findings: number;
}

export async function importRoster(
  institution: Institution,
  actor: Actor,
  request: RosterImportRequest,
  onProgress: (progress: RosterProgress) => void = () => {},
): Promise<RosterReport> {
  requireRole(actor, "importRosters");
  const format = rosterFormatOf(request.fileName);
  if (format === null)
    throw new RuleViolation({ rule: RULES.rosterUnreadable, field: "file", message: "a roster is an .xlsx or .csv file" });
  const table = await readRosterFile(request.bytes, format);
  if (table.rows.length > MAX_ROSTER_ROWS) {
    throw new RuleViolation({
      rule: RULES.rosterTooManyRows,
      field: "file",
      message: `${table.rows.length} rows, at most ${MAX_ROSTER_ROWS}`,
    });
  }
  const sha256 = `0x${createHash("sha256").update(request.bytes).digest("hex")}`;
  const mapping = mapColumns(table.headers, request.mapping);
  const report: RosterReport = {
    file: { sha256, rows: table.rows.length, encoding: table.encoding },
    headers: table.headers,
    mapping,
    dryRun: request.dryRun,
    fileProblems: missingColumns(mapping),
    refused: [],
    skipped: [],
    accepted: 0,
    imported: 0,
    byStage: {},
    findings: 0,
  };
  if (report.fileProblems.length > 0) return report;

  const accepted = await checkRows(institution, actor, table, mapping, report, onProgress);
  report.accepted = accepted.length;
  for (const row of accepted) {
    const stage = row.milestones.at(-1)!.status;
    report.byStage[stage] = (report.byStage[stage] ?? 0) + 1;
    report.findings += row.findings.length;
  }
  if (request.dryRun || accepted.length === 0) return report;

  const mark: ArchivalMark = { sourceSha256: sha256, importedBy: actor.accountId };
  const writeBatch = async (batch: ImportedMember[]) => {
    try {
      await institution.transaction(async (tx) => {
        const { recordIds } = await tx.rosterImport.insert(batch, actor.accountId);
        // As for any record written with findings: the administrative log names them, so the audit sweep can tell
        // stored findings from planted ones. A roster's dates rarely leave any.
        for (const { member, records } of batch) {
          for (const record of records.filter((candidate) => candidate.findings.length > 0)) {
            await tx.auditLog.append({
              accountId: actor.accountId,
              orgId: actor.orgId,
              action: "record.create",
              targetType: "record",
              targetId: String(recordIds.get(record.recordHash)),
              details: {
                memberKey: member.memberKey,
                step: record.step,
                recordHash: record.recordHash,
                findings: record.findings.map((f) => f.rule),
                archival: true,
              },
            });
          }
        }
      });
    } catch (error) {
      if (error instanceof ActivePersonExistsError) {
        throw new Conflict(`${report.imported} rows were imported; a member of the next ones was entered meanwhile: run the import again`, {
          rule: RULES.memberUniqueIdNumber,
        });
      }
      throw error;
    }
    report.imported += batch.length;
    onProgress({ phase: "write", done: report.imported, total: accepted.length });
  };
  // Sealing and hashing the next batch (CPU in this process) overlaps the database writing the previous one (CPU in
  // PostgreSQL): the batches are still written one after another, in file order, each in its own transaction.
  let writing: Promise<void> = Promise.resolve();
  for (let start = 0; start < accepted.length; start += BATCH_ROWS) {
    let batch: ImportedMember[];
    try {
      batch = await preparedBatch(institution, accepted.slice(start, start + BATCH_ROWS), mark);
    } catch (error) {
      // The report must not return while a batch is still being written: the earlier write settles first.
      await writing;
      throw error;
    }
    await writing;
    writing = writeBatch(batch);
    // Awaited at the next batch or below; until then a failure must not count as unhandled.
    writing.catch(() => {});
  }
  await writing;
  await institution.repositories.auditLog.append({
    accountId: actor.accountId,
    orgId: actor.orgId,
    action: "roster.import",
    targetType: "file",
    targetId: sha256,
    details: { rows: table.rows.length, imported: report.imported, refused: report.refused.length, skipped: report.skipped.length },
  });
  return report;
}

async function checkRows(
  institution: Institution,
  actor: Actor,
  table: RosterTable,
  mapping: ColumnMapping,
  report: RosterReport,
  onProgress: (progress: RosterProgress) => void,
): Promise<CheckedRow[]> {
  const { repositories } = institution;
  const subtree = new Set(await repositories.organizations.listSubtreeIds(actor.orgId));
  const organizations = (await repositories.organizations.list()).filter((org) => subtree.has(org.id) && org.kind !== "CONSORTIUM");
  const context = { ruleSet: institution.ruleSet, today: institution.today(), organizations };

  const checked: CheckedRow[] = [];
  const linesOfIdNumber = new Map<string, number[]>();
  table.rows.forEach((row, index) => {
    const result = checkRow(row, mapping, context);
    if (result.ok) {
      checked.push(result.row);
      const lines = linesOfIdNumber.get(result.row.personal.idNumber) ?? [];
      linesOfIdNumber.set(result.row.personal.idNumber, [...lines, row.line]);
    } else {
      report.refused.push({ line: result.line, problems: result.problems });
    }
    if ((index + 1) % BATCH_ROWS === 0) onProgress({ phase: "check", done: index + 1, total: table.rows.length });
  });
  onProgress({ phase: "check", done: table.rows.length, total: table.rows.length });

  // Two rows of one person contradict each other or repeat: neither is taken.
  const unique = checked.filter((row) => {
    if (linesOfIdNumber.get(row.personal.idNumber)!.length === 1) return true;
    const others = linesOfIdNumber.get(row.personal.idNumber)!.filter((line) => line !== row.line);
    report.refused.push({ line: row.line, problems: [duplicateProblem(mapping, others)] });
    return false;
  });

  const indexes = unique.map((row) => blindIndex(institution.blindIndexKey, row.personal.idNumber));
  const onFile = new Set<string>();
  for (let start = 0; start < indexes.length; start += BATCH_ROWS) {
    for (const index of await repositories.rosterImport.activeIdNumberIndexes(indexes.slice(start, start + BATCH_ROWS))) onFile.add(index);
  }
  report.refused.sort((a, b) => a.line - b.line);
  return unique.filter((row, index) => {
    if (!onFile.has(indexes[index])) return true;
    report.skipped.push({ line: row.line, rule: RULES.rosterOnFile });
    return false;
  });
}

function duplicateProblem(mapping: ColumnMapping, otherLines: number[]): RowProblem {
  const text = refusalText(RULES.rosterDuplicateInFile)!;
  const lines = otherLines.join(", ");
  return {
    column: mapping.idNumber!,
    rule: RULES.rosterDuplicateInFile,
    message: { zh: `${text.zh}（另见第 ${lines} 行）`, en: `${text.en} (also row ${lines})` },
  };
}

/** Rows prepared between two turns of the event loop: short enough that the writing of the previous batch (awaiting
 * PostgreSQL's replies) is not held up for long, long enough that yielding costs nothing measurable. */
const PREPARE_SLICE_ROWS = 100;

/** The batch's members prepared for writing, yielding to the event loop every few rows (see PREPARE_SLICE_ROWS). */
async function preparedBatch(institution: Institution, rows: readonly CheckedRow[], mark: ArchivalMark): Promise<ImportedMember[]> {
  const batch: ImportedMember[] = [];
  for (let start = 0; start < rows.length; start += PREPARE_SLICE_ROWS) {
    for (const row of rows.slice(start, start + PREPARE_SLICE_ROWS)) {
      // Every body is built by importedMember from drawn or checked values: the schema checks the bodies of each
      // batch's first member, so a fault in how bodies are built stops the import before its first write.
      batch.push(importedMember(institution, row, mark, batch.length === 0));
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return batch;
}

/** The member, its archival records chained by hash, and the registerArchival call that anchors them. */
function importedMember(institution: Institution, row: CheckedRow, archival: ArchivalMark, validate: boolean): ImportedMember {
  const memberKey = newMemberKey();
  const stage = row.milestones.at(-1)!.status as "APPLICANT" | "ACTIVIST" | "CANDIDATE" | "PROBATIONARY" | "FULL";
  const sealed = sealPersonalData(institution, memberKey, row.orgId, row.personal);
  const records: ImportedMember["records"] = [];
  let prevHash: string | null = null;
  row.milestones.forEach((milestone, index) => {
    const body: RecordBody = {
      version: 1,
      ruleVersion: institution.ruleSet.version,
      memberKey,
      orgId: row.orgId,
      step: milestone.step,
      sequence: index + 1,
      prevHash,
      effectiveDate: milestone.effectiveDate,
      fields: {},
      evidence: [],
      supersedes: null,
      archival,
      salt: newSalt(),
    };
    const { recordHash: hash, canonical } = hashedRecord(body, { validate });
    records.push({
      sequence: body.sequence,
      step: body.step,
      ruleVersion: body.ruleVersion,
      recordHash: hash,
      prevHash,
      effectiveDate: body.effectiveDate,
      body: sealRecordBody(institution, hash, canonical),
      findings: row.findings.filter((finding) => finding.date === milestone.date).map(({ rule, message }) => ({ rule, message })),
    });
    prevHash = hash;
  });
  const dates: ArchivalDates = Object.fromEntries(row.milestones.map((milestone) => [milestone.date, milestone.effectiveDate]));
  return {
    member: { memberKey, orgId: row.orgId, stage, ...sealed },
    records,
    chainCall: archivalChainCall(
      memberKey,
      row.orgId,
      stage,
      dates,
      records.map((record) => record.recordHash),
    ),
  };
}
