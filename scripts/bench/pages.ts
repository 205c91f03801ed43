/**
 * Speed of the pages a clerk waits on as a university grows: GET /api/dashboard and GET /api/members (its first page
 * and a page deep in the list) at 1,000 and 10,000 members with full histories, on PostgreSQL (a fresh database on
 * the DATABASE_URL server for each size, dropped afterwards), beside a floor: a minimal Express + pg app doing one
 * COUNT … GROUP BY and one keyset page over the same rows (lib/pages-floor.ts).
 * The members are made in bulk (lib/synthetic-log.ts): valid, salted, chained, hashed and sealed records of the demo
 * journey, as the service writes them, without the per-record HTTP calls. No chain: these pages read the database only.
 * Run: DATABASE_URL=postgres://… npm run bench:pages [-- --members 1000,10000 --requests 200] — prints the figures
 * and writes them to docs/benchmarks.md.
 */
import { randomBytes } from "node:crypto";
import http from "node:http";
import os from "node:os";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { loadConfig } from "../../api/src/config";
import { createDataSource, createRepositories } from "../../api/src/data-access";
import { ORG_IDS, seedConsortium } from "../../api/src/data-access/testing";
import { loadRuleSet, replayHistory } from "../../api/src/domain/rules";
import { issueToken } from "../../api/src/http/auth/tokens";
import { createLogger } from "../../api/src/lib/logger";
import { JOURNEY } from "../../api/src/seed/journey";
import { createInstitution, createServer, CURRENT_RULE_VERSION } from "../../api/src/server";
import { machineDescription, writeBenchmarkSection } from "../lib/bench-report";
import { startFloorApp } from "./lib/pages-floor";
import { createScratchPostgres } from "./lib/scratch-postgres";
import { ms, summarize, verdictOf, type Summary } from "./lib/stats";
import { insertCohort, type MemberProgress } from "./lib/synthetic-log";
import type { MemberStage } from "../../api/src/domain/vocabulary";

const DEFAULT_SIZES = [1_000, 10_000];
const DEFAULT_REQUESTS = 200;
const WARM_UP_REQUESTS = 5;
const MEMBERS_PER_COHORT = 1_000;
const GOAL_MS = 100;
/** Members at every point of the journey, a few records in to complete: applicants to full members, many overdue. */
const JOURNEY_LENGTHS = [1, 2, 4, 6, 8, 11, 13, 16, 18, 20, 22, 25];

interface Options {
  sizes: number[];
  requests: number;
}

function options(): Options {
  const { values } = parseArgs({ options: { members: { type: "string" }, requests: { type: "string" } } });
  const sizes = values.members === undefined ? DEFAULT_SIZES : values.members.split(",").map(Number);
  const requests = values.requests === undefined ? DEFAULT_REQUESTS : Number(values.requests);
  if (sizes.some((size) => !Number.isSafeInteger(size) || size < 100))
    throw new Error(`--members must be sizes of at least 100, comma-separated; got ${values.members}`);
  if (!Number.isSafeInteger(requests) || requests < 10)
    throw new Error(`--requests must be an integer of at least 10, got ${values.requests}`);
  return { sizes, requests };
}

/** The stage each journey prefix puts a member at, as the rules replay it. */
function progressTable(): MemberProgress[] {
  const ruleSet = loadRuleSet(CURRENT_RULE_VERSION);
  return JOURNEY_LENGTHS.map((records) => ({ records, stage: replayHistory(ruleSet, JOURNEY.slice(0, records)).status as MemberStage }));
}

interface PageTimes {
  dashboard: Summary;
  firstPage: Summary;
  laterPage: Summary;
}

interface SizeResult {
  members: number;
  records: number;
  seedSeconds: number;
  laterPageNumber: number;
  firstDashboardMs: number;
  project: PageTimes;
  floor: PageTimes;
  loadAverage: number[];
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function get(baseUrl: string, path: string, token?: string): Promise<{ status: number; body: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get(`${baseUrl}${path}`, { agent, headers: token ? { authorization: `Bearer ${token}` } : {} }, (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (body += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body, ms: performance.now() - started }));
      })
      .on("error", reject);
  });
}

