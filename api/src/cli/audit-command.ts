// `cunzheng audit`: the audit sweep of this instance, run with its own configuration. Progress goes to stderr, the
// machine-readable report to --out (or stdout), and the exit code says clean (0), findings (1) or could not run (2).
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { decodeChainError } from "../chain";
import { AuditIncompleteError, runAuditSweep, type AuditReport, type FindingKind } from "../domain/audit";
import { connectForAudit, type AuditConnection } from "./audit-connection";
import { createProgressDisplay, type ProgressStream } from "./audit-progress";
import { CliError, EXIT, loadInstanceConfig, type CliCommand, type CliIo } from "./command";

/** Findings printed in the summary; the report holds them all. */
const LISTED_FINDINGS = 20;

export interface AuditArgs {
  readonly out?: string;
  readonly deadlineSeconds?: number;
}

export function parseAuditArgs(args: readonly string[]): AuditArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: { out: { type: "string" }, "deadline-seconds": { type: "string" } },
    }));
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), true);
  }
  const deadline = values["deadline-seconds"];
  const deadlineSeconds = deadline === undefined ? undefined : Number(deadline);
  if (deadlineSeconds !== undefined && (!/^\d+$/.test(deadline!) || !Number.isSafeInteger(deadlineSeconds))) {
    throw new CliError(`--deadline-seconds must be a whole number of seconds, got "${deadline}"`, true);
  }
  return { out: values.out, deadlineSeconds };
}

/** How the command reaches the instance and where it draws progress; tests give their own. */
export interface AuditEnvironment {
  connect(): Promise<AuditConnection & { deadlineSeconds: number }>;
  progress: ProgressStream;
  now(): Date;
}

const processEnvironment: AuditEnvironment = {
  async connect() {
    const config = loadInstanceConfig();
    return { ...(await connectForAudit(config)), deadlineSeconds: config.anchoring.deadlineSeconds };
  },
  progress: process.stderr,
  now: () => new Date(),
};

export async function runAudit(args: readonly string[], io: CliIo, environment: AuditEnvironment): Promise<number> {
  const options = parseAuditArgs(args);
  const connection = await environment.connect();
  const progress = createProgressDisplay(environment.progress);
  let report: AuditReport;
  try {
    report = await runAuditSweep(connection.deps, {
      logId: connection.logId,
      deadlineSeconds: options.deadlineSeconds ?? connection.deadlineSeconds,
      fromBlock: connection.fromBlock,
      now: environment.now,
      onProgress: progress.update,
    });
  } catch (error) {
    if (error instanceof AuditIncompleteError) throw new CliError(`the sweep could not see everything: ${error.message}`);
    const decoded = decodeChainError(error);
    if (decoded.kind === "unavailable") throw new CliError(`the chain became unreachable: ${decoded.message}`);
    throw error;
  } finally {
    progress.finish();
    await connection.close();
  }
  const json = JSON.stringify(report, null, 2);
  // With the report on stdout, the summary goes to stderr so that stdout stays one JSON document.
  const say = options.out === undefined ? io.err : io.out;
  for (const line of summaryOf(report)) say(line);
  if (options.out === undefined) io.out(json);
  else writeReport(options.out, `${json}\n`, say);
  return report.clean ? EXIT.OK : EXIT.FOUND_PROBLEMS;
}

export const auditCommand: CliCommand = {
  usage: "audit [--out <report.json>] [--deadline-seconds N]",
  summary:
    "Sweeps this instance (its own configuration): every record hash, the log against every checkpoint, every member chain " +
    "against the ledger, overdue anchoring. Exit 0: clean, 1: findings, 2: could not run.",
  run: (args, io) => runAudit(args, io, processEnvironment),
};

function summaryOf(report: AuditReport): string[] {
  const { totals } = report;
  const lines = [
    `Audit of log ${report.logId} on chain ${report.chainId} at block ${report.blockNumber}: ` +
      `${totals.records} record(s), ${totals.members} member(s), ${totals.checkpoints} checkpoint(s), ${totals.adminCheckpoints} of the administrative log.`,
  ];
  if (report.clean) return [...lines, "Clean: no findings."];
  const counts = new Map<FindingKind, number>();
  for (const finding of report.findings) counts.set(finding.kind, (counts.get(finding.kind) ?? 0) + 1);
  lines.push(`${totals.findings} finding(s): ${[...counts].map(([kind, count]) => `${count} ${kind}`).join(", ")}.`);
  for (const finding of report.findings.slice(0, LISTED_FINDINGS)) {
    lines.push(`  ${finding.kind.padEnd(19)} ${finding.recordId === null ? "-" : `record ${finding.recordId}`}: ${finding.detail}`);
  }
  if (report.findings.length > LISTED_FINDINGS) lines.push(`  … and ${report.findings.length - LISTED_FINDINGS} more in the report.`);
  return lines;
}

function writeReport(file: string, json: string, say: (line: string) => void): void {
  try {
    writeFileSync(file, json);
  } catch (error) {
    throw new CliError(`cannot write the report to ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  say(`Report written to ${file}.`);
}
