// A fresh PostgreSQL database for one benchmark run, on the server DATABASE_URL names, dropped afterwards. A database
// of its own (not a schema) so that its tables, indexes and statistics are the run's alone.
import { randomBytes } from "node:crypto";
import { Client } from "pg";

export interface ScratchPostgres {
  /** The new database's URL. */
  url: string;
  name: string;
  /** The server's version string. */
  serverVersion: string;
  sharedBuffers: string;
  drop(): Promise<void>;
}

export async function createScratchPostgres(serverUrl: string, prefix: string): Promise<ScratchPostgres> {
  const name = `${prefix}_${randomBytes(4).toString("hex")}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  let serverVersion: string;
  let sharedBuffers: string;
  try {
    serverVersion = ((await admin.query("SHOW server_version")).rows[0] as { server_version: string }).server_version;
    sharedBuffers = ((await admin.query("SHOW shared_buffers")).rows[0] as { shared_buffers: string }).shared_buffers;
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    serverVersion,
    sharedBuffers,
    async drop() {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