async function timed(baseUrl: string, path: string, requests: number, token?: string): Promise<Summary> {
  const samples: number[] = [];
  for (let index = 0; index < WARM_UP_REQUESTS + requests; index += 1) {
    const answer = await get(baseUrl, path, token);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
    if (index >= WARM_UP_REQUESTS) samples.push(answer.ms);
  }
  return summarize(samples);
}

/** The cursor that opens page `page` (1-based) of a list, found by walking it. */
async function cursorOfPage(baseUrl: string, listPath: string, page: number, token?: string): Promise<string> {
  let cursor = "";
  for (let current = 1; current < page; current += 1) {
    const answer = await get(baseUrl, `${listPath}${cursor ? `&cursor=${cursor}` : ""}`, token);
    const next = (JSON.parse(answer.body) as { nextCursor: string | null }).nextCursor;
    if (!next) throw new Error(`${listPath} ended before page ${page}`);
    cursor = next;
  }
  return cursor;
}

async function measureSize(serverUrl: string, members: number, requests: number, progress: MemberProgress[]): Promise<SizeResult> {
  const scratch = await createScratchPostgres(serverUrl, "cunzheng_pages_bench");
  const cleanups: (() => Promise<void>)[] = [() => scratch.drop()];
  try {
    const dataSource = await createDataSource({ databaseUrl: scratch.url });
    cleanups.push(() => dataSource.destroy());
    const repositories = createRepositories(dataSource.manager);
    await seedConsortium(repositories);
    const keys = {
      FIELD_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
      BLIND_INDEX_KEY: randomBytes(32).toString("hex"),
      TOKEN_SECRET: randomBytes(32).toString("hex"),
    };
    const config = loadConfig({ DATABASE_URL: scratch.url, HOST: "127.0.0.1", PORT: "0", LOG_LEVEL: "silent", ...keys });
    const institution = createInstitution(dataSource, config);
    const clerk = await repositories.accounts.create({
      username: "bench-clerk",
      passwordHash: "$argon2id$bench-only",
      role: "CLERK",
      orgId: ORG_IDS.branchA,
    });
    const approver = await repositories.accounts.create({
      username: "bench-approver",
      passwordHash: "$argon2id$bench-only",
      role: "APPROVER",
      orgId: ORG_IDS.committeeA,
      canReadPersonalData: true,
    });

    const seedStarted = performance.now();
    const client = new Client({ connectionString: scratch.url });
    await client.connect();
    let records = 0;
    try {
      const context = {
        cipher: institution.cipher,
        blindIndexKey: config.blindIndexKey,
        ruleVersion: institution.ruleSet.version,
        orgId: ORG_IDS.branchA,
        createdBy: clerk.id,
      };
      for (let made = 0; made < members; made += MEMBERS_PER_COHORT) {
        const count = Math.min(MEMBERS_PER_COHORT, members - made);
        const cohort = await insertCohort(client, context, records + 1, count, (index) => progress[(made + index) % progress.length]);
        records += cohort.records.length;
      }
      await client.query("VACUUM (ANALYZE) records, members, findings, outbox");
    } finally {
      await client.end();
    }
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    const server = createServer({ config, logger: createLogger({ level: "silent" }), dataSource, institution }).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    cleanups.push(() => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))));
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const session = await repositories.sessions.open(approver.id, new Date());
    const token = (
      await issueToken(
        { accountId: approver.id, sessionId: session.id },
        { secret: config.tokenSecret, ttlSeconds: config.tokenTtlSeconds },
      )
    ).token;
    const floor = await startFloorApp(scratch.url);
    cleanups.push(() => floor.close());

    const dashboardPath = `/api/dashboard?orgId=${ORG_IDS.committeeA}`;
    const firstDashboardMs = (await get(baseUrl, dashboardPath, token)).ms;
    const laterPageNumber = Math.max(2, Math.floor(members / 50 / 2));
    const listPath = `/api/members?orgId=${ORG_IDS.committeeA}&limit=50`;
    const floorListPath = `/members?orgId=${ORG_IDS.committeeA}`;
    const laterCursor = await cursorOfPage(baseUrl, listPath, laterPageNumber, token);
    const floorLaterCursor = await cursorOfPage(floor.baseUrl, floorListPath, laterPageNumber);
    const loadAverage = os.loadavg();
    const project = {
      dashboard: await timed(baseUrl, dashboardPath, requests, token),
      firstPage: await timed(baseUrl, listPath, requests, token),
      laterPage: await timed(baseUrl, `${listPath}&cursor=${laterCursor}`, requests, token),
    };
    const floorTimes = {
      dashboard: await timed(floor.baseUrl, `/dashboard?orgId=${ORG_IDS.committeeA}`, requests),
      firstPage: await timed(floor.baseUrl, floorListPath, requests),
      laterPage: await timed(floor.baseUrl, `${floorListPath}&cursor=${floorLaterCursor}`, requests),
    };
    return { members, records, seedSeconds, laterPageNumber, firstDashboardMs, project, floor: floorTimes, loadAverage };
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

