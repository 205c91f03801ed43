import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DataSource } from "typeorm";
import { createDataSource, createRepositories } from "../../../api/src/data-access";
import { MIGRATIONS } from "../../../api/src/data-access/migrations";
import { seedConsortium } from "../../../api/src/data-access/testing";

/** Everything the migrations define, in a form two databases can be compared by. */
async function schemaOf(dataSource: DataSource): Promise<unknown[]> {
  const queries = [
    `SELECT table_name, column_name, data_type, column_default, is_nullable FROM information_schema.columns
      WHERE table_schema = current_schema() ORDER BY table_name, column_name`,
    "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname",
    `SELECT conrelid::regclass::text AS on_table, conname, pg_get_constraintdef(oid) AS definition FROM pg_constraint
      WHERE connamespace = current_schema()::regnamespace ORDER BY on_table, conname`,
    `SELECT tgrelid::regclass::text AS on_table, tgname, pg_get_triggerdef(oid) AS definition FROM pg_trigger
      WHERE NOT tgisinternal ORDER BY on_table, tgname`,
    `SELECT proname, prosrc FROM pg_proc WHERE pronamespace = current_schema()::regnamespace ORDER BY proname`,
    "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = current_schema() ORDER BY sequence_name",
  ];
  return Promise.all(queries.map((query) => dataSource.query(query)));
}

// The embedded database is restored from a cached dump of a migrated one (api/src/data-access/pglite-template.ts):
// what these check is that nothing a newcomer, a test or `npm start` sees differs from migrating an empty database.
describe("embedded databases made from the migrated template", function () {
  before(function () {
    if (process.env.DATABASE_URL) this.skip();
  });

  it("should have the schema that running every migration on an empty database gives", async function () {
    const dataSource = await createDataSource();
    try {
      const restored = await schemaOf(dataSource);
      expect(await dataSource.query("SELECT name FROM migrations ORDER BY id")).to.deep.equal(
        MIGRATIONS.map((migration) => ({ name: migration.name })),
      );
      for (let undone = 0; undone < MIGRATIONS.length; undone += 1) await dataSource.undoLastMigration();
      expect(await dataSource.query("SELECT count(*)::int AS left FROM migrations")).to.deep.equal([{ left: 0 }]);
      await dataSource.runMigrations();
      expect(await schemaOf(dataSource)).to.deep.equal(restored);
    } finally {
      await dataSource.destroy();
    }
  });

  it("should keep each new database apart from the others made from it", async function () {
    const [first, second] = await Promise.all([createDataSource(), createDataSource()]);
    try {
      await seedConsortium(createRepositories(first.manager));
      expect(await createRepositories(first.manager).organizations.list()).to.have.length(6);
      expect(await createRepositories(second.manager).organizations.list()).to.deep.equal([]);
    } finally {
      await Promise.all([first.destroy(), second.destroy()]);
    }
  });

  it("should open a data directory it made again, with what was written to it", async function () {
    const dataDir = join(await mkdtemp(join(tmpdir(), "cunzheng-template-")), "pglite");
    try {
      const made = await createDataSource({ dataDir });
      await seedConsortium(createRepositories(made.manager));
      await made.destroy();
      const reopened = await createDataSource({ dataDir });
      try {
        expect((await createRepositories(reopened.manager).organizations.list()).map((org) => org.name)).to.include("甲大学党委");
      } finally {
        await reopened.destroy();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
