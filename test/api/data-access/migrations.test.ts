import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ActivePersonExistsError, createDataSource, createRepositories } from "../../../api/src/data-access";
import { ACTIVE_PERSON_INDEX } from "../../../api/src/data-access/errors";
import { openScratchDatabase, ORG_IDS, randomHex32, seedConsortium, type ScratchDatabase } from "../../../api/src/data-access/testing";

const FIRST_TABLES = ["accounts", "audit_log", "evidence", "findings", "members", "organizations", "records", "transfers"];
const ANCHORING_TABLES = ["chain_transactions", "checkpoints", "outbox"];
const FEDERATION_TABLES = ["chain_cursor", "chain_events", "chain_roles", "incoming_files", "record_imports"];
const FEDERATED_TABLES = [...FIRST_TABLES, ...ANCHORING_TABLES, ...FEDERATION_TABLES];
const ACCOUNT_TABLES = [...FEDERATED_TABLES, "write_receipts", "evidence_holders", "request_nonces", "sessions"].sort();
const CHECKPOINTED_TABLES = [...ACCOUNT_TABLES, "admin_log_checkpoints"].sort();
const TABLES = [...CHECKPOINTED_TABLES, "personal_data_history"].sort();

const UNIQUE_ACTIVE_PERSON = "UniqueActivePerson1764820000000";

async function indexesOf(database: ScratchDatabase, table: string): Promise<string[]> {
  const rows: { indexname: string }[] = await database.dataSource.query(
    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1",
    [table],
  );
  return rows.map((row) => row.indexname);
}

async function appliedMigrations(database: ScratchDatabase): Promise<string[]> {
  const rows: { name: string }[] = await database.dataSource.query("SELECT name FROM migrations");
  return rows.map((row) => row.name);
}

async function tablesOf(database: ScratchDatabase): Promise<string[]> {
  const rows: { table_name: string }[] = await database.dataSource.query(
    `SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name <> 'migrations' ORDER BY table_name`,
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
      expect(await tablesOf(database), "LogPositionPerTransaction changes the log-position trigger's function only").to.deep.equal(TABLES);
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database), "PersonalDataHistory adds its table").to.deep.equal(CHECKPOINTED_TABLES);
      expect(await indexesOf(database, "members")).to.include.members(["members_name_tokens", "members_staff_number_index"]);
      await database.dataSource.undoLastMigration();
      expect(await indexesOf(database, "members"), "MemberSearchTokens adds the indexes of the search tokens").to.not.include.members([
        "members_name_tokens",
      ]);
      expect(await tablesOf(database), "MemberSearchTokens adds columns").to.deep.equal(CHECKPOINTED_TABLES);
      expect(await indexesOf(database, "members")).to.include("members_active_due");
      await database.dataSource.undoLastMigration();
      expect(await indexesOf(database, "members"), "MemberNextDue adds the index of the active members' next due").to.not.include(
        "members_active_due",
      );
      expect(await tablesOf(database), "MemberNextDue adds columns").to.deep.equal(CHECKPOINTED_TABLES);
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database), "ClosedOrganizations adds a column").to.deep.equal(CHECKPOINTED_TABLES);
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database), "AdminLogCheckpoints adds its table").to.deep.equal(ACCOUNT_TABLES);
      // The audit log's hash chain and the letter numbers add columns, not tables.
      for (let columnsOnly = 0; columnsOnly < 2; columnsOnly += 1) {
        await database.dataSource.undoLastMigration();
        expect(await tablesOf(database)).to.deep.equal(ACCOUNT_TABLES);
      }
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database), "AccountsAndSessions adds the sessions table").to.deep.equal(
        ACCOUNT_TABLES.filter((table) => table !== "sessions"),
      );
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database)).to.deep.equal([...FEDERATED_TABLES, "write_receipts", "evidence_holders"].sort());
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database)).to.deep.equal([...FEDERATED_TABLES, "write_receipts"].sort());
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database)).to.deep.equal([...FEDERATED_TABLES].sort());
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database), "AcceptingTransfers adds columns").to.deep.equal([...FEDERATED_TABLES].sort());
      await database.dataSource.undoLastMigration();
      expect(await indexesOf(database, "members")).to.not.include(ACTIVE_PERSON_INDEX);
      expect(await tablesOf(database)).to.deep.equal([...FEDERATED_TABLES].sort());
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database)).to.deep.equal([...FIRST_TABLES, ...ANCHORING_TABLES].sort());
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database)).to.deep.equal(FIRST_TABLES);
      await database.dataSource.undoLastMigration();
      expect(await tablesOf(database)).to.deep.equal([]);
      await database.dataSource.runMigrations();
      expect(await tablesOf(database)).to.deep.equal(TABLES);
      expect(await indexesOf(database, "members")).to.include(ACTIVE_PERSON_INDEX);
      expect(await indexesOf(database, "members")).to.include("members_active_due");
      expect(await indexesOf(database, "members")).to.include("members_name_tokens");
    });
  });

  describe("one active member per person, on a database that already holds a person twice", function () {
    let database: ScratchDatabase;
    let people: { twice: string[]; once: string; departed: string[] };
    before(async function () {
      database = await openScratchDatabase(process.env.DATABASE_URL);
      await seedConsortium(database.repositories);
      while ((await appliedMigrations(database)).includes(UNIQUE_ACTIVE_PERSON)) await database.dataSource.undoLastMigration();
      const member = async (idNumberIndex: string) =>
        (
          await database.repositories.members.create({
            memberKey: randomHex32(),
            orgId: ORG_IDS.branchA,
            stage: "APPLICANT",
            personalData: new Uint8Array([1]),
            idNumberIndex,
          })
        ).id;
      // Created one after the other, so that the first is the earliest.
      const twice = [await member("person-a"), await member("person-a"), await member("person-a")];
      const departed = [await member("person-b"), await member("person-b")];
      await database.repositories.members.update(departed[0], { status: "TRANSFERRED_OUT" });
      people = { twice, once: await member("person-c"), departed };
      await database.dataSource.runMigrations();
    });
    after(async function () {
      await database.close();
    });

    it("should migrate, leaving the later duplicates out of the index and marked as duplicates of the earliest", async function () {
      expect(await appliedMigrations(database)).to.include(UNIQUE_ACTIVE_PERSON);
      const rows: { id: string; duplicate_of: string | null }[] = await database.dataSource.query("SELECT id, duplicate_of FROM members");
      const duplicateOf = new Map(rows.map((row) => [row.id, row.duplicate_of]));
      expect(people.twice.map((id) => duplicateOf.get(id))).to.deep.equal([null, people.twice[0], people.twice[0]]);
      expect([people.once, ...people.departed].map((id) => duplicateOf.get(id))).to.deep.equal([null, null, null]);
    });

    it("should from then on refuse another active member of a person, whether entered or reactivated", async function () {
      const { members } = database.repositories;
      const enter = (idNumberIndex: string) =>
        members.create({
          memberKey: randomHex32(),
          orgId: ORG_IDS.branchA,
          stage: "APPLICANT",
          personalData: new Uint8Array([1]),
          idNumberIndex,
        });
      for (const person of ["person-a", "person-b", "person-c"]) {
        await expect(enter(person), person).to.be.rejectedWith(ActivePersonExistsError);
      }
      await expect(members.update(people.departed[0], { status: "ACTIVE" })).to.be.rejectedWith(ActivePersonExistsError);
      expect((await enter("person-d")).status).to.equal("ACTIVE");
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