function report(results: SizeResult[], requests: number, serverVersion: string): string {
  const defaults = results.map((result) => result.members).join(",") === DEFAULT_SIZES.join(",") && requests === DEFAULT_REQUESTS;
  const rows = results.flatMap((result) => {
    const line = (page: string, key: keyof PageTimes) => {
      const project = result.project[key];
      const floor = result.floor[key];
      return `| ${result.members.toLocaleString("en")} | ${page} | ${ms(project.p50)} | ${ms(project.p99)} | ${ms(floor.p50)} | ${ms(floor.p99)} | ${(project.p50 / floor.p50).toFixed(1)}× | ${verdictOf(project.p99 < GOAL_MS)} |`;
    };
    return [
      line("dashboard", "dashboard"),
      line("member list, page 1", "firstPage"),
      line(`member list, page ${result.laterPageNumber}`, "laterPage"),
    ];
  });
  return [
    "## Pages: the dashboard and the member list as a university grows",
    "",
    `Command: \`DATABASE_URL=postgres://… npm run bench:pages${defaults ? "" : ` -- --members ${results.map((result) => result.members).join(",")} --requests ${requests}`}\`.`,
    `Machine: ${machineDescription()}. Measured ${new Date().toISOString().slice(0, 10)}.`,
    "",
    `Database: PostgreSQL ${serverVersion} (DATABASE_URL's server, same machine), a fresh database per size, created and dropped by the run,`,
    "vacuumed and analyzed after loading. Members made in bulk (not through the API): each has the first 1–25 steps of the demo journey",
    `(lengths ${JOURNEY_LENGTHS.join(", ")} in turn), so they stand at every stage and many are overdue; valid version-1 bodies, salted,`,
    "prevHash-chained, hashed and sealed as the service writes them, all in one branch under committee A. The caller is committee A's approver",
    "(personal data shown). One client, one keep-alive connection, requests one after another, in this process (as is the server);",
    `${WARM_UP_REQUESTS} warm-up requests, then ${requests} timed per page. The floor: a minimal Express + pg app over the same database doing one`,
    "COUNT … GROUP BY over the subtree (dashboard) and one keyset page of 50 rows (list), without authentication, decryption or rules.",
    "",
    "| members | page | p50 | p99 | floor p50 | floor p99 | ratio (p50) | goal p99 < 100 ms |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    ...results.map(
      (result) =>
        `At ${result.members.toLocaleString("en")} members (${result.records.toLocaleString("en")} records, seeded in ${result.seedSeconds.toFixed(1)} s): the first dashboard after loading took ${ms(result.firstDashboardMs)}; load average before timing ${result.loadAverage.map((value) => value.toFixed(2)).join(", ")} (${os.cpus().length} cores).`,
    ),
  ].join("\n");
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    console.error(
      "bench:pages measures on real PostgreSQL: set DATABASE_URL to a server where this user may create databases,\ne.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres.",
    );
    process.exitCode = 2;
    return;
  }
  const { sizes, requests } = options();
  const progress = progressTable();
  const results: SizeResult[] = [];
  let serverVersion = "";
  for (const members of sizes) {
    console.error(`measuring at ${members.toLocaleString("en")} members`);
    results.push(await measureSize(serverUrl, members, requests, progress));
    serverVersion ||= await versionOf(serverUrl);
  }
  agent.destroy();
  const markdown = report(results, requests, serverVersion);
  console.log(markdown);
  writeBenchmarkSection("pages", markdown);
}

async function versionOf(serverUrl: string): Promise<string> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return ((await client.query("SHOW server_version")).rows[0] as { server_version: string }).server_version;
  } finally {
    await client.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
