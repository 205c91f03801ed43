import { expect } from "chai";
import { QueryFailedError } from "typeorm";
import {
  DuplicateError,
  RecordSequenceConflictError,
  UnknownMemberError,
  withTransaction,
  type Account,
  type Member,
  type NewRecord,
  type StoredRecord,
} from "../../../api/src/data-access";
import {
  createClerk,
  openScratchDatabase,
  ORG_IDS,
  randomHex32,
  rejectionOf,
  seedConsortium,
  type ScratchDatabase,
} from "../../../api/src/data-access/testing";

describe("RecordsRepository", function () {
  let database: ScratchDatabase;
  let clerk: Account;

  before(async function () {
    database = await openScratchDatabase(process.env.DATABASE_URL);
    await seedConsortium(database.repositories);
    clerk = await createClerk(database.repositories, ORG_IDS.branchA);
  });
  after(async function () {
    await database.close();
  });

  async function newMember(): Promise<Member> {
    return database.repositories.members.create({
      memberKey: randomHex32(),
      orgId: ORG_IDS.branchA,
      stage: "APPLICANT",
      personalData: Buffer.from("ciphertext"),
      idNumberIndex: null,
    });
  }

  /** The next record of the member's chain, as the domain would build it. */
  function nextRecord(member: Member, previous: StoredRecord | null, overrides: Partial<NewRecord> = {}): NewRecord {
    return {
      memberId: member.id,
      sequence: (previous?.sequence ?? 0) + 1,
      step: `S${(previous?.sequence ?? 0) + 1}`,
      ruleVersion: "2014",
      recordHash: randomHex32(),
      prevHash: previous?.recordHash ?? null,
      effectiveDate: "2024-02-29",
      body: Buffer.from([0, 1, 2, 255]),
      supersedesRecordId: null,
      reasonCode: null,
      createdBy: clerk.id,
      ...overrides,
    };
  }

  describe("append", function () {
    it("should store the record as given and return it as a plain object", async function () {
      const member = await newMember();
      const input = nextRecord(member, null);
      const stored = await database.repositories.records.append(input);

      expect(Object.getPrototypeOf(stored)).to.equal(Object.prototype);
      expect(stored).to.include({
        memberId: member.id,
        sequence: 1,
        step: "S1",
        ruleVersion: "2014",
        recordHash: input.recordHash,
        prevHash: null,
        effectiveDate: "2024-02-29",
        supersedesRecordId: null,
        reasonCode: null,
        createdBy: clerk.id,
      });
      expect(stored.id).to.be.a("number");
      expect(stored.createdAt).to.be.instanceOf(Date);
      expect(Buffer.from(stored.body).equals(Buffer.from([0, 1, 2, 255]))).to.equal(true);
      expect(await database.repositories.records.get(stored.id)).to.deep.equal(stored);
      expect(await database.repositories.records.getByHash(input.recordHash)).to.deep.equal(stored);
    });

    it("should chain records: list them in sequence order and report the latest", async function () {
      const member = await newMember();
      const first = await database.repositories.records.append(nextRecord(member, null));
      const second = await database.repositories.records.append(nextRecord(member, first));
      const third = await database.repositories.records.append(nextRecord(member, second));

      const chain = await database.repositories.records.listByMember(member.id);
      expect(chain.map((record) => record.sequence)).to.deep.equal([1, 2, 3]);
      expect(chain.map((record) => record.prevHash)).to.deep.equal([null, first.recordHash, second.recordHash]);
      expect(await database.repositories.records.latestOfMember(member.id)).to.deep.equal(third);
      expect(await database.repositories.records.latestOfMember((await newMember()).id)).to.equal(null);
    });

    it("should refuse a sequence that skips or repeats a position", async function () {
      const member = await newMember();
      const first = await database.repositories.records.append(nextRecord(member, null));

      const skipping = await rejectionOf(database.repositories.records.append(nextRecord(member, first, { sequence: 3 })));
      expect(skipping).to.be.instanceOf(RecordSequenceConflictError);
      expect((skipping as RecordSequenceConflictError).expected).to.deep.equal({
        sequence: 2,
        prevHash: first.recordHash,
      });

      const repeating = await rejectionOf(database.repositories.records.append(nextRecord(member, null)));
      expect(repeating).to.be.instanceOf(RecordSequenceConflictError);
      expect(await database.repositories.records.listByMember(member.id)).to.have.length(1);
    });

    it("should refuse a prevHash that is not the hash of the member's latest record", async function () {
      const member = await newMember();
      const first = await database.repositories.records.append(nextRecord(member, null));
      const error = await rejectionOf(database.repositories.records.append(nextRecord(member, first, { prevHash: randomHex32() })));
      expect(error).to.be.instanceOf(RecordSequenceConflictError);
    });

    it("should let only one of two concurrent appends at the same sequence succeed", async function () {
      const member = await newMember();
      const outcomes = await Promise.allSettled([
        database.repositories.records.append(nextRecord(member, null)),
        database.repositories.records.append(nextRecord(member, null)),
      ]);

      const fulfilled = outcomes.filter((outcome) => outcome.status === "fulfilled");
      const rejected = outcomes.filter((outcome) => outcome.status === "rejected");
      expect(fulfilled).to.have.length(1);
      expect(rejected).to.have.length(1);
      expect(rejected[0].reason).to.be.instanceOf(RecordSequenceConflictError);
      expect(await database.repositories.records.listByMember(member.id)).to.have.length(1);
    });

    it("should refuse a record hash that is already stored", async function () {
      const member = await newMember();
      const first = await database.repositories.records.append(nextRecord(member, null));
      const error = await rejectionOf(database.repositories.records.append(nextRecord(member, first, { recordHash: first.recordHash })));
      expect(error).to.be.instanceOf(DuplicateError);
      expect((error as DuplicateError).constraint).to.equal("records_record_hash_unique");
    });

    it("should refuse a record of an unknown member", async function () {
      const member = await newMember();
      const error = await rejectionOf(
        database.repositories.records.append({
          ...nextRecord(member, null),
          memberId: "00000000-0000-4000-8000-000000000000",
        }),
      );
      expect(error).to.be.instanceOf(UnknownMemberError);
    });

    it("should store a correction as a new record that supersedes the old one with a reason", async function () {
      const member = await newMember();
      const original = await database.repositories.records.append(nextRecord(member, null));
      const correction = await database.repositories.records.append(
        nextRecord(member, original, { step: "S1", supersedesRecordId: original.id, reasonCode: "CORRECTION_TYPO" }),
      );

      expect(correction).to.include({ sequence: 2, supersedesRecordId: original.id, reasonCode: "CORRECTION_TYPO" });
      expect(await database.repositories.records.get(original.id)).to.deep.equal(original);
    });
  });

  describe("log", function () {
    it("should number records 1, 2, 3… in append order, without a gap after a rolled-back append", async function () {
      const member = await newMember();
      const sizeBefore = await database.repositories.records.logSize();
      const first = await database.repositories.records.append(nextRecord(member, null));

      const rollback = new Error("abort after the insert");
      const aborted = await rejectionOf(
        withTransaction(database.dataSource, async (repositories) => {
          await repositories.records.append(nextRecord(member, first));
          throw rollback;
        }),
      );
      expect(aborted).to.equal(rollback);

      const second = await database.repositories.records.append(nextRecord(member, first));
      expect([first.id, second.id]).to.deep.equal([sizeBefore + 1, sizeBefore + 2]);
      expect(await database.repositories.records.logSize()).to.equal(sizeBefore + 2);

      const log = await database.repositories.records.listForLog(0, 1000);
      expect(log.map((record) => record.id)).to.deep.equal(Array.from({ length: sizeBefore + 2 }, (_, index) => index + 1));
      const tail = await database.repositories.records.listForLog(sizeBefore, 1);
      expect(tail).to.deep.equal([first]);
    });

    it("should number the records of one transaction on from the log's end, with no gap after a rolled-back savepoint or a stale setting", async function () {
      const sizeBefore = await database.repositories.records.logSize();
      const [a, b, c] = [await newMember(), await newMember(), await newMember()];
      // The trigger keeps the next position for the rest of its transaction; a session-wide value of the same
      // setting (left by anyone) is not the transaction's and must not be taken.
      await database.dataSource.query("SELECT set_config('cunzheng.records_next_position', '1:999', false)");
      const ids = await withTransaction(database.dataSource, async (repositories, manager) => {
        const first = await repositories.records.append(nextRecord(a, null));
        await manager.query("SAVEPOINT before_b");
        await repositories.records.append(nextRecord(b, null));
        await manager.query("ROLLBACK TO SAVEPOINT before_b");
        const second = await repositories.records.append(nextRecord(c, null));
        const third = await repositories.records.append(nextRecord(a, first));
        return [first.id, second.id, third.id];
      });
      expect(ids).to.deep.equal([sizeBefore + 1, sizeBefore + 2, sizeBefore + 3]);
      const next = await database.repositories.records.append(nextRecord(b, null));
      expect(next.id).to.equal(sizeBefore + 4);
      expect(await database.repositories.records.logSize()).to.equal(sizeBefore + 4);
    });
  });

  describe("append-only", function () {
    async function storedRecord(): Promise<StoredRecord> {
      return database.repositories.records.append(nextRecord(await newMember(), null));
    }

    it("should refuse UPDATE of a record", async function () {
      const record = await storedRecord();
      const error = await rejectionOf(database.dataSource.query("UPDATE records SET step = 'S2' WHERE id = $1", [record.id]));
      expect(error).to.be.instanceOf(QueryFailedError);
      expect(error.message).to.equal("records are append-only (UPDATE refused)");
      expect(await database.repositories.records.get(record.id)).to.deep.equal(record);
    });

    it("should refuse DELETE of a record", async function () {
      const record = await storedRecord();
      const error = await rejectionOf(database.dataSource.query("DELETE FROM records WHERE id = $1", [record.id]));
      expect(error.message).to.equal("records are append-only (DELETE refused)");
      expect(await database.repositories.records.get(record.id)).to.deep.equal(record);
    });

    it("should refuse TRUNCATE of the records", async function () {
      const record = await storedRecord();
      const error = await rejectionOf(database.dataSource.query("TRUNCATE records CASCADE"));
      expect(error.message).to.equal("records are append-only (TRUNCATE refused)");
      expect(await database.repositories.records.get(record.id)).to.deep.equal(record);
    });

    it("should refuse UPDATE and DELETE of findings and of the audit log", async function () {
      const record = await storedRecord();
      await database.repositories.findings.add(record.id, [{ rule: "S2_WITHIN_1_MONTH", message: "late talk" }]);
      await database.repositories.auditLog.append({
        accountId: clerk.id,
        orgId: ORG_IDS.branchA,
        action: "RECORD_APPENDED",
      });

      const refusals = [
        ["UPDATE findings SET message = 'edited'", "findings are append-only (UPDATE refused)"],
        ["DELETE FROM findings", "findings are append-only (DELETE refused)"],
        ["UPDATE audit_log SET action = 'edited'", "audit_log is append-only (UPDATE refused)"],
        ["DELETE FROM audit_log", "audit_log is append-only (DELETE refused)"],
      ];
      for (const [sql, message] of refusals) {
        expect((await rejectionOf(database.dataSource.query(sql))).message).to.equal(message);
      }
    });
  });
});
