import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createDataSource, createRepositories } from "../../../api/src/data-access";
import { openScratchDatabase, seedConsortium, type ScratchDatabase } from "../../../api/src/data-access/testing";

const FIRST_TABLES = ["accounts", "audit_log", "evidence", "findings", "members", "organizations", "records", "transfers"];
const ANCHORING_TABLES = ["chain_transactions", "checkpoints", "outbox"];
const FEDERATION_TABLES = ["chain_cursor", "chain_events", "chain_roles", "incoming_files", "record_imports"];
const TABLES = [...FIRST_TABLES, ...ANCHORING_TABLES, ...FEDERATION_TABLES].sort();

async function tablesOf(database: ScratchDatabase): Promise<string[]> {
  const rows: { table_name: string }[] = await database.dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name <> 'migrations' ORDER BY table_name`
  );
  return rows.map((row) => row.table_name);
}

describe("data-access migrations", function () {
  describe("on an empty database", function () {
    let database: ScratchDatabase;
    before(async function () {
      database = await openScratchDatabase(process.env.DATABASE_URL);
    });
    after(async function () {
      await database.close();
    });

    it("should create every table and record the migration as applied", async function () {
      expect(await tablesOf(database)).to.deep.equal(TABLES);
      expect(await database.dataSource.showMigrations()).to.equal(false);
    });

    it("should drop every table when the migrations are undone, and recreate them when run again", async function () {
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database)).to.deep.equal([...FIRST_TABLES, ...ANCHORING_TABLES].sort());
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database)).to.deep.equal(FIRST_TABLES);
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database)).to.deep.equal([]);
      await database.dataSource.runMigrations();
      expect(await tablesOf(database)).to.deep.equal(TABLES);
    });
  });

  describe("embedded PGlite with a data directory", function () {
    let dataDir: string;
    before(async function () {
      dataDir = await mkdtemp(join(tmpdir(), "cunzheng-pglite-"));
    });
    after(async function () {
      await rm(dataDir, { recursive: true, force: true });
    });

    it("should keep its rows across a restart without migrating again", async function () {
      const first = await createDataSource({ dataDir });
      await seedConsortium(createRepositories(first.manager));
      await first.destroy();

      const second = await createDataSource({ dataDir });
      try {
        expect(await second.showMigrations()).to.equal(false);
        const organizations = await createRepositories(second.manager).organizations.list();
        expect(organizations.map((org) => org.name)).to.include("甲大学党委");
      } finally {
        await second.destroy();
      }
    });
  });
});
