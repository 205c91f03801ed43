/**
 * Latency of POST /api/verify under a steady open-loop load at 100, 250, 500 and 1,000 req/s, on a checkpoint already
 * in the instance's chain cache, beside the floor in the same run: Express + helmet + express.json() answering a
 * verdict-sized JSON for the same body, loaded by the same generator.
 * Run: npm run bench:verify — prints the figures and writes them to docs/benchmarks.md.
 */
import { writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import express from "express";
import helmet from "helmet";
import type { Verdict } from "../../api/src/domain/verification/verdict";
import type { RecordProof } from "../../api/src/lib/proof-bundle";
import { walkMember } from "../../api/src/seed/walk";
import { machineDescription, writeBenchmarkSection } from "../lib/bench-report";
import { benchPerson, callApi, startBenchInstance, type BenchInstance } from "./lib/instance";
import { runLoadGenerator, type LoadPlan, type LoadResult } from "./lib/load-generator";
import { ms, verdictOf } from "./lib/stats";

const RATES_PER_SECOND = [100, 250, 500, 1000] as const;
/** The rate the goals are set at. */
const GOAL_RATE = 500;
const SECONDS = 10;
/** A rate low enough that requests never overlap: the latency of one verification on an idle instance. */
const UNLOADED = { ratePerSecond: 10, seconds: 5 };
const TARGET_P99_MS = 10;
/** CPU per request at most this many times the floor's. */
const TARGET_CPU_RATIO = 2;
const MEMBERS = 5;
const WALKED_UP_TO = "S25";
const SETTINGS = { CHECKPOINT_EVERY_SECONDS: "0" };

/** Walks the members, waits until every record is final, and returns one record from the middle of the log. */
async function finalRecord(instance: BenchInstance): Promise<number> {
  const recordIds: number[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const { clerk, approver } = instance.actors;
    const steps = await walkMember(instance.institution, clerk, approver, {
      orgId: instance.branchId,
      personal: benchPerson(),
      upTo: WALKED_UP_TO,
    });
    recordIds.push(...steps.map((step) => step.record.id));
  }
  await instance.waitUntilFinal(recordIds);
  return recordIds[Math.floor(recordIds.length / 2)];
}

interface Measured {
  result: LoadResult;
  /** CPU time of this process (the server under test) per request sent. */
  cpuMsPerRequest: number;
  /** The machine's 1-minute load average just before the run: other work competing for its cores. */
  loadAverage: number;
}

async function measure(plan: LoadPlan): Promise<Measured> {
  const loadAverage = os.loadavg()[0];
  const cpuBefore = process.cpuUsage();
  const result = await runLoadGenerator(plan);
  const cpu = process.cpuUsage(cpuBefore);
  return { result, cpuMsPerRequest: (cpu.user + cpu.system) / 1000 / result.sent, loadAverage };
}

/** The floor: what any JSON API on Express does for this request — helmet's headers, parse the body, answer JSON. */
async function startFloor(answer: string) {
  const app = express();
  app.use(helmet());
  app.use(express.json({ limit: "100kb" }));
  app.post("/api/verify", (req, res) => {
    if (typeof (req.body as { bundle?: unknown } | undefined)?.bundle !== "object") return void res.status(400).json({ error: "bundle" });
    res.type("application/json").send(answer);
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/verify`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function row(rate: number, project: Measured, floor: Measured): string {
  const p = project.result.latencyMs;
  const f = floor.result.latencyMs;
  const ratio = project.cpuMsPerRequest / floor.cpuMsPerRequest;
  const goal =
    rate === GOAL_RATE
      ? `p99 < ${TARGET_P99_MS} ms and CPU ≤ ${TARGET_CPU_RATIO}× the floor's: ${verdictOf((p?.p99 ?? Infinity) < TARGET_P99_MS && ratio <= TARGET_CPU_RATIO && project.result.errors === 0)}`
      : "—";
  const cell = (value: number | undefined) => (value === undefined ? "—" : ms(value));
  return `| ${rate} req/s | ${project.result.achievedPerSecond.toFixed(0)} req/s | ${cell(p?.p50)} | ${cell(p?.p99)} | ${project.result.errors} of ${project.result.sent} | ${project.cpuMsPerRequest.toFixed(2)} ms | ${cell(f?.p50)} | ${cell(f?.p99)} | ${floor.cpuMsPerRequest.toFixed(2)} ms | ${ratio.toFixed(1)}× | ${project.loadAverage.toFixed(2)} | ${goal} |`;
}

function report(
  instance: BenchInstance,
  recordId: number,
  proof: RecordProof,
  requestBytes: number,
  rows: string[],
  unloaded: LoadResult,
  errors: string[],
): string {
  return [
    "## Verification latency: POST /api/verify at a steady rate, beside an Express floor",
    "",
    "Command: `npm run bench:verify`.",
    `Machine: ${machineDescription()}. Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
    `Setup: a fresh Anvil (a block per transaction) on 127.0.0.1 with the contracts deployed; database: ${instance.database};`,
    `the instance (API and anchoring worker in one process, settings ${Object.entries(SETTINGS)
      .map(([name, value]) => `${name}=${value}`)
      .join(", ")}, others default,`,
    `LOG_LEVEL=info into a file) on 127.0.0.1. ${MEMBERS} members walked to ${WALKED_UP_TO} and anchored until FINAL. The bundle: record ${recordId}`,
    `(sequence ${proof.memberChain.sequence}, body included, inclusion proof of ${proof.inclusion.proof.length} hashes in a log of ${proof.checkpoint.treeSize}), fetched as an approver;`,
    `each request body is ${requestBytes.toLocaleString("en")} bytes. One verification before the runs warms the instance's chain cache.`,
    "The floor, in the same process and run: Express with helmet and `express.json()` answering the instance's verdict for that bundle as fixed JSON.",
    "",
    `Load: a separate Node process (node:http, keep-alive agent) sends POST /api/verify on a fixed timetable (open loop) for ${SECONDS} s per rate,`,
    "the project and then the floor at each rate; each latency runs from the request's scheduled send time to the end of its response,",
    "so a slow response delays no later measurement (no coordinated omission). A project response counts as an error unless it is 200 with verdict VALID.",
    "CPU per request: this process's user + system time over the run (the server under test; the generator is another process), divided by the requests sent.",
    "",
    "| offered | achieved | p50 | p99 | errors | CPU/request | floor p50 | floor p99 | floor CPU/request | CPU ÷ floor | load avg before | goal |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `Unloaded (${UNLOADED.ratePerSecond} req/s for ${UNLOADED.seconds} s, same bundle): p50 ${unloaded.latencyMs ? ms(unloaded.latencyMs.p50) : "—"}, p99 ${unloaded.latencyMs ? ms(unloaded.latencyMs.p99) : "—"}.`,
    `Generator, instance and Anvil share the machine's ${os.cpus().length} cores.`,
    ...(errors.length > 0 ? ["", `Errors, e.g.: ${errors.map((example) => `\`${example}\``).join("; ")}.`] : []),
  ].join("\n");
}

async function main() {
  const instance = await startBenchInstance({ settings: SETTINGS });
  try {
    const recordId = await finalRecord(instance);
    const proof = await callApi<RecordProof>(instance, "GET", `/api/records/${recordId}/proof`, { token: instance.tokens.approver });
    if (proof.status !== 200) throw new Error(`GET /api/records/${recordId}/proof answered ${proof.status}: ${JSON.stringify(proof.body)}`);
    const requestBody = JSON.stringify({ bundle: proof.body });
    const warm = await callApi<Verdict>(instance, "POST", "/api/verify", { body: { bundle: proof.body } });
    if (warm.status !== 200 || warm.body.verdict !== "VALID")
      throw new Error(`the warming verification answered ${warm.status}: ${JSON.stringify(warm.body)}`);

    const bodyFile = path.join(instance.scratchDir, "verify-request.json");
    writeFileSync(bodyFile, requestBody);
    const floor = await startFloor(JSON.stringify(warm.body));
    try {
      const project = { url: `${instance.baseUrl}/api/verify`, bodyFile, expect: '"verdict":"VALID"' };
      const unloaded = await runLoadGenerator({ ...project, ...UNLOADED });
      const rows: string[] = [];
      const errors = new Set<string>();
      for (const rate of RATES_PER_SECOND) {
        const measured = await measure({ ...project, ratePerSecond: rate, seconds: SECONDS });
        const floored = await measure({ url: floor.url, bodyFile, expect: '"verdict":"VALID"', ratePerSecond: rate, seconds: SECONDS });
        measured.result.errorExamples.forEach((example) => errors.add(example));
        rows.push(row(rate, measured, floored));
      }
      const markdown = report(instance, recordId, proof.body, Buffer.byteLength(requestBody), rows, unloaded, [...errors].slice(0, 5));
      console.log(markdown);
      writeBenchmarkSection("verify-latency", markdown);
    } finally {
      await floor.close();
    }
  } finally {
    await instance.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
