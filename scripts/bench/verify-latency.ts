/**
 * Latency of POST /api/verify under a steady open-loop load, on a checkpoint already in the instance's chain cache.
 * Run: npm run bench:verify — prints the figures and writes them to docs/benchmarks.md.
 */
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Verdict } from "../../api/src/domain/verification/verdict";
import type { RecordProof } from "../../api/src/lib/proof-bundle";
import { walkMember } from "../../api/src/seed/walk";
import { machineDescription, writeBenchmarkSection } from "../lib/bench-report";
import { benchPerson, callApi, startBenchInstance, type BenchInstance } from "./lib/instance";
import { runLoadGenerator, type LoadResult } from "./lib/load-generator";
import { ms, verdictOf } from "./lib/stats";

const RATE_PER_SECOND = 500;
const SECONDS = 20;
/** A rate low enough that requests never overlap: the latency of one verification on an idle instance. */
const UNLOADED = { ratePerSecond: 10, seconds: 5 };
const TARGET_P99_MS = 10;
const MEMBERS = 5;
const WALKED_UP_TO = "S25";
const SETTINGS = { CHECKPOINT_EVERY_SECONDS: "0" };

/** Walks the members, waits until every record is final, and returns one record from the middle of the log. */
async function finalRecord(instance: BenchInstance): Promise<number> {
  const recordIds: number[] = [];
  for (let i = 0; i < MEMBERS; i++) {
    const { clerk, approver } = instance.actors;
    const steps = await walkMember(instance.institution, clerk, approver, { orgId: instance.branchId, personal: benchPerson(), upTo: WALKED_UP_TO });
    recordIds.push(...steps.map((step) => step.record.id));
  }
  await instance.waitUntilFinal(recordIds);
  return recordIds[Math.floor(recordIds.length / 2)];
}

interface Measured {
  loaded: LoadResult;
  unloaded: LoadResult;
  /** CPU time of the instance's process (API and worker) per request of the loaded run. */
  cpuMsPerRequest: number;
  /** The machine's 1-minute load average just before the loaded run: other work competing for its cores. */
  loadAverage: number;
}

function report(instance: BenchInstance, recordId: number, proof: RecordProof, requestBytes: number, measured: Measured): string {
  const { loaded: result, unloaded } = measured;
  const { latencyMs, sendLagMs } = result;
  const p99 = latencyMs?.p99 ?? Number.POSITIVE_INFINITY;
  const met = p99 < TARGET_P99_MS && result.errors === 0;
  const row = latencyMs
    ? `| ${RATE_PER_SECOND} req/s | ${result.achievedPerSecond.toFixed(1)} req/s | ${ms(latencyMs.p50)} | ${ms(latencyMs.p90)} | ${ms(latencyMs.p99)} | ${ms(latencyMs.max)} | ${result.errors} of ${result.sent} | p99 < ${TARGET_P99_MS} ms, no errors: ${verdictOf(met)} |`
    : `| ${RATE_PER_SECOND} req/s | — | — | — | — | — | ${result.errors} of ${result.sent} | p99 < ${TARGET_P99_MS} ms: ${verdictOf(false)} |`;
  return [
    "## Verification latency: POST /api/verify at a steady rate",
    "",
    "Command: `npm run bench:verify`.",
    `Machine: ${machineDescription()}. Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
    `Setup: a fresh Anvil (a block per transaction) on 127.0.0.1 with the contracts deployed; database: ${instance.database};`,
    `the instance (API and anchoring worker in one process, settings ${Object.entries(SETTINGS).map(([name, value]) => `${name}=${value}`).join(", ")}, others default,`,
    `LOG_LEVEL=info into a file) on 127.0.0.1. ${MEMBERS} members walked to ${WALKED_UP_TO} and anchored until FINAL. The bundle: record ${recordId}`,
    `(sequence ${proof.memberChain.sequence}, body included, inclusion proof of ${proof.inclusion.proof.length} hashes in a log of ${proof.checkpoint.treeSize}), fetched as an approver;`,
    `each request body is ${requestBytes.toLocaleString("en")} bytes. One verification before the run warms the instance's chain cache.`,
    "",
    `Load: a separate Node process (node:http, keep-alive agent) sends POST /api/verify on a fixed timetable (open loop) at`,
    `${RATE_PER_SECOND} req/s for ${SECONDS} s; each latency runs from the request's scheduled send time to the end of its response,`,
    "so a slow response delays no later measurement (no coordinated omission). A response counts as an error unless it is 200 with verdict VALID.",
    "",
    "| offered | achieved | p50 | p90 | p99 | max | errors | target |",
    "|---|---|---|---|---|---|---|---|",
    row,
    "",
    `Unloaded (${UNLOADED.ratePerSecond} req/s for ${UNLOADED.seconds} s, same bundle): p50 ${unloaded.latencyMs ? ms(unloaded.latencyMs.p50) : "—"}, p99 ${unloaded.latencyMs ? ms(unloaded.latencyMs.p99) : "—"}.`,
    `The instance's process (API and worker) used ${measured.cpuMsPerRequest.toFixed(2)} ms of CPU per request under load, so one core serves at most`,
    `~${Math.floor(1000 / measured.cpuMsPerRequest)} req/s. The generator sent on time: send lag p99 ${ms(sendLagMs.p99)}, max ${ms(sendLagMs.max)}.`,
    `Generator, instance and Anvil share the machine's ${os.cpus().length} cores; its 1-minute load average just before the run was ${measured.loadAverage.toFixed(2)}.`,
    ...(result.errorExamples.length > 0 ? ["", `Errors, e.g.: ${result.errorExamples.map((example) => `\`${example}\``).join("; ")}.`] : []),
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
    if (warm.status !== 200 || warm.body.verdict !== "VALID") throw new Error(`the warming verification answered ${warm.status}: ${JSON.stringify(warm.body)}`);

    const bodyFile = path.join(instance.scratchDir, "verify-request.json");
    writeFileSync(bodyFile, requestBody);
    const plan = { url: `${instance.baseUrl}/api/verify`, bodyFile, expect: '"verdict":"VALID"' };
    const unloaded = await runLoadGenerator({ ...plan, ...UNLOADED });
    const loadAverage = os.loadavg()[0];
    const cpuBefore = process.cpuUsage();
    const loaded = await runLoadGenerator({ ...plan, ratePerSecond: RATE_PER_SECOND, seconds: SECONDS });
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMsPerRequest = (cpu.user + cpu.system) / 1000 / loaded.sent;
    const measured = { loaded, unloaded, cpuMsPerRequest, loadAverage };
    const markdown = report(instance, recordId, proof.body, Buffer.byteLength(requestBody), measured);
    console.log(markdown);
    writeBenchmarkSection("verify-latency", markdown);
  } finally {
    await instance.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
