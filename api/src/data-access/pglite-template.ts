import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { MIGRATIONS } from "./migrations";

/**
 * A new embedded database costs PostgreSQL's initdb and every migration, ~3.5 s of one core on this project's 2-core
 * machine: most of a cold `npm start` (two databases) and of every test's scratch database. One restored from a dump
 * of a database already migrated opens in about a third of that. The dump is made once per PGlite version and
 * migration set (both in the file's name), cached under node_modules/.cache, and made again when either changes;
 * deleting it is always safe. The migrations write no data of their own (no key, no id), so every restored database
 * is the same as one migrated afresh — the migrations table says they ran, and TypeORM runs none of them again.
 */
const PGLITE_PACKAGE_DIR = path.dirname(path.dirname(require.resolve("@electric-sql/pglite")));
/** Where the dump is kept: a cache beside the installed packages, like other tools' node_modules/.cache. */
export const PGLITE_TEMPLATE_DIR = path.join(path.dirname(path.dirname(PGLITE_PACKAGE_DIR)), ".cache", "cunzheng");

/** Migrates a fresh in-memory database and dumps it. */
export type MigratedDumpMaker = () => Promise<Blob>;

let cachedDump: Promise<Blob> | undefined;

/**
 * Opens the embedded database at `dataDir` (in memory without one): as it is when it exists, else restored from the
 * migrated dump.
 */
export async function openPGlite(dataDir: string | undefined, makeMigratedDump: MigratedDumpMaker): Promise<PGlite> {
  if (dataDir !== undefined && existsSync(path.join(dataDir, "PG_VERSION"))) return PGlite.create({ dataDir });
  cachedDump ??= loadOrMakeDump(makeMigratedDump);
  const loadDataDir = await cachedDump.catch((error: unknown) => {
    cachedDump = undefined;
    throw error;
  });
  return PGlite.create(dataDir === undefined ? { loadDataDir } : { dataDir, loadDataDir });
}

async function loadOrMakeDump(makeMigratedDump: MigratedDumpMaker): Promise<Blob> {
  const file = path.join(PGLITE_TEMPLATE_DIR, `pglite-migrated-${templateKey()}.tar.gz`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const dump = await makeMigratedDump();
  saveQuietly(file, Buffer.from(await dump.arrayBuffer()));
  return dump;
}

function templateKey(): string {
  const { version } = JSON.parse(readFileSync(path.join(PGLITE_PACKAGE_DIR, "package.json"), "utf8")) as { version: string };
  const hash = createHash("sha256").update(version);
  for (const migration of MIGRATIONS) hash.update(migration.toString());
  return hash.digest("hex").slice(0, 16);
}

/** A cache that cannot be written (a read-only install) only costs the next process the migrations again. */
function saveQuietly(file: string, bytes: Buffer): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // Written aside and renamed: a process reading the cache never sees half a file.
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, bytes);
    renameSync(partial, file);
  } catch {
    return;
  }
}
