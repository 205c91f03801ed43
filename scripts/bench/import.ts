/**
 * The roster import on PostgreSQL: a generated roster of members at every stage (UTF-8 .csv, as an organization
 * department exports it) through importRoster — read, every row checked, members and archival records encrypted,
 * hashed and inserted in batches — beside the floor: plain pg multi-row INSERTs of the same number of member and record
 * rows of the same sizes into indexed tables, no checks, no hashing, no encryption. Then the anchoring that follows in
 * the background, measured until every member's registerArchival is final, with a block every second.
 * Run: npm run bench:import (DATABASE_URL names the server; default postgres://postgres@127.0.0.1:5432/postgres);
 * `-- --rows N` for a shorter trial (the recorded figures use 100,000) — prints the figures and writes them to
 * docs/benchmarks.md. The database part imports N rows with the anchoring worker not started (what it measures is the
 * import, not the import competing with the worker for this process); the chain part then imports a smaller file
 * (`--chain-rows M`, default 2,000) into a fresh instance whose worker runs, and waits for every member to be final:
 * at about 16 members/s on chain with 1 s blocks, 100,000 would take well over an hour. The wait is bounded
 * (`--chain-seconds S`, default 900).
 */
import { randomBytes, randomUUID } from "node:crypto";
import os from "node:os";
import { Client } from "pg";
import { importRoster, type RosterProgress } from "../../api/src/domain/roster/import";
import { machineDescription, writeBenchmarkSection } from "../lib/bench-report";
import { idNumberOf } from "../../test/helpers/roster";
import { startBenchInstance } from "./lib/instance";
import { createScratchPostgres } from "./lib/scratch-postgres";
import { verdictOf } from "./lib/stats";

const SERVER_URL = process.env.DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";
const argument = (name: string) => (process.argv.includes(name) ? Number(process.argv[process.argv.indexOf(name) + 1]) : NaN);
const ROWS = argument("--rows") || 100_000;
const CHAIN_ROWS = Math.min(ROWS, argument("--chain-rows") || 2000);
const CHAIN_SECONDS = argument("--chain-seconds") || 900;
/** Issue 18: ≥ 20,000 records/s into PostgreSQL (each row is a member and one archival record per known date). */
const GOAL_RECORDS_PER_SECOND = 20_000;
const FLOOR_BATCH_ROWS = 1000;
/** About the sizes the import stores: sealed personal data, and a sealed canonical record body. */
const FLOOR_MEMBER_BYTES = 250;
const FLOOR_RECORD_BYTES = 700;
const FINAL_POLL_MS = 500;
const BRANCH = "计算机学院本科生第一党支部";
const HEADERS = [
  "姓名",
  "性别",
  "出生日期",
  "公民身份号码",
  "所在党支部",
  "申请入党日期",
  "确定入党积极分子日期",
  "确定发展对象日期",
  "接收预备党员日期",
  "转正日期",
];
/** The key dates of a member at each stage, applicant to full member. */
const STAGE_DATES = [
  ["2024-03-01"],
  ["2023-03-01", "2023-09-15"],
  ["2021-03-01", "2021-09-10", "2022-10-12"],
  ["2022-03-01", "2022-09-01", "2023-09-05", "2025-06-20"],
  ["2015-03-01", "2015-09-10", "2016-10-12", "2017-05-20", "2018-05-25"],
];
const BIRTH_DAYS = 9000;

/** Row i: a person born on one of 9,000 days from 1970, told apart by the ID number's sequence, at stage i mod 5. */
function rosterCsv(rows: number): { csv: Buffer; records: number } {
  const lines = [HEADERS.join(",")];
  let records = 0;
  for (let i = 0; i < rows; i += 1) {
    const birthDate = new Date(Date.UTC(1970, 0, 1 + (i % BIRTH_DAYS))).toISOString().slice(0, 10);
    const sex = i % 2 === 0 ? "M" : "F";
    const dates = STAGE_DATES[i % STAGE_DATES.length];
    records += dates.length;
    const cells = [
      `成员${i}`,
      sex === "M" ? "男" : "女",
      birthDate,
      idNumberOf(birthDate, sex, Math.floor(i / BIRTH_DAYS)),
      BRANCH,
      ...dates,
    ];
    while (cells.length < HEADERS.length) cells.push("");
    lines.push(cells.join(","));
  }
  return { csv: Buffer.from(`${lines.join("\r\n")}\r\n`, "utf8"), records };
}

