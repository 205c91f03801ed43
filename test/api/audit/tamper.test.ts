// The tamper suite: an insider with SQL access changes the records table behind the API's back (append-only
// triggers and foreign keys switched off, as a database owner can), and the audit sweep names what happened.
import { expect } from "chai";
import { ethers } from "hardhat";
import { createAuditChainReader } from "../../../api/src/chain";
import { ORG_IDS } from "../../../api/src/data-access/testing";
import { openPersonalData, sealPersonalData } from "../../../api/src/domain/membership/members";
import { runAuditSweep, type AuditReport } from "../../../api/src/domain/audit";
import { recordHash } from "../../../api/src/lib/record-hash";
import { startAnchoredInstance, type AnchoredInstance } from "../../helpers/anchored";
import {
  asInsider,
  bodyOf,
  deleteAsInsider,
  forgedRecord,
  insertForged,
  moveRecord,
  sealed,
  swapRecords,
  threeJourneys,
  type Journey,
} from "../../helpers/insider";

function sweep(instance: AnchoredInstance, deadlineSeconds = 3600): Promise<AuditReport> {
  return runAuditSweep(
    {
      repositories: instance.database.repositories,
      chain: createAuditChainReader(ethers.provider, instance.addresses),
      cipher: instance.institution.cipher,
    },
    { logId: ORG_IDS.committeeA, deadlineSeconds, fromBlock: 0, now: () => new Date() },
  );
}

/** Each finding as "KIND id", the way the assertions name them. */
function named(report: AuditReport): string[] {
  return report.findings.map((finding) => `${finding.kind} ${finding.recordId ?? "-"}`);
}

