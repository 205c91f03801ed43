/**
 * Start-up times people wait for, each beside its floor in the same run: the CLI (`cunzheng verify --help`, and one
 * bundle verified against a local node) beside `node -e 0`, and `npm start` until both demo universities' instances
 * answer /health (the first start after `npm ci`; cold: an empty data directory; restart: the same one again) beside a minimal Express app's first
 * answer.
 * Run: npm run bench:startup — prints the figures and writes them to docs/benchmarks.md.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGLITE_TEMPLATE_DIR } from "../../api/src/data-access/pglite-template";
import type { RecordProof } from "../../api/src/lib/proof-bundle";
import { walkMember } from "../../api/src/seed/walk";
import { freePort, freePorts } from "../../test/helpers/ports";
import { machineDescription, writeBenchmarkSection } from "../lib/bench-report";
import { benchPerson, callApi, startBenchInstance } from "./lib/instance";
import { ms, summarize, verdictOf } from "./lib/stats";

const ROOT = path.join(__dirname, "..", "..");
const CLI = path.join(ROOT, "bin", "cunzheng.js");
const BUILD = path.join(ROOT, "scripts", "build.js");
const RUNS = 5;
const HEALTH_TIMEOUT_MS = 180_000;
const GOALS = { help: 1000, verify: 1500, cold: 10_000, restart: 3000 };

/** Median wall time of `runs` runs of a command that must exit 0. */
function timeCommand(args: string[], runs = RUNS): number {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const startedAt = performance.now();
    const run = spawnSync(process.execPath, args, { cwd: os.tmpdir(), encoding: "utf8" });
    if (run.status !== 0) throw new Error(`${args.join(" ")} exited ${run.status}: ${run.stderr}`);
    samples.push(performance.now() - startedAt);
  }
  return summarize(samples).p50;
}

/** From spawning a server to a 200 on /health from each of `ports`, then stopped with SIGTERM and awaited. */
async function timeToHealth(args: string[], env: Record<string, string>, ports: number[]): Promise<number> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const waiting = new Set(ports);
    for (;;) {
      if (performance.now() - startedAt > HEALTH_TIMEOUT_MS) throw new Error(`${args.join(" ")}: no /health in ${HEALTH_TIMEOUT_MS} ms`);
      for (const port of waiting) {
        const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
          (response) => response.ok,
          () => false,
        );
        if (ok) waiting.delete(port);
      }
      if (waiting.size === 0) return performance.now() - startedAt;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  } finally {
    child.kill("SIGTERM");
    await exited;
  }
}

async function bundleFile(dir: string): Promise<{ file: string; rpcUrl: string; close(): Promise<void> }> {
  const instance = await startBenchInstance({ settings: { CHECKPOINT_EVERY_SECONDS: "0" } });
  const { clerk, approver } = instance.actors;
  const steps = await walkMember(instance.institution, clerk, approver, { orgId: instance.branchId, personal: benchPerson(), upTo: "S3" });
  const recordId = steps[steps.length - 1].record.id;
  await instance.waitUntilFinal(steps.map((step) => step.record.id));
  const proof = await callApi<RecordProof>(instance, "GET", `/api/records/${recordId}/proof`, { token: instance.tokens.approver });
  const file = path.join(dir, "bundle.json");
  writeFileSync(file, JSON.stringify(proof.body));
  return { file, rpcUrl: instance.rpcUrl, close: instance.close };
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cunzheng-startup-"));
  const loadAverage = os.loadavg()[0];
  try {
    spawnSync(process.execPath, [BUILD], { cwd: ROOT, stdio: "inherit" });
    const nodeFloor = timeCommand(["-e", "0"]);
    const help = timeCommand([CLI, "verify", "--help"]);
    const bundle = await bundleFile(dir);
    let verify: number;
    try {
      verify = timeCommand([CLI, "verify", bundle.file, "--rpc", bundle.rpcUrl]);
    } finally {
      await bundle.close();
    }

    const [portA, portB, chainPort] = await freePorts(3);
    const env = {
      DATA_DIR: path.join(dir, "data"),
      PORT: String(portA),
      DEMO_PORT_B: String(portB),
      EMBEDDED_CHAIN_PORT: String(chainPort),
      LOG_LEVEL: "warn",
    };
    // The first start after `npm ci` also makes the migrated database every later new one is restored from.
    rmSync(PGLITE_TEMPLATE_DIR, { recursive: true, force: true });
    const first = await timeToHealth([BUILD, "api/src/main.ts"], { ...env, DATA_DIR: path.join(dir, "first") }, [portA, portB]);
    const cold = await timeToHealth([BUILD, "api/src/main.ts"], env, [portA, portB]);
    const restart = await timeToHealth([BUILD, "api/src/main.ts"], env, [portA, portB]);
    const floorPort = await freePort();
    const express = await timeToHealth(
      ["-e", `require("express")().get("/health", (_req, res) => res.send("ok")).listen(${floorPort}, "127.0.0.1")`],
      {},
      [floorPort],
    );

    const row = (what: string, value: number, floor: number, floorName: string, goal: number) =>
      `| ${what} | ${ms(value)} | ${floorName} ${ms(floor)} | ${(value / floor).toFixed(1)}× | < ${ms(goal)}: ${verdictOf(value < goal)} |`;
    const markdown = [
      "## Start-up: the CLI and `npm start`, beside their floors",
      "",
      "Command: `npm run bench:startup`.",
      `Machine: ${machineDescription()}. Measured ${new Date().toISOString().slice(0, 10)}; 1-minute load average before the run ${loadAverage.toFixed(2)}.`,
      "",
      `The CLI: the median of ${RUNS} runs of each command from spawn to exit, with dist/ already built (\`scripts/build.js\` rebuilds it only`,
      "when a source changed). The bundle: a FINAL record's proof from a fresh instance on a fresh Anvil on 127.0.0.1.",
      "`npm start`: `node scripts/build.js api/src/main.ts` (what `npm start` runs) from spawn until /health answers 200 on both demo",
      "universities' instances (甲大学 and 乙大学), polled every 20 ms; cold is an empty data directory (Anvil started, contracts deployed, two",
      "PGlite databases restored from the migrated template in node_modules/.cache, the demo seeded); the first start after `npm ci` is",
      "the same with no template yet (it migrates a database and keeps its dump first); restart is the cold run's",
      "directory again after a SIGTERM. The floor: a minimal Express app's first answer, spawned the same way.",
      "",
      "| what | time | floor | ÷ floor | goal |",
      "|---|---|---|---|---|",
      row("`cunzheng verify --help`", help, nodeFloor, "`node -e 0`", GOALS.help),
      row("`cunzheng verify bundle.json --rpc …` (one record bundle)", verify, nodeFloor, "`node -e 0`", GOALS.verify),
      `| \`npm start\` to /health, first start after \`npm ci\` | ${ms(first)} | Express ${ms(express)} | ${(first / express).toFixed(1)}× | — |`,
      row("`npm start` to /health, cold", cold, express, "Express", GOALS.cold),
      row("`npm start` to /health, restart", restart, express, "Express", GOALS.restart),
    ].join("\n");
    console.log(markdown);
    writeBenchmarkSection("startup", markdown);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
