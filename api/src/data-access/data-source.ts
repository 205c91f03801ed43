import "reflect-metadata";
import { PGlite } from "@electric-sql/pglite";
import { Client } from "pg";
import { DataSource, type DataSourceOptions } from "typeorm";
import { ENTITIES } from "./entities";
import { MIGRATIONS } from "./migrations";
import { openPGlite } from "./pglite-template";

export interface DataSourceConfig {
  /** PostgreSQL connection string. Without it the service uses embedded PGlite. */
  databaseUrl?: string;
  /** PGlite data directory. Without it (and without databaseUrl) the database lives in memory. */
  dataDir?: string;
  /** PostgreSQL only: the schema to work in, created if missing (tests isolate themselves with a schema each). */
  schema?: string;
}

/**
 * PGlite's node-postgres adapter: pg Pool options whose `connection` speaks the wire protocol to a PGlite instance.
 * Loaded with require because tsconfig's "node" module resolution cannot see package subpath exports.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a subpath export, invisible to "node" resolution
const { createPgConfig } = require("@electric-sql/pglite/node-postgres") as { createPgConfig(pglite: PGlite): object };

/**
 * PGlite has a single session. A caller waiting for it longer than this is almost surely a query issued
 * outside the transaction that holds it (a repository built on the wrong EntityManager): fail loudly instead of
 * hanging forever.
 */
const PGLITE_SESSION_WAIT_MS = 30_000;

const COMMON_OPTIONS = {
  type: "postgres",
  entities: ENTITIES,
  migrations: MIGRATIONS,
  migrationsRun: true,
  synchronize: false,
  installExtensions: false,
} as const;

/** A DataSource that also closes the PGlite instance it runs on. */
class PGliteDataSource extends DataSource {
  constructor(
    options: DataSourceOptions,
    private readonly pglite: PGlite,
  ) {
    super(options);
  }

  override async destroy(): Promise<void> {
    await super.destroy();
    await this.closePGlite();
  }

  async closePGlite(): Promise<void> {
    if (!this.pglite.closed) await this.pglite.close();
  }
}

/**
 * Creates, connects and migrates the service's DataSource: PostgreSQL when `databaseUrl` is given, embedded PGlite
 * otherwise. Both run the same hand-written migrations; the schema is never synchronized from the entities.
 *
 * PGlite is reached through the real `pg` driver over PGlite's own node-postgres connection adapter, with a pool
 * of one: a query runner holds PGlite's only session from `connect` to `release`, so transactions are isolated by
 * being serialized. The `typeorm-pglite` package was not used because it shares that one session between all
 * query runners at once: a rollback in one transaction silently discarded another's committed insert, and its
 * instance is a process-wide singleton, so two DataSources would share one database.
 */
export async function createDataSource(config: DataSourceConfig = {}): Promise<DataSource> {
  let dataSource: DataSource;
  if (config.databaseUrl) {
    if (config.schema) await createSchemaIfMissing(config.databaseUrl, checkedSchemaName(config.schema));
    dataSource = new DataSource({
      ...COMMON_OPTIONS,
      url: config.databaseUrl,
      extra: config.schema ? { options: `-c search_path=${checkedSchemaName(config.schema)}` } : {},
    });
  } else {
    dataSource = pgliteDataSource(await openPGlite(config.dataDir, migratedDump));
  }
  try {
    await dataSource.initialize();
  } catch (error) {
    if (dataSource instanceof PGliteDataSource) await dataSource.closePGlite();
    throw error;
  }
  return dataSource;
}

function pgliteDataSource(pglite: PGlite): PGliteDataSource {
  return new PGliteDataSource(
    {
      ...COMMON_OPTIONS,
      poolSize: 1,
      connectTimeoutMS: PGLITE_SESSION_WAIT_MS,
      // The pool keeps its one client: closing it when idle would only reconnect to the same session.
      extra: { ...createPgConfig(pglite), idleTimeoutMillis: 0 },
    },
    pglite,
  );
}

/** A fresh in-memory database, migrated, as openPGlite's template. */
async function migratedDump(): Promise<Blob> {
  const pglite = await PGlite.create();
  const dataSource = pgliteDataSource(pglite);
  try {
    await dataSource.initialize();
    return await pglite.dumpDataDir("gzip");
  } finally {
    await dataSource.destroy();
  }
}

async function createSchemaIfMissing(databaseUrl: string, schema: string): Promise<void> {
  await onDatabase(databaseUrl, `CREATE SCHEMA IF NOT EXISTS ${schema}`);
}

/** Drops a schema with every table in it: a database that createDataSource({ schema }) then starts afresh. */
export async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  await onDatabase(databaseUrl, `DROP SCHEMA IF EXISTS ${checkedSchemaName(schema)} CASCADE`);
}

async function onDatabase(databaseUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The name goes into a connection option string, where quoting rules differ from SQL's: accept plain names only. */
function checkedSchemaName(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`invalid schema name ${JSON.stringify(name)}`);
  return name;
}
