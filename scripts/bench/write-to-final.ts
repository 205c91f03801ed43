/**
 * How long a write waits to become FINAL (anchored, confirmed, and covered by a confirmed checkpoint) on a chain that
 * mines a block a second, with the worker checkpointing whenever the log grew.
 * Run: npm run bench:latency — prints the figures and writes them to docs/benchmarks.md.
 */
import { randomInt } from "node:crypto";
import os from "node:os";
import type { AnchoringState } from "../../api/src/domain/anchoring-state";
import type { RecordedStep, RecordView } from "../../api/src/domain/membership/records";
import { JOURNEY } from "../../api/src/seed/journey";
import { machineDescription, writeBenchmarkSection } from "../lib/bench-report";
import { benchPerson, callApi, startBenchInstance, type BenchInstance } from "./lib/instance";
import { ms, summarize, verdictOf, type Summary } from "./lib/stats";

const BLOCK_TIME_SECONDS = 1;
const SETTINGS = { CHECKPOINT_EVERY_SECONDS: "0", ANCHOR_POLL_MS: "100", CHAIN_CONFIRMATIONS: "1" };
const WRITES = 200;
const GAP_MS = { min: 50, max: 500 };
const POLL_MS = 25;
const TARGET_P99_MS = (BLOCK_TIME_SECONDS + 1) * 1000;
/** A record still not final this long after its write fails the run: something is stuck, not merely slow. */
const GIVE_UP_MS = 300_000;

interface Pending {
  recordId: number;
  writtenAt: number;
  anchoredAfterMs?: number;
}

interface Timings {
  writeMs: number[];
  anchoredMs: number[];
  finalMs: number[];
  /** How long each round of reads took: the resolution of the times above. */
  pollRoundMs: number[];
}

const sleep = (milliseconds: number) => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Enrolls WRITES people one after another, the next a random gap after the previous 201. */
async function write(instance: BenchInstance, pending: Map<string, Pending>, timings: Timings): Promise<void> {
  const [application] = JOURNEY;
  for (let i = 0; i < WRITES; i++) {
    await sleep(randomInt(GAP_MS.min, GAP_MS.max + 1));
    const sentAt = performance.now();
    const response = await callApi<RecordedStep>(instance, "POST", "/api/members", {
      token: instance.tokens.clerk,
      body: {
        orgId: instance.branchId,
        personal: benchPerson(),
        application: { effectiveDate: application.effectiveDate, fields: application.fields, evidence: [] },
      },
    });
    const writtenAt = performance.now();
    if (response.status !== 201) throw new Error(`POST /api/members answered ${response.status}: ${JSON.stringify(response.body)}`);
    timings.writeMs.push(writtenAt - sentAt);
    pending.set(response.body.memberId, { recordId: response.body.record.id, writtenAt });
  }
}

/** One loop over every pending record, every POLL_MS, until the writer is done and nothing is pending. */
async function pollUntilFinal(
  instance: BenchInstance,
  pending: Map<string, Pending>,
  timings: Timings,
  writing: () => boolean,
): Promise<void> {
  while (writing() || pending.size > 0) {
    const tickAt = performance.now();
    await Promise.all(
      [...pending].map(async ([memberId, record]) => {
        const { body } = await callApi<{ items: RecordView[] }>(instance, "GET", `/api/members/${memberId}/records`, {
          token: instance.tokens.auditor,
        });
        const readAt = performance.now();
        const state: AnchoringState | undefined = body.items.find((item) => item.id === record.recordId)?.anchoring.state;
        if (state === "FAILED") throw new Error(`record ${record.recordId} failed to anchor`);
        if (state === "ANCHORED" || state === "FINAL") record.anchoredAfterMs ??= readAt - record.writtenAt;
        if (state === "FINAL") {
          timings.anchoredMs.push(record.anchoredAfterMs!);
          timings.finalMs.push(readAt - record.writtenAt);
          pending.delete(memberId);
        } else if (readAt - record.writtenAt > GIVE_UP_MS) {
          throw new Error(`record ${record.recordId} is still ${state} ${GIVE_UP_MS} ms after its write`);
        }
      }),
    );
    timings.pollRoundMs.push(performance.now() - tickAt);
    await sleep(Math.max(0, tickAt + POLL_MS - performance.now()));
  }
}

function row(label: string, summary: Summary, target: string): string {
  return `| ${label} | ${ms(summary.p50)} | ${ms(summary.p90)} | ${ms(summary.p99)} | ${ms(summary.max)} | ${target} |`;
}

function report(instance: BenchInstance, timings: Timings, loadAverage: number): string {
  const final = summarize(timings.finalMs);
  const anchored = summarize(timings.anchoredMs);
  const written = summarize(timings.writeMs);
  const rounds = summarize(timings.pollRoundMs);
  const settings = Object.entries(SETTINGS)
    .map(([name, value]) => `${name}=${value}`)
    .join(", ");
  return [
    "## Write to final: from the API's 201 to FINAL",
    "",
    "Command: `npm run bench:latency`.",
    `Machine: ${machineDescription()}. Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
    `Setup: a fresh Anvil mining a block every ${BLOCK_TIME_SECONDS} s on 127.0.0.1 with the contracts deployed; database: ${instance.database};`,
    `the instance with its anchoring worker in one process on 127.0.0.1, settings ${settings} (a checkpoint whenever the log grew), others default.`,
    `Writes: ${WRITES} enrollments (POST /api/members as a clerk) one after another, each sent ${GAP_MS.min}–${GAP_MS.max} ms (uniformly random) after`,
    `the previous 201, so writes land at every phase of the block interval. One loop reads every pending record's state through`,
    `GET /api/members/{id}/records (as an auditor) every ${POLL_MS} ms; a time runs from the 201 to the first read showing the state.`,
    "",
    "| from the 201 to | p50 | p90 | p99 | max | target |",
    "|---|---|---|---|---|---|",
    row("FINAL", final, `p99 ≤ ${ms(TARGET_P99_MS)} (block time + 1 s): ${verdictOf(final.p99 <= TARGET_P99_MS)}`),
    row("ANCHORED (its transaction mined)", anchored, "—"),
    "",
    `POST /api/members itself answered in p50 ${ms(written.p50)}, p99 ${ms(written.p99)}. A round of reads took p50 ${ms(rounds.p50)}, max ${ms(rounds.max)}`,
    `(the times' resolution is the ${POLL_MS} ms interval plus that). The machine's 1-minute load average before the writes: ${loadAverage.toFixed(2)} (${os.cpus().length} cores).`,
  ].join("\n");
}

async function main() {
  const instance = await startBenchInstance({ blockTimeSeconds: BLOCK_TIME_SECONDS, settings: SETTINGS });
  try {
    const pending = new Map<string, Pending>();
    const timings: Timings = { writeMs: [], anchoredMs: [], finalMs: [], pollRoundMs: [] };
    const loadAverage = os.loadavg()[0];
    let writing = true;
    const writer = write(instance, pending, timings).finally(() => (writing = false));
    await Promise.all([writer, pollUntilFinal(instance, pending, timings, () => writing)]);
    const markdown = report(instance, timings, loadAverage);
    console.log(markdown);
    writeBenchmarkSection("write-to-final", markdown);
  } finally {
    await instance.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