describe("runAuditSweep", function () {
  let instance: AnchoredInstance;
  let journeys: Journey[];

  beforeEach(async function () {
    instance = await startAnchoredInstance();
  });
  afterEach(async () => instance?.close());

  describe("an untouched institution", function () {
    it("should report a clean log with every record, member and checkpoint counted", async function () {
      journeys = await threeJourneys(instance);

      const report = await sweep(instance);

      expect(report).to.include({ format: "cunzheng.audit-report/1", logId: ORG_IDS.committeeA, chainId: 31337, clean: true });
      // Each anchorAll checkpoints both logs: the administrative log grew with every journey.
      expect(report.totals).to.deep.equal({ records: 43, members: 3, checkpoints: 3, adminCheckpoints: 3, findings: 0 });
      expect(report.findings).to.deep.equal([]);
      expect(report.blockNumber).to.equal(await ethers.provider.getBlockNumber());
    });
  });

  describe("a changed body", function () {
    it("should name a record whose body was altered and sealed again under its old hash", async function () {
      journeys = await threeJourneys(instance);
      const [first] = journeys;
      const id = first.ids[4];
      const record = (await instance.database.repositories.records.get(id))!;
      const body = await bodyOf(instance, id);
      body.fields = { ...body.fields, contacts: [] };

      await asInsider(instance, (sql) =>
        sql("UPDATE records SET body = $2 WHERE id = $1", [id, sealed(instance, record.recordHash, body)]),
      );
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`TAMPERED ${id}`]);
      expect(report.findings[0].detail).to.contain(`but the row's record hash is ${record.recordHash}`);
      expect(report.clean).to.equal(false);
    });

    it("should name a record whose body and hash were both replaced, by its member's chain on the ledger", async function () {
      journeys = await threeJourneys(instance);
      const [, second] = journeys;
      const id = second.ids[3];
      const body = await bodyOf(instance, id);
      body.fields = { ...body.fields, filedWith: "乙大学党委组织部" };
      const hash = recordHash(body);

      await asInsider(instance, (sql) =>
        sql("UPDATE records SET body = $2, record_hash = $3 WHERE id = $1", [id, sealed(instance, hash, body), hash]),
      );
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`TAMPERED ${id}`, "CHECKPOINT_MISMATCH -"]);
      expect(report.findings[0]).to.include({ memberKey: second.memberKey, sequence: 4 });
      expect(report.findings[1].detail).to.contain("positions 27–38");
    });

    it("should name a record whose date was moved in both its column and its body", async function () {
      journeys = await threeJourneys(instance);
      const [first] = journeys;
      const id = first.ids[9];
      const record = (await instance.database.repositories.records.get(id))!;
      const body = { ...(await bodyOf(instance, id)), effectiveDate: "2021-02-01" };

      await asInsider(instance, (sql) =>
        sql("UPDATE records SET body = $2, effective_date = $3 WHERE id = $1", [
          id,
          sealed(instance, record.recordHash, body),
          body.effectiveDate,
        ]),
      );
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`TAMPERED ${id}`]);
    });
  });

  describe("a deleted record", function () {
    it("should name the position of a record deleted from the middle of the log, with its member and sequence", async function () {
      journeys = await threeJourneys(instance);
      const [first] = journeys;
      const id = first.ids[19];

      await deleteAsInsider(instance, id);
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`DELETED ${id}`, "CHECKPOINT_MISMATCH -"]);
      expect(report.findings[0]).to.include({ memberKey: first.memberKey, sequence: 20 });
    });

    it("should name a record deleted from the end of the log", async function () {
      journeys = await threeJourneys(instance);
      const [, , third] = journeys;
      const id = third.ids.at(-1)!;

      await deleteAsInsider(instance, id);
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`DELETED ${id}`, "CHECKPOINT_MISMATCH -"]);
      expect(report.findings[0]).to.include({ memberKey: third.memberKey, sequence: 5 });
    });
  });

  describe("reordered records", function () {
    it("should name both records of two members whose log positions were swapped", async function () {
      journeys = await threeJourneys(instance);
      const [first, second] = journeys;
      const [a, b] = [first.ids[9], second.ids[3]];

      await asInsider(instance, (sql) => swapRecords(sql, a, b));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`REORDERED ${a}`, `REORDERED ${b}`, "CHECKPOINT_MISMATCH -"]);
    });

    it("should name both records of one member whose log positions were swapped", async function () {
      journeys = await threeJourneys(instance);
      const [first] = journeys;
      const [a, b] = [first.ids[4], first.ids[7]];

      await asInsider(instance, (sql) => swapRecords(sql, a, b));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`REORDERED ${a}`, `REORDERED ${b}`, "CHECKPOINT_MISMATCH -"]);
    });
  });

  describe("the two gaps the first sweep left open", function () {
    it("should name a reorder across two members inside a later checkpoint, where neither member's own order breaks", async function () {
      journeys = await threeJourneys(instance);
      const [, second, third] = journeys;
      const [a, b] = [second.ids.at(-1)!, third.ids[0]];

      await asInsider(instance, (sql) => swapRecords(sql, a, b));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`REORDERED ${a}`, `REORDERED ${b}`, "CHECKPOINT_MISMATCH -"]);
      expect(report.findings[2].detail).to.contain("positions 27–38");
    });

    it("should name a swap combined with a deletion by the records' ids, the deleted one with its member and sequence", async function () {
      journeys = await threeJourneys(instance);
      const [first, second] = journeys;
      const [a, b, deleted] = [first.ids[9], second.ids[3], first.ids[15]];

      await asInsider(instance, (sql) => swapRecords(sql, a, b));
      await deleteAsInsider(instance, deleted);
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`REORDERED ${a}`, `DELETED ${deleted}`, `REORDERED ${b}`, "CHECKPOINT_MISMATCH -"]);
      expect(report.findings[1]).to.include({ memberKey: first.memberKey, sequence: 16 });
    });
  });

  describe("inserted records", function () {
    it("should name a forged record appended to a member's chain with no chain write behind it", async function () {
      journeys = await threeJourneys(instance);
      const [, , third] = journeys;
      const forged = await forgedRecord(instance, third, "S6");
      const id = third.ids.at(-1)! + 1;

      await asInsider(instance, (sql) => insertForged(sql, id, forged, sealed(instance, forged.hash, forged.body)));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`INSERTED ${id}`]);
      expect(report.findings[0]).to.include({ memberKey: third.memberKey, sequence: 6, recordHash: forged.hash });
    });

    it("should name a forged record slipped into the middle of the log, later records moved up one position", async function () {
      journeys = await threeJourneys(instance);
      const [first, second, third] = journeys;
      const forged = await forgedRecord(instance, first, "S21");
      const id = second.ids[0];
      const later = [...second.ids, ...third.ids].reverse();

      await asInsider(instance, async (sql) => {
        for (const laterId of later) await moveRecord(sql, laterId, laterId + 1);
        await insertForged(sql, id, forged, sealed(instance, forged.hash, forged.body));
      });
      const report = await sweep(instance);

      // The forged S21 follows the member's conversion (S25): replayed, the rules refuse it too.
      expect(named(report)).to.deep.equal([`INSERTED ${id}`, `HARD_RULE_BROKEN ${id}`, "CHECKPOINT_MISMATCH -"]);
      expect(report.findings[0]).to.include({ memberKey: first.memberKey, sequence: 26 + 1 });
      expect(report.findings[1].detail).to.contain("S21.stage");
      expect(report.findings[2].detail).to.contain("positions 27–38");
    });
  });

  describe("people on file twice", function () {
    it("should name a person's later active member, entered before the database refused a second one", async function () {
      const [first, later] = [await instance.walk("S2"), await instance.walk("S2")];
      await instance.anchorAll();
      const { members } = instance.database.repositories;
      const [earliest, duplicate] = [(await members.get(first))!, (await members.get(later))!];
      // The same person entered twice, as the unique index now refuses: the later member holds the earliest's
      // personal data, and the migration marked it a duplicate, outside the index.
      const person = openPersonalData(instance.institution, earliest);
      const sealedAgain = sealPersonalData(instance.institution, duplicate.memberKey, duplicate.orgId, person);
      await asInsider(instance, (sql) =>
        sql("UPDATE members SET personal_data = $2, id_number_index = $3, duplicate_of = $4 WHERE id = $1", [
          later,
          sealedAgain.personalData,
          sealedAgain.idNumberIndex,
          first,
        ]),
      );

      const report = await sweep(instance);

      expect(named(report)).to.deep.equal(["DUPLICATE_MEMBER -"]);
      expect(report.findings[0]).to.include({ memberKey: duplicate.memberKey });
      expect(report.findings[0].detail).to.contain(earliest.memberKey);
    });
  });

  describe("anchoring deadlines", function () {
    it("should name every record not anchored within the deadline", async function () {
      const memberId = await instance.walk("S5");
      const ids = (await instance.database.repositories.records.listByMember(memberId)).map((record) => record.id);

      const report = await sweep(instance, 0);

      expect(named(report)).to.deep.equal(ids.map((id) => `UNANCHORED ${id}`));
      expect(report.findings[0].detail).to.contain("still PENDING");
    });

    it("should leave records still within the deadline alone, and name a write the chain refused", async function () {
      const memberId = await instance.walk("S5");
      const [refused] = await instance.database.repositories.records.listByMember(memberId);
      const item = (await instance.database.repositories.outbox.listPending(100)).find((pending) => pending.recordId === refused.id)!;
      await instance.database.repositories.outbox.markFailed(item.id, {
        name: "MembershipLedgerMemberExists",
        args: [refused.recordHash],
        message: "the chain refused register: MembershipLedgerMemberExists(memberKey=…)",
      });

      const report = await sweep(instance, 3600);

      expect(named(report)).to.deep.equal([`UNANCHORED ${refused.id}`]);
      expect(report.findings[0].detail).to.contain("MembershipLedgerMemberExists");
    });
  });
});
