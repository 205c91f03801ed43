/**
 * Record writes through the API on PostgreSQL, closed loop at 8 and 32 connections (enrollments, then each enrolled
 * member's next step), beside the floor: a minimal Express + pg app inserting a row of the same size into an indexed
 * table, loaded by the same generator in the same run. CPU per record of the instance and of PostgreSQL from /proc.
 * Run: npm run bench:writes (DATABASE_URL names the server; default postgres://postgres@127.0.0.1:5432/postgres) —
 * prints the figures and writes them to docs/benchmarks.md.
 */
import type { AddressInfo } from "node:net";
import os from "node:os";
import express from "express";
import { Pool } from "pg";
import { JOURNEY } from "../../api/src/seed/journey";
import { machineDescription, writeBenchmarkSection } from "../lib/bench-report";
import { runClosedLoop, type ClosedLoopResult, type WriteKind } from "./lib/closed-loop";
import { cpuSnapshot, cpuUseBetween, processesNamed } from "./lib/cpu-time";
import { startBenchInstance } from "./lib/instance";
import { createScratchPostgres } from "./lib/scratch-postgres";
import { ms, verdictOf } from "./lib/stats";

const SERVER_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const CONNECTIONS = [8, 32] as const;
/** `-- --seconds N` shortens a trial run; the recorded figures use the default. */
const SECONDS = Number(process.argv[process.argv.indexOf("--seconds") + 1]) || 15;
/** About the size of a stored enrollment record (its canonical body with salt, hash and columns). */
const FLOOR_ROW_BYTES = 600;
const POOL_SIZE = 10;
const GOAL = { floorShare: 0.4, p99Ms: 50 };

interface Measured {
  result: ClosedLoopResult;
  /** CPU milliseconds per completed write: the server process and PostgreSQL. */
  serverCpuMs: number;
  postgresCpuMs: number;
}

async function measure(run: () => Promise<ClosedLoopResult>): Promise<Measured> {
  const before = cpuSnapshot({ postgres: processesNamed("postgres") });
  const result = await run();
  const cpu = cpuUseBetween(before, cpuSnapshot({ postgres: processesNamed("postgres") }));
  const per = (seconds: number) => (seconds * 1000) / Math.max(1, result.completed);
  return { result, serverCpuMs: per(cpu.self), postgresCpuMs: per(cpu.postgres) };
}

/** The floor: Express parses the JSON, pg inserts it into a table with a unique and a plain index, 201 with the id. */
async function startFloor(databaseUrl: string) {
  const pool = new Pool({ connectionString: databaseUrl, max: POOL_SIZE });
  await pool.query(
    "CREATE TABLE records (id bigserial PRIMARY KEY, member_key text NOT NULL, body jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())",
  );
  await pool.query("CREATE UNIQUE INDEX records_member_key ON records (member_key)");
  await pool.query("CREATE INDEX records_created_at ON records (created_at)");
  const app = express();
  app.use(express.json());
  app.post("/records", async (req, res) => {
    const body = req.body as { memberKey: string };
    const { rows } = await pool.query<{ id: number }>("INSERT INTO records (member_key, body) VALUES ($1, $2) RETURNING id", [
      body.memberKey,
      body,
    ]);
    res.status(201).json({ id: rows[0].id });
  });
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.end();
    },
  };
}

function row(label: string, connections: number, project: Measured, floor: Measured, goal: string): string {
  const p = project.result;
  const f = floor.result;
  const share = p.perSecond / f.perSecond;
  return `| ${label} | ${connections} | ${p.perSecond.toFixed(0)}/s | ${ms(p.latencyMs?.p50 ?? NaN)} | ${ms(p.latencyMs?.p99 ?? NaN)} | ${p.errors} | ${f.perSecond.toFixed(0)}/s | ${ms(f.latencyMs?.p99 ?? NaN)} | ${(share * 100).toFixed(1)} % | ${project.serverCpuMs.toFixed(2)} / ${project.postgresCpuMs.toFixed(2)} ms | ${floor.serverCpuMs.toFixed(2)} / ${floor.postgresCpuMs.toFixed(2)} ms | ${goal} |`;
}

