// A PostgreSQL cluster of a test's own, in a temporary directory on a free port, that the test may stop and start
// again (a database outage) without touching any server it shares. The server binaries refuse to run as root, so
// they run as the `postgres` OS user when the tests run as root.
import { execFile } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./ports";

const run = promisify(execFile);
const BIN_DIRS = ["/usr/lib/postgresql/15/bin", "/usr/lib/postgresql/16/bin", "/usr/lib/postgresql/17/bin"];
const SERVER_USER = "postgres";

export interface PostgresCluster {
  /** postgres://…/postgres on the cluster: a server URL as DATABASE_URL is in the tests. */
  readonly url: string;
  /** Stops it at once, cutting every connection ("fast" shutdown), as a crash or an operator would. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it if running and removes its directory. */
  close(): Promise<void>;
}

/** The directory of initdb and pg_ctl, or undefined where no PostgreSQL server is installed. */
export function postgresBinaries(): string | undefined {
  return BIN_DIRS.find((dir) => existsSync(path.join(dir, "pg_ctl")));
}

export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = postgresBinaries();
  if (bin === undefined) throw new Error(`no PostgreSQL server binaries in ${BIN_DIRS.join(", ")}`);
  const directory = mkdtempSync(path.join(tmpdir(), "cunzheng-pg-"));
  const asRoot = userInfo().uid === 0;
  const port = await freePort();
  const dataDir = path.join(directory, "data");
  // As the server's user when we are root (the server refuses root); otherwise as ourselves.
  const pg = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", SERVER_USER, "--", path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  if (asRoot) chownSync(directory, ...(await serverUserIds()));
  await pg("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () =>
    pg("pg_ctl", ["-D", dataDir, "-o", options, "-l", path.join(directory, "server.log"), "-w", "start"]).then(() => undefined);
  const stop = () => pg("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"]).then(() => undefined);
  let running = false;
  await start();
  running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await stop();
      running = false;
    },
    async start() {
      await start();
      running = true;
    },
    async close() {
      if (running) await stop().catch(() => undefined);
      running = false;
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

async function serverUserIds(): Promise<[number, number]> {
  const [uid, gid] = await Promise.all([run("id", ["-u", SERVER_USER]), run("id", ["-g", SERVER_USER])]);
  return [Number(uid.stdout.trim()), Number(gid.stdout.trim())];
}
