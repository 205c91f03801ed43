// `cunzheng import`: a roster file (.xlsx, or .csv in UTF-8 or GBK) into this instance, run with its own
// configuration as one of its accounts. --dry-run checks every row and prints the report without writing; without it
// the accepted rows are imported and their registration waits in the outbox for the anchoring worker.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Repositories } from "../data-access";
import type { Actor, Institution } from "../domain/institution";
import { mayDo } from "../domain/permissions";
import { importRoster, type RosterProgress, type RosterReport } from "../domain/roster/import";
import { createInstitution } from "../server";
import { openInstanceDatabase } from "./audit-connection";
import { createPhaseDisplay, type ProgressStream } from "./audit-progress";
import { CliError, EXIT, loadInstanceConfig, type CliCommand, type CliIo } from "./command";

const USAGE = "import <file.xlsx|file.csv> --org <orgId> --as <username> [--dry-run] [--mapping <json>] [--out <report.json>]";
/** Refused rows printed in the summary; the report (--out) holds them all. */
const LISTED_ROWS = 20;
const PHASES: Record<RosterProgress["phase"], string> = { check: "checking rows", write: "importing" };

export interface ImportArgs {
  file: string;
  orgId: number;
  username: string;
  dryRun: boolean;
  mapping: Record<string, string>;
  out?: string;
}

export function parseImportArgs(args: readonly string[]): ImportArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        org: { type: "string" },
        as: { type: "string" },
        "dry-run": { type: "boolean", default: false },
        mapping: { type: "string" },
        out: { type: "string" },
      },
    });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), true);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new CliError("name one roster file", true);
  if (values.org === undefined || !/^[1-9]\d*$/.test(values.org))
    throw new CliError("--org <orgId> names the organization to import into (a whole number)", true);
  if (values.as === undefined)
    throw new CliError("--as <username> names the account the import is recorded under (an org admin or clerk)", true);
  let mapping: Record<string, string> = {};
  if (values.mapping !== undefined) {
    try {
      mapping = JSON.parse(values.mapping) as Record<string, string>;
    } catch {
      throw new CliError('--mapping is a JSON object from a field to the file\'s header, e.g. {"idNumber":"证件号"}', true);
    }
  }
  return {
    file: positionals[0],
    orgId: Number(values.org),
    username: values.as,
    dryRun: values["dry-run"] ?? false,
    mapping,
    out: values.out,
  };
}

/** How the command reaches the instance and where it draws progress; tests give their own. */
export interface ImportEnvironment {
  open(): Promise<{ institution: Institution; close(): Promise<void> }>;
  progress: ProgressStream;
}

const processEnvironment: ImportEnvironment = {
  async open() {
    const config = loadInstanceConfig();
    const dataSource = await openInstanceDatabase(config);
    return { institution: createInstitution(dataSource, config), close: () => dataSource.destroy() };
  },
  progress: process.stderr,
};

export async function runImport(args: readonly string[], io: CliIo, environment: ImportEnvironment): Promise<number> {
  const options = parseImportArgs(args);
  let bytes: Buffer;
  try {
    bytes = readFileSync(options.file);
  } catch (error) {
    throw new CliError(`cannot read ${options.file}: ${(error as Error).message}`);
  }
  const { institution, close } = await environment.open();
  try {
    const actor = await actorOf(institution.repositories, options);
    const display = createPhaseDisplay(environment.progress, PHASES);
    const report = await importRoster(
      institution,
      actor,
      { bytes, fileName: path.basename(options.file), dryRun: options.dryRun, mapping: options.mapping },
      (progress) => display.update(progress),
    );
    display.finish();
    if (options.out !== undefined) writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
    summarize(report, io);
    return report.fileProblems.length > 0 || report.refused.length > 0 ? EXIT.FOUND_PROBLEMS : EXIT.OK;
  } finally {
    await close();
  }
}

/** The account the import is recorded under, acting for --org, which must be in its organizations. */
async function actorOf(repositories: Repositories, options: ImportArgs): Promise<Actor> {
  const account = await repositories.accounts.findByUsername(options.username);
  if (account === null || account.disabled) throw new CliError(`no enabled account "${options.username}"`);
  if (!mayDo(account.role, "importRosters"))
    throw new CliError(`account "${options.username}" is ${account.role}: an import needs an org admin or clerk`);
  if (!(await repositories.organizations.isInSubtree(account.orgId, options.orgId))) {
    throw new CliError(
      `organization ${options.orgId} is outside the organizations of account "${options.username}" (${account.orgId} and below)`,
    );
  }
  return { accountId: account.id, orgId: options.orgId, role: account.role, canReadPersonalData: account.canReadPersonalData };
}

function summarize(report: RosterReport, io: CliIo): void {
  io.out(`file ${report.file.sha256} (${report.file.encoding}), ${report.file.rows} row(s)`);
  io.out(
    `columns: ${Object.entries(report.mapping)
      .map(([field, header]) => `${header} → ${field}`)
      .join(", ")}`,
  );
  for (const problem of report.fileProblems) io.out(`  file: ${problem.column}: ${problem.message.zh} [${problem.rule}]`);
  const verb = report.dryRun ? "would import" : "imported";
  io.out(
    `${report.accepted} row(s) accepted, ${verb} ${report.dryRun ? report.accepted : report.imported}; ${report.refused.length} refused; ${report.skipped.length} already on file`,
  );
  for (const row of report.refused.slice(0, LISTED_ROWS)) {
    for (const problem of row.problems) io.out(`  row ${row.line}: ${problem.column}: ${problem.message.zh} [${problem.rule}]`);
  }
  if (report.refused.length > LISTED_ROWS) io.out(`  … ${report.refused.length - LISTED_ROWS} more refused row(s); --out writes them all`);
}

export const importCommand: CliCommand = {
  usage: USAGE,
  summary:
    "Import a roster (党员名册 / 发展党员台账, .xlsx or .csv in UTF-8 or GBK) into this instance as archival records, with a progress bar; " +
    "--dry-run only checks. Exit 0: every row accepted, 1: some row or the file refused, 2: could not run.",
  run: (args, io) => runImport(args, io, processEnvironment),
};