async function main() {
  const loadAverage = os.loadavg()[0];
  const projectDb = await createScratchPostgres(SERVER_URL, "cunzheng_bench_writes");
  const floorDb = await createScratchPostgres(SERVER_URL, "cunzheng_bench_floor");
  process.env.DATABASE_URL = projectDb.url;
  const instance = await startBenchInstance({ settings: {} });
  const floor = await startFloor(floorDb.url);
  const [application, interview] = JOURNEY;
  const rows: string[] = [];
  try {
    for (const connections of CONNECTIONS) {
      const enroll: WriteKind = {
        kind: "enroll",
        orgId: instance.branchId,
        effectiveDate: application.effectiveDate,
        fields: application.fields,
      };
      const enrolled = await measure(() =>
        runClosedLoop({ baseUrl: instance.baseUrl, token: instance.tokens.clerk, connections, seconds: SECONDS, write: enroll }),
      );
      const step: WriteKind = {
        kind: "step",
        memberIds: enrolled.result.memberIds,
        step: interview.step,
        effectiveDate: interview.effectiveDate,
        fields: interview.fields,
      };
      const stepped = await measure(() =>
        runClosedLoop({ baseUrl: instance.baseUrl, token: instance.tokens.clerk, connections, seconds: SECONDS, write: step }),
      );
      const floored = await measure(() =>
        runClosedLoop({ baseUrl: floor.baseUrl, connections, seconds: SECONDS, write: { kind: "floor", bodyBytes: FLOOR_ROW_BYTES } }),
      );
      const goalOf = (measured: Measured) =>
        connections === 8
          ? `≥ ${GOAL.floorShare * 100} % of the floor, p99 < ${GOAL.p99Ms} ms: ${verdictOf(measured.result.perSecond >= GOAL.floorShare * floored.result.perSecond && (measured.result.latencyMs?.p99 ?? Infinity) < GOAL.p99Ms)}`
          : "—";
      rows.push(row("enrollment (S1)", connections, enrolled, floored, goalOf(enrolled)));
      rows.push(row("next step (S2)", connections, stepped, floored, goalOf(stepped)));
      for (const [what, measured] of [
        ["enrollments", enrolled],
        ["next steps", stepped],
        ["floor", floored],
      ] as const)
        if (measured.result.errors > 0)
          console.error(
            `${what} at ${connections} connections: ${measured.result.errors} errors, e.g. ${measured.result.errorExamples.join("; ")}`,
          );
    }
  } finally {
    await floor.close();
    await instance.close();
    await projectDb.drop();
    await floorDb.drop();
  }
  const markdown = [
    "## Record writes through the API on PostgreSQL, beside an Express + pg floor",
    "",
    "Command: `npm run bench:writes` (DATABASE_URL names the server; each run makes two fresh databases and drops them).",
    `Machine: ${machineDescription()}. PostgreSQL ${projectDb.serverVersion}, shared_buffers ${projectDb.sharedBuffers}. Measured ${new Date().toISOString().slice(0, 10)}; 1-minute load average before the run ${loadAverage.toFixed(2)}.`,
    "",
    "Setup: the instance (API and anchoring worker in one process, as `npm start` composes them, default settings) on 127.0.0.1 over a fresh",
    "Anvil (a block per transaction); a clerk's token. The floor: Express with `express.json()` and a `pg` pool of",
    `${POOL_SIZE} inserting each posted body (${FLOOR_ROW_BYTES} bytes of payload) as a jsonb row into a table with a unique and a plain index, answering 201 with the id.`,
    `Load: a separate Node process (keep-alive agent), closed loop: each connection sends its next POST as soon as the last one answered, for ${SECONDS} s.`,
    "Enrollments post a new person (a fresh ID number) with S1; next steps post S2 for each member the enrollment run created, once each.",
    "A latency is one request's round trip; only 201s count. CPU per record: user + system time from /proc of the server's process and of every PostgreSQL process, divided by the 201s.",
    "",
    "| write | connections | project | p50 | p99 | errors | floor | floor p99 | project ÷ floor | CPU/record instance / PostgreSQL | floor CPU/record app / PostgreSQL | goal |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
  console.log(markdown);
  writeBenchmarkSection("write-throughput", markdown);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
