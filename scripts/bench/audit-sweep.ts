/**
 * Speed of the audit sweep over a large log: runAuditSweep with the worker-thread body checker, as `cunzheng audit`
 * runs it, on real PostgreSQL (a fresh database on the DATABASE_URL server, dropped afterwards) and a real Anvil node.
 * The log is made in bulk, bypassing the API's per-record rules (see lib/synthetic-log.ts), and anchored and
 * checkpointed for real by the instance's key, so that the sweep must find it clean.
 * Run: DATABASE_URL=postgres://… npm run bench:audit [-- --records N] — prints the figures and writes them to
 * docs/benchmarks.md.
 */
import os, { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { defaultCheckerThreads, type AuditPhase } from "../../api/src/domain/audit";
import { PAGE_SIZE } from "../../api/src/domain/audit/log-scan";
import { machineDescription, writeBenchmarkSection } from "../lib/bench-report";
import { setUpSweptInstance, type SetupOptions, type SweptInstance } from "./lib/audit-setup";
import { verdictOf } from "./lib/stats";
import { RECORDS_PER_MEMBER } from "./lib/synthetic-log";
import {
  measureRecordCosts,
  measureSweep,
  PHASES,
  timeLogRead,
  timeReadAndHashFloor,
  type RecordCosts,
  type SweepMeasurement,
} from "./lib/sweep-measure";

const DEFAULT_RECORDS = 1_000_000;
const TARGET_PER_SECOND = 50_000;
const FLOOR_SHARE_GOAL = 0.5;
const LOAD_SETTINGS = {
  membersPerCohort: 1_000,
  callsPerTransaction: 2_500,
  checkpointEvery: 10_000,
  blockGasLimit: 1_000_000_000n,
  transactionGasLimit: 500_000_000n,
};

const PHASE_WORK: Record<AuditPhase, string> = {
  log: `every row read in pages of ${PAGE_SIZE.toLocaleString("en")} ids, its body opened and hashed, the Merkle log rebuilt (member heads are read meanwhile)`,
  checkpoints: "the log's CheckpointRecorded events read and every checkpoint's root compared",
  members: "the member heads still being read awaited; each member's chain compared with its head",
  order: "positions no checkpoint vouches for compared with the ledger's order",
  outbox: "overdue and refused chain writes",
  instance: "members, personal data, transfers, evidence files, findings and the administrative log against the chain and their logs",
  rules:
    "every member's file read again in batches of whole files, its bodies opened and the rules replayed over it, each record's findings compared",
};

function recordsWanted(): number {
  const { values } = parseArgs({ options: { records: { type: "string" } } });
  const records = values.records === undefined ? DEFAULT_RECORDS : Number(values.records);
  if (!Number.isSafeInteger(records) || records <= 0 || records % RECORDS_PER_MEMBER !== 0) {
    throw new Error(
      `--records must be a positive multiple of ${RECORDS_PER_MEMBER} (each member has ${RECORDS_PER_MEMBER} records), got ${values.records}`,
    );
  }
  return records;
}

const perSecond = (records: number, seconds: number) => (seconds > 0 ? Math.round(records / seconds).toLocaleString("en") : "—");
const count = (value: number | bigint) => value.toLocaleString("en");
const secondsOf = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} s`;

interface Findings {
  instance: SweptInstance;
  setupSeconds: number;
  sweep: SweepMeasurement;
  /** The same sweep with a worker thread per core, when that is not what the CLI uses. */
  everyCore: SweepMeasurement | null;
  readSeconds: number;
  floorSeconds: number;
  costs: RecordCosts;
}

function report({ instance, setupSeconds, sweep, everyCore, readSeconds, floorSeconds, costs }: Findings): string {
  const { report: audit, cpu, threads } = sweep;
  const records = audit.totals.records;
  const overall = records / sweep.seconds;
  const floorShare = floorSeconds / sweep.seconds;
  const goalMet = overall >= TARGET_PER_SECOND && floorShare >= FLOOR_SHARE_GOAL;
  const checkCapacity = threads > 0 ? (threads * 1e6) / costs.check : 1e6 / costs.check;
  const coresForTarget = Math.ceil((TARGET_PER_SECOND * costs.check) / 1e6);
  const cpuPerRecord = ((cpu.self + cpu.postgres) * 1e6) / records;
  const phaseRows = PHASES.map(
    (phase) =>
      `| ${phase} | ${PHASE_WORK[phase]} | ${secondsOf(sweep.phaseSeconds[phase])} | ${perSecond(records, sweep.phaseSeconds[phase])} |`,
  );
  const cpuLine = [
    `this process ${secondsOf(cpu.self)} (sweep and ${threads} worker thread(s))`,
    `PostgreSQL ${secondsOf(cpu.postgres)}`,
    `Anvil ${secondsOf(cpu.anvil)}`,
    ...(cpu.others === null ? [] : [`everything else ${secondsOf(cpu.others)}`]),
  ].join(", ");
  return [
    "## Audit sweep: records per second over a large log",
    "",
    `Command: \`DATABASE_URL=postgres://… npm run bench:audit${records === DEFAULT_RECORDS ? "" : ` -- --records ${records}`}\`.`,
    `Machine: ${machineDescription()}. Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
    `Setup (${secondsOf(setupSeconds)}): database: PostgreSQL ${instance.scratch.serverVersion} (DATABASE_URL's server, same machine, shared_buffers`,
    `${instance.scratch.sharedBuffers}), a fresh database`,
    `created and dropped by the run, vacuumed and analyzed after loading; chain: a fresh Anvil on 127.0.0.1 (in memory, a block per`,
    `transaction) with the contracts deployed. **The log was made in bulk, bypassing the API's per-record rules: this measures the sweep, not`,
    `writing.** ${count(instance.log.members)} members × ${RECORDS_PER_MEMBER} records (steps S1–S24 of the demo journey as valid version-1 bodies, salted,`,
    `prevHash-chained, hashed by recordHash, sealed under their record's context), members in cohorts of ${count(LOAD_SETTINGS.membersPerCohort)} whose records`,
    `interleave, inserted with multi-row INSERTs (the log-position trigger assigning ids). Every record anchored for real in log order`,
    `by the instance's key (committee Attester) through MembershipLedger.multicall, ${count(LOAD_SETTINGS.callsPerTransaction)} calls per transaction`,
    `(${count(instance.log.transactions)} transactions, ${count(instance.log.gasUsed)} gas in all), and the log checkpointed on CheckpointLog every`,
    `${count(LOAD_SETTINGS.checkpointEvery)} records (${count(instance.log.checkpoints)} checkpoints); every outbox item FINAL with its journaled transaction.`,
    "",
    `The sweep: runAuditSweep with bodyCheckerInWorkers(${threads} thread(s): available parallelism − 1), the workers started with the sweep, as`,
    "`cunzheng audit` runs it; the database's files were in the OS page cache (written just before), its buffers not warmed.",
    `Report: ${audit.clean ? "clean" : "**not clean**"}, ${count(audit.totals.findings)} findings; ${count(records)} records, ${count(audit.totals.members)} members,`,
    `${count(audit.totals.checkpoints)} checkpoints.`,
    "",
    "| phase | work | time | records/s |",
    "|---|---|---|---|",
    `| preparation | log size, unfinished outbox items, chain id and block | ${secondsOf(sweep.preparationSeconds)} | — |`,
    ...phaseRows,
    `| **whole sweep** | | **${secondsOf(sweep.seconds)}** | **${perSecond(records, sweep.seconds)}** |`,
    `| floor | every row read in the same pages and its stored bytes hashed (hash-wasm keccak-256), nothing else | ${secondsOf(floorSeconds)} | ${perSecond(records, floorSeconds)} |`,
    "",
    `The sweep reaches ${(floorShare * 100).toFixed(0)} % of the floor's records/s. Goal ≥ ${count(TARGET_PER_SECOND)} records/s and ≥ ${FLOOR_SHARE_GOAL * 100} % of the floor: ${verdictOf(goalMet)}.`,
    "",
    `Load average before the sweep: ${sweep.loadAverage.map((value) => value.toFixed(2)).join(", ")} (${os.cpus().length} cores). CPU time during the sweep: ${cpuLine}.`,
    "",
    "Where the time goes (measured after the sweep, same data):",
    `- Reading the log alone (its pages one after another, no checks): ${secondsOf(readSeconds)}, ${perSecond(records, readSeconds)} records/s.`,
    `- Checking one body on one core: ${costs.check.toFixed(1)} µs (over the first ${count(costs.sample)} records), of which keccak-256 of the canonical JSON`,
    `  (hash-wasm, WebAssembly) ${costs.keccak.toFixed(1)} µs and opening the body (AES-256-GCM, JSON.parse) ${costs.open.toFixed(1)} µs. ${threads > 0 ? `${threads} worker thread(s)` : "The sweep's thread"}`,
    `  can thus check at most ~${count(Math.round(checkCapacity))} records/s; ${count(TARGET_PER_SECOND)} records/s needs ${coresForTarget} cores checking bodies alone.`,
    `- Rebuilding the Merkle log in the sweep's thread: ${costs.merkleLeaf.toFixed(1)} µs per record.`,
    `- In all, the sweep cost ${cpuPerRecord.toFixed(1)} µs of CPU per record (this process and PostgreSQL): ${count(TARGET_PER_SECOND)} records/s needs`,
    `  ${((TARGET_PER_SECOND * cpuPerRecord) / 1e6).toFixed(1)} cores busy with nothing else.`,
    ...(everyCore
      ? [
          `- The same sweep with ${everyCore.threads} worker threads (one per core) instead of ${threads}: ${secondsOf(everyCore.seconds)}, ${perSecond(records, everyCore.seconds)} records/s`,
          `  (load average before it ${everyCore.loadAverage[0].toFixed(2)}; CPU: this process ${secondsOf(everyCore.cpu.self)}, PostgreSQL ${secondsOf(everyCore.cpu.postgres)}).`,
        ]
      : []),
  ].join("\n");
}