/** The floor: the same member and record rows, random bytes of the stored sizes, multi-row INSERT in batches. */
async function floorSeconds(url: string, members: number, records: number): Promise<number> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE members (id uuid PRIMARY KEY, member_key text NOT NULL UNIQUE, org_id bigint NOT NULL, stage text NOT NULL,
                          personal_data bytea NOT NULL, id_number_index text)`);
    await client.query("CREATE INDEX members_id_number_index ON members (id_number_index)");
    await client.query(`CREATE TABLE records (id bigserial PRIMARY KEY, member_id uuid NOT NULL REFERENCES members (id), sequence int NOT NULL,
                          record_hash text NOT NULL UNIQUE, body bytea NOT NULL, UNIQUE (member_id, sequence))`);
    const perMember = records / members;
    const started = performance.now();
    for (let start = 0; start < members; start += FLOOR_BATCH_ROWS) {
      const count = Math.min(FLOOR_BATCH_ROWS, members - start);
      const ids = Array.from({ length: count }, () => randomUUID());
      const hex = (bytes: number) => randomBytes(bytes).toString("hex");
      await client.query("BEGIN");
      await client.query(
        `INSERT INTO members (id, member_key, org_id, stage, personal_data, id_number_index)
         SELECT id, key, 1, 'FULL', decode(data, 'hex'), idx FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS m (id, key, data, idx)`,
        [ids, ids.map(() => hex(32)), ids.map(() => hex(FLOOR_MEMBER_BYTES)), ids.map(() => hex(32))],
      );
      const recordRows = ids.flatMap((id, index) => {
        const own = Math.round((start + index + 1) * perMember) - Math.round((start + index) * perMember);
        return Array.from({ length: own }, (_, sequence) => ({ id, sequence: sequence + 1 }));
      });
      await client.query(
        `INSERT INTO records (member_id, sequence, record_hash, body)
         SELECT member_id, sequence, hash, decode(body, 'hex') FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) AS r (member_id, sequence, hash, body)`,
        [
          recordRows.map((row) => row.id),
          recordRows.map((row) => row.sequence),
          recordRows.map(() => hex(32)),
          recordRows.map(() => hex(FLOOR_RECORD_BYTES)),
        ],
      );
      await client.query("COMMIT");
    }
    return (performance.now() - started) / 1000;
  } finally {
    await client.end();
  }
}

async function main() {
  const loadAverage = os.loadavg()[0];
  const { csv, records } = rosterCsv(ROWS);

  // The database part: the file imported into a fresh database, the worker not started.
  const projectDb = await createScratchPostgres(SERVER_URL, "cunzheng_bench_import");
  let importSeconds: number;
  let writeSeconds: number;
  let cpuSeconds: number;
  try {
    process.env.DATABASE_URL = projectDb.url;
    const instance = await startBenchInstance({ blockTimeSeconds: 1, settings: {}, startWorker: false });
    try {
      let checkedAt = 0;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const report = await importRoster(
        instance.institution,
        instance.actors.clerk,
        { bytes: csv, fileName: "bench.csv", dryRun: false },
        (progress: RosterProgress) => {
          if (progress.phase === "check" && progress.done === progress.total) checkedAt = performance.now();
        },
      );
      const imported = performance.now();
      const cpu = process.cpuUsage(cpuBefore);
      if (report.imported !== ROWS)
        throw new Error(`imported ${report.imported} of ${ROWS} rows; refused e.g. ${JSON.stringify(report.refused.slice(0, 3))}`);
      importSeconds = (imported - started) / 1000;
      writeSeconds = (imported - checkedAt) / 1000;
      cpuSeconds = (cpu.user + cpu.system) / 1e6;
    } finally {
      await instance.close();
    }
  } finally {
    await projectDb.drop();
  }

  // The chain part: a smaller file into a fresh instance whose worker runs, until every member is final.
  const chainFile = rosterCsv(CHAIN_ROWS);
  const chainDb = await createScratchPostgres(SERVER_URL, "cunzheng_bench_import_chain");
  let finalSeconds: number;
  try {
    process.env.DATABASE_URL = chainDb.url;
    const instance = await startBenchInstance({ blockTimeSeconds: 1, settings: {} });
    try {
      const started = performance.now();
      const report = await importRoster(instance.institution, instance.actors.clerk, {
        bytes: chainFile.csv,
        fileName: "bench-chain.csv",
        dryRun: false,
      });
      if (report.imported !== CHAIN_ROWS) throw new Error(`imported ${report.imported} of ${CHAIN_ROWS} rows for the chain part`);
      for (;;) {
        const states = await instance.institution.repositories.outbox.countByState();
        if (states.FAILED > 0) throw new Error(`${states.FAILED} outbox item(s) failed`);
        if (states.PENDING + states.SENT + states.MINED === 0) break;
        if (performance.now() - started > CHAIN_SECONDS * 1000)
          throw new Error(`not all final after ${CHAIN_SECONDS} s: ${JSON.stringify(states)} (--chain-seconds)`);
        await new Promise((resolve) => setTimeout(resolve, FINAL_POLL_MS));
      }
      finalSeconds = (performance.now() - started) / 1000;
    } finally {
      await instance.close();
    }
  } finally {
    await chainDb.drop();
  }

  const floorDb = await createScratchPostgres(SERVER_URL, "cunzheng_bench_import_floor");
  let floor: number;
  try {
    floor = await floorSeconds(floorDb.url, ROWS, records);
  } finally {
    await floorDb.drop();
  }
  const loadAfter = os.loadavg()[0];

  const recordsPerSecond = records / importSeconds;
  const markdown = [
    "## Roster import: a file of members into PostgreSQL, then to the chain",
    "",
    `Command: \`npm run bench:import${ROWS === 100_000 ? "" : ` -- --rows ${ROWS}`}\` (DATABASE_URL names the server; each run makes three fresh databases and drops them;`,
    "`-- --rows N` for a shorter trial, `--chain-rows M` for the chain part's file, default 2,000).",
    `Machine: ${machineDescription()}. PostgreSQL ${projectDb.serverVersion}, shared_buffers ${projectDb.sharedBuffers}. Measured ${new Date().toISOString().slice(0, 10)}; 1-minute load average before the run ${loadAverage.toFixed(2)}, after it ${loadAfter.toFixed(2)} (the machine shared with other work: figures on a loaded machine are a fraction of a quiet one's).`,
    "",
    `The file: ${ROWS.toLocaleString("en")} rows (${(csv.length / 2 ** 20).toFixed(1)} MiB UTF-8 .csv) of members at every stage in turn, applicant to full member,`,
    `${records.toLocaleString("en")} archival records in all (one per known date). The import (\`importRoster\`, what \`cunzheng import\` and`,
    "`POST /api/roster-imports` run): read the file, check every row (ID number, branch, every rule the dates decide, already on file),",
    "then per batch of 1,000 rows one transaction: seal personal data, hash and seal each record body, insert members, records and one",
    "outbox item per member with multi-row INSERTs; the next batch is sealed and hashed while the previous one is written. The instance's",
    "anchoring worker is not started during this part. The floor: the same numbers of member and record rows, random bytes of the stored",
    `sizes (${FLOOR_MEMBER_BYTES} and ${FLOOR_RECORD_BYTES} bytes), inserted by plain pg multi-row INSERTs in 1,000-member transactions into tables with the same keys`,
    "and unique indexes (but none of the records table's triggers, foreign keys to accounts and checks, nor the members' search-token index).",
    `The chain: a file of ${CHAIN_ROWS.toLocaleString("en")} rows imported into a fresh instance whose anchoring worker runs with default settings`,
    "(batches of 100 calls through the ledger's multicall), on Anvil with a block every second; measured from the import's start until every",
    "member's `registerArchival` is final.",
    "",
    "| what | rows (members) | records | seconds | rows/s | records/s | goal |",
    "|---|---|---|---|---|---|---|",
    `| import, file to committed rows | ${ROWS} | ${records} | ${importSeconds.toFixed(1)} | ${(ROWS / importSeconds).toFixed(0)} | ${recordsPerSecond.toFixed(0)} | ≥ ${GOAL_RECORDS_PER_SECOND.toLocaleString("en")} records/s: ${verdictOf(recordsPerSecond >= GOAL_RECORDS_PER_SECOND)} |`,
    `| of which writing (after the checks) | ${ROWS} | ${records} | ${writeSeconds.toFixed(1)} | ${(ROWS / writeSeconds).toFixed(0)} | ${(records / writeSeconds).toFixed(0)} | — |`,
    `| the import's CPU in this process (user + system) | ${ROWS} | ${records} | ${cpuSeconds.toFixed(1)} | ${(ROWS / cpuSeconds).toFixed(0)} | ${(records / cpuSeconds).toFixed(0)} | — |`,
    `| floor: plain multi-row INSERT | ${ROWS} | ${records} | ${floor.toFixed(1)} | ${(ROWS / floor).toFixed(0)} | ${(records / floor).toFixed(0)} | — |`,
    `| to the chain, import start to all final (1 s blocks) | ${CHAIN_ROWS} | ${chainFile.records} | ${finalSeconds.toFixed(1)} | ${(CHAIN_ROWS / finalSeconds).toFixed(0)} | ${(chainFile.records / finalSeconds).toFixed(0)} | — |`,
  ].join("\n");
  console.log(markdown);
  writeBenchmarkSection("import", markdown);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
