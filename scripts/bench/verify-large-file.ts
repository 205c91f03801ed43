/**
 * Time to check a member's whole file through POST /api/verify when it is long: one member walked to S6 and given
 * half-yearly assessments (S6 repeats) until it holds `--records` records (default 1,000), anchored until FINAL; its
 * member proof bundle, as GET /api/members/:id/proof gives it, posted one request after another. Beside it, the floor:
 * the same body posted to Express + express.json() answering a fixed verdict (reading and parsing the body only).
 * Run: npm run bench:verify-large [-- --records N --requests K] — prints the figures and writes them to docs/benchmarks.md.
 */
import type { AddressInfo } from "node:net";
import os from "node:os";
import { parseArgs } from "node:util";
import express from "express";
import type { Verdict } from "../../api/src/domain/verification/verdict";
import { recordStep } from "../../api/src/domain/membership/records";
import type { MemberProof } from "../../api/src/lib/proof-bundle";
import { walkMember } from "../../api/src/seed/walk";
import { machineDescription, writeBenchmarkSection } from "../lib/bench-report";
import { benchPerson, callApi, startBenchInstance } from "./lib/instance";
import { ms, summarize, verdictOf, type Summary } from "./lib/stats";

const DEFAULT_RECORDS = 1_000;
const DEFAULT_REQUESTS = 20;
const GOAL_MS = 1_000;
const SETTINGS = { CHECKPOINT_EVERY_SECONDS: "0" };

function options(): { records: number; requests: number } {
  const { values } = parseArgs({ options: { records: { type: "string" }, requests: { type: "string" } } });
  const records = values.records === undefined ? DEFAULT_RECORDS : Number(values.records);
  const requests = values.requests === undefined ? DEFAULT_REQUESTS : Number(values.requests);
  if (!Number.isSafeInteger(records) || records < 10) throw new Error(`--records must be an integer of at least 10, got ${values.records}`);
  if (!Number.isSafeInteger(requests) || requests < 3)
    throw new Error(`--requests must be an integer of at least 3, got ${values.requests}`);
  return { records, requests };
}

async function timedPosts(url: string, body: string, requests: number, accept: (text: string) => boolean): Promise<Summary> {
  const samples: number[] = [];
  for (let index = 0; index <= requests; index += 1) {
    const started = performance.now();
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body });
    const text = await response.text();
    if (response.status !== 200 || !accept(text)) throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 300)}`);
    // The first is a warm-up (chain cache, JIT).
    if (index > 0) samples.push(performance.now() - started);
  }
  return summarize(samples);
}

async function startFloor(answer: string, limitBytes: number) {
  const app = express();
  app.use(express.json({ limit: limitBytes }));
  app.post("/api/verify", (req, res) => {
    if (typeof (req.body as { bundle?: unknown } | undefined)?.bundle !== "object") return void res.status(400).json({ error: "bundle" });
    res.type("application/json").send(answer);
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/verify`,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

async function main(): Promise<void> {
  const { records, requests } = options();
  const instance = await startBenchInstance({ settings: SETTINGS });
  try {
    const setupStarted = performance.now();
    const { institution, actors } = instance;
    const [enrolled] = await walkMember(institution, actors.clerk, actors.approver, {
      orgId: instance.branchId,
      personal: benchPerson(),
      upTo: "S6",
    });
    const memberId = enrolled.memberId;
    const ids = (await institution.repositories.records.listByMember(memberId)).map((record) => record.id);
    while (ids.length < records) {
      const step = await recordStep(institution, actors.clerk, memberId, {
        step: "S6",
        effectiveDate: institution.today(),
        fields: { assessment: "表现良好" },
        evidence: [],
      });
      ids.push(step.record.id);
      if (ids.length % 100 === 0) console.error(`recorded ${ids.length} of ${records}`);
    }
    await instance.waitUntilFinal(ids);
    const file = await callApi<MemberProof>(instance, "GET", `/api/members/${memberId}/proof`, { token: instance.tokens.approver });
    if (file.status !== 200 || file.body.records.length !== records)
      throw new Error(`GET the member's proof answered ${file.status} with ${file.body.records?.length} records`);
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    const body = JSON.stringify({ bundle: file.body });
    const loadAverage = os.loadavg();
    let verdict = "";
    const project = await timedPosts(`${instance.baseUrl}/api/verify`, body, requests, (text) => {
      verdict = (JSON.parse(text) as Verdict).verdict;
      return verdict === "VALID";
    });
    const floor = await startFloor(JSON.stringify({ verdict }), body.length * 2);
    let floorTimes: Summary;
    try {
      floorTimes = await timedPosts(floor.url, body, requests, () => true);
    } finally {
      await floor.close();
    }
    const markdown = [
      `## Verification of a long member file: POST /api/verify with ${records.toLocaleString("en")} records`,
      "",
      `Command: \`npm run bench:verify-large${records === DEFAULT_RECORDS && requests === DEFAULT_REQUESTS ? "" : ` -- --records ${records} --requests ${requests}`}\`.`,
      `Machine: ${machineDescription()}. Measured ${new Date().toISOString().slice(0, 10)}.`,
      "",
      `Setup (${setupSeconds.toFixed(1)} s): a fresh Anvil on 127.0.0.1 with the contracts deployed; database: ${instance.database}; the instance (API and`,
      `anchoring worker in one process) on 127.0.0.1. One member walked to S6 through the domain, then given S6 assessments until its file held`,
      `${records.toLocaleString("en")} records, every one anchored until FINAL. The member proof bundle from GET /api/members/:id/proof: ${Buffer.byteLength(body).toLocaleString("en")} bytes of`,
      `request body (inclusion proofs of ${file.body.records[0].inclusion?.proof.length} hashes in a log of ${file.body.checkpoint?.treeSize}). One client in this process posts it`,
      `${requests} times one after another (after one warm-up); every answer 200 with verdict VALID. The floor: Express + express.json() reading and`,
      "parsing the same body and answering a fixed verdict.",
      "",
      "| | p50 | p99 | max |",
      "|---|---|---|---|",
      `| POST /api/verify, ${records.toLocaleString("en")} records | ${ms(project.p50)} | ${ms(project.p99)} | ${ms(project.max)} |`,
      `| floor (read and parse only) | ${ms(floorTimes.p50)} | ${ms(floorTimes.p99)} | ${ms(floorTimes.max)} |`,
      "",
      `Per record: ${((project.p50 * 1000) / records).toFixed(0)} µs (p50). Goal well under a second: ${verdictOf(project.p99 < GOAL_MS)}.`,
      `Load average before timing: ${loadAverage.map((value) => value.toFixed(2)).join(", ")} (${os.cpus().length} cores).`,
    ].join("\n");
    console.log(markdown);
    writeBenchmarkSection("verify-large-file", markdown);
  } finally {
    await instance.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