/** A sweep whose report is not clean measured something other than a sweep of a sound log. */
function cleanSweep(sweep: SweepMeasurement, records: number): SweepMeasurement {
  const { totals, clean, findings } = sweep.report;
  if (!clean || totals.records !== records) {
    throw new Error(
      `the sweep must find the log clean with ${records} records, but found ${totals.findings} findings over ${totals.records} records: ${JSON.stringify(findings.slice(0, 5))}`,
    );
  }
  return sweep;
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    console.error(
      "bench:audit measures the sweep on real PostgreSQL: set DATABASE_URL to a server where this user may create databases,\n" +
        "e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres. The run creates a fresh database and drops it afterwards.",
    );
    process.exitCode = 2;
    return;
  }
  const records = recordsWanted();
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const setupStarted = performance.now();
    const options: SetupOptions = {
      ...LOAD_SETTINGS,
      records,
      onProgress: (loaded) =>
        console.error(
          `loaded and anchored ${count(loaded)} of ${count(records)} records (${secondsOf((performance.now() - setupStarted) / 1000)})`,
        ),
    };
    const instance = await setUpSweptInstance(serverUrl, options, cleanups);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    console.error(`setup done in ${secondsOf(setupSeconds)}; sweeping`);
    const sweep = cleanSweep(await measureSweep(instance, defaultCheckerThreads()), records);
    // What the sweep does with a worker on every core instead: its own thread mostly waits for the workers.
    const everyCore =
      availableParallelism() === sweep.threads ? null : cleanSweep(await measureSweep(instance, availableParallelism()), records);
    const readSeconds = await timeLogRead(instance, records);
    const floorSeconds = await timeReadAndHashFloor(instance, records);
    const costs = await measureRecordCosts(instance, records);
    const markdown = report({ instance, setupSeconds, sweep, everyCore, readSeconds, floorSeconds, costs });
    console.log(markdown);
    writeBenchmarkSection("audit-sweep", markdown);
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
