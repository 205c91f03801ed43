// The issue's insider suite beyond the record log: an insider with SQL access changes members, transfers, findings,
// evidence and record columns behind the API's back (triggers off, as a database owner can), and the audit sweep names
// each change by its kind and row; where the change would widen access, the other university sees nothing.
import { expect } from "chai";
import { randomUUID } from "node:crypto";
import { ethers } from "hardhat";
import { createAuditChainReader } from "../../../api/src/chain";
import { createClerk, ORG_IDS } from "../../../api/src/data-access/testing";
import { accountState } from "../../../api/src/domain/accounts";
import { adminLogIdOf } from "../../../api/src/chain";
import { runAuditSweep, type AuditReport } from "../../../api/src/domain/audit";
import { downloadEvidence, uploadEvidence } from "../../../api/src/domain/membership/evidence";
import type { Actor } from "../../../api/src/domain/institution";
import { getDashboard } from "../../../api/src/domain/dashboard";
import { getMemberFile, listMembers } from "../../../api/src/domain/membership/members";
import { recordStep } from "../../../api/src/domain/membership/records";
import { issueTransfer } from "../../../api/src/domain/transfers";
import { randomPerson, startAnchoredInstance, type AnchoredInstance } from "../../helpers/anchored";
import { asInsider, rewriteAdminLog } from "../../helpers/insider";
import { rejectionOf } from "../../../api/src/data-access/testing";
import { walkMember } from "../../../api/src/seed/walk";

function sweep(instance: AnchoredInstance): Promise<AuditReport> {
  return runAuditSweep(
    {
      repositories: instance.database.repositories,
      chain: createAuditChainReader(ethers.provider, instance.addresses),
      cipher: instance.institution.cipher,
    },
    { logId: ORG_IDS.committeeA, deadlineSeconds: 3600, fromBlock: 0, now: () => new Date() },
  );
}

/** Each finding as "KIND row": a record id, or the subject's type and id. */
function named(report: AuditReport): string[] {
  return report.findings.map(
    (finding) => `${finding.kind} ${finding.recordId ?? (finding.subject ? `${finding.subject.type}:${finding.subject.id}` : "-")}`,
  );
}

const PDF = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.from("入党申请书扫描件")]);

describe("runAuditSweep, insider changes beyond the record log", function () {
  let instance: AnchoredInstance;
  let memberId: string;
  let memberKey: string;

  beforeEach(async function () {
    instance = await startAnchoredInstance();
    memberId = await instance.walk("S18");
    await instance.anchorAll();
    memberKey = (await instance.database.repositories.members.get(memberId))!.memberKey;
  });
  afterEach(async () => instance?.close());

  it("should find an untouched instance clean, members, transfers, findings and files included", async function () {
    const { clerk, approver } = instance.actors;
    await uploadEvidence(instance.institution, clerk, "application/pdf", PDF);
    await issueTransfer(instance.institution, approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 });
    await instance.anchorAll();

    const report = await sweep(instance);

    expect(named(report)).to.deep.equal([]);
  });

  describe("members", function () {
    it("should name a member moved to the other university, whose staff then see nothing of it", async function () {
      const person = randomPerson();
      const [enrolled] = await walkMember(instance.institution, instance.actors.clerk, instance.actors.approver, {
        orgId: ORG_IDS.branchA,
        personal: person,
        upTo: "S2",
      });
      await instance.anchorAll();
      const clerkB = await createClerk(instance.database.repositories, ORG_IDS.branchB);
      const staffB: Actor = { accountId: clerkB.id, orgId: ORG_IDS.branchB, role: "CLERK", canReadPersonalData: true };

      await asInsider(instance, (sql) => sql("UPDATE members SET org_id = $2 WHERE id = $1", [enrolled.memberId, ORG_IDS.branchB]));
      const report = await sweep(instance);

      const subject = `member:${enrolled.memberId}`;
      expect(named(report)).to.deep.equal([`MEMBER_MISMATCH ${subject}`, `PERSONAL_DATA_UNREADABLE ${subject}`]);
      expect(report.findings[0].detail).to.contain(`the row names organization ${ORG_IDS.branchB}, the ledger ${ORG_IDS.branchA}`);
      const listed = await listMembers(instance.institution, staffB, { orgId: ORG_IDS.branchB });
      expect(listed.items.map((item) => item.id)).to.not.include(enrolled.memberId);
      expect((await listMembers(instance.institution, staffB, { idNumber: person.idNumber })).items).to.deep.equal([]);
      const refused = await rejectionOf(getMemberFile(instance.institution, staffB, enrolled.memberId));
      expect(refused).to.include({ status: 404 });
      expect(JSON.stringify(listed)).to.not.contain(person.name);
    });

    it("should name a member row slipped in with no counterpart on chain, whose copied data the other university never sees", async function () {
      const slipped = randomUUID();
      const clerkB = await createClerk(instance.database.repositories, ORG_IDS.branchB);
      const staffB: Actor = { accountId: clerkB.id, orgId: ORG_IDS.branchB, role: "CLERK", canReadPersonalData: true };

      await asInsider(instance, (sql) =>
        sql(
          `INSERT INTO members (id, member_key, org_id, stage, personal_data)
           SELECT $1, $2, $3, 'FULL', personal_data FROM members WHERE id = $4`,
          [slipped, ethers.hexlify(ethers.randomBytes(32)), ORG_IDS.branchB, memberId],
        ),
      );
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`FOREIGN_MEMBER member:${slipped}`, `PERSONAL_DATA_UNREADABLE member:${slipped}`]);
      expect(report.findings[0].detail).to.contain("the row has no counterpart on chain");
      const listed = await listMembers(instance.institution, staffB, { orgId: ORG_IDS.branchB });
      expect(listed.items.map((item) => item.id)).to.not.include(slipped);
      expect(await rejectionOf(getMemberFile(instance.institution, staffB, slipped))).to.include({ status: 404 });
    });

    it("should name another university's member and every record of it, held in this instance's tables", async function () {
      // The worker's key is also committee B's attester, so this instance can write B's member to the chain as B would.
      const clerkB = await createClerk(instance.database.repositories, ORG_IDS.branchB);
      const approverB = await instance.database.repositories.accounts.create({
        username: `approver-b-${randomUUID()}`,
        passwordHash: "$argon2id$test-only",
        role: "APPROVER",
        orgId: ORG_IDS.committeeB,
      });
      const staffOf = (account: { id: string }, orgId: number, role: Actor["role"]): Actor => ({
        accountId: account.id,
        orgId,
        role,
        canReadPersonalData: true,
      });
      const [other] = await walkMember(
        instance.institution,
        staffOf(clerkB, ORG_IDS.branchB, "CLERK"),
        staffOf(approverB, ORG_IDS.committeeB, "APPROVER"),
        {
          orgId: ORG_IDS.branchB,
          personal: randomPerson(),
          upTo: "S2",
        },
      );
      await instance.anchorAll();
      const records = await instance.database.repositories.records.listByMember(other.memberId);

      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([
        ...records.map((record) => `FOREIGN_RECORD ${record.id}`),
        `FOREIGN_MEMBER member:${other.memberId}`,
      ]);
      expect(report.findings.at(-1)!.detail).to.contain(
        `not under this instance's committee ${ORG_IDS.committeeA}: another university's member`,
      );
    });

    it("should name a member whose stage was raised in its row", async function () {
      await asInsider(instance, (sql) => sql("UPDATE members SET stage = 'FULL' WHERE id = $1", [memberId]));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`MEMBER_MISMATCH member:${memberId}`]);
      expect(report.findings[0]).to.include({ memberKey });
      expect(report.findings[0].detail).to.contain("the row says stage FULL, the ledger PROBATIONARY");
    });

    it("should name a member whose stored next due was pushed back to hide it from the overdue, whose list entry stays right", async function () {
      const { approver } = instance.actors;
      await getDashboard(instance.institution, approver);
      const [before] = (await listMembers(instance.institution, approver, { orgId: ORG_IDS.branchA })).items.filter(
        (item) => item.id === memberId,
      );
      expect(before.nextDue).to.not.equal(null);
      expect(named(await sweep(instance)), "a next due the service derived is sound").to.deep.equal([]);

      await asInsider(instance, (sql) => sql("UPDATE members SET next_due_on = '2999-12-31' WHERE id = $1", [memberId]));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`MEMBER_MISMATCH member:${memberId}`]);
      expect(report.findings[0].detail).to.contain("(2999-12-31) is not the one the service sealed for its last record");
      const [after] = (await listMembers(instance.institution, approver, { orgId: ORG_IDS.branchA })).items.filter(
        (item) => item.id === memberId,
      );
      expect(after.nextDue).to.deep.equal(before.nextDue);
    });

    it("should name a departure no accepted transfer backs, set to hide a deleted record", async function () {
      const records = await instance.database.repositories.records.listByMember(memberId);
      const last = records.at(-1)!;

      await asInsider(instance, async (sql) => {
        await sql("UPDATE members SET departed_record_count = $2 WHERE id = $1", [memberId, records.length - 1]);
        await sql("DELETE FROM outbox WHERE record_id = $1", [last.id]);
        await sql("DELETE FROM records WHERE id = $1", [last.id]);
      });
      const report = await sweep(instance);

      expect(named(report)).to.include(`MEMBER_MISMATCH member:${memberId}`);
      expect(named(report)).to.include(`DELETED ${last.id}`);
      const departure = report.findings.find((finding) => finding.kind === "MEMBER_MISMATCH")!;
      expect(departure.detail).to.contain("the ledger holds no accepted membership transfer of it");
    });
  });

  describe("transfers", function () {
    let transferId: string;
    beforeEach(async function () {
      transferId = (
        await issueTransfer(instance.institution, instance.actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 })
      ).id;
      await instance.anchorAll();
    });

    it("should name a transfer whose state was edited", async function () {
      await asInsider(instance, (sql) => sql("UPDATE transfers SET state = 'CANCELLED' WHERE id = $1", [transferId]));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`TRANSFER_MISMATCH transfer:${transferId}`]);
      expect(report.findings[0].detail).to.contain("the row's state is CANCELLED, the ledger's ISSUED");
    });

    it("should name a transfer whose destination was edited", async function () {
      await asInsider(instance, (sql) => sql("UPDATE transfers SET to_org_id = $2 WHERE id = $1", [transferId, ORG_IDS.committeeB]));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`TRANSFER_MISMATCH transfer:${transferId}`]);
      expect(report.findings[0].detail).to.contain(`destination organization is ${ORG_IDS.committeeB}, the ledger's ${ORG_IDS.branchB}`);
    });
  });

  describe("findings", function () {
    it("should name a record whose soft-rule finding was deleted, and one given a finding it never had", async function () {
      const { clerk, approver } = instance.actors;
      const [enrolled] = await walkMember(instance.institution, clerk, approver, {
        orgId: ORG_IDS.branchA,
        personal: randomPerson(),
        upTo: "S1",
      });
      const late = await recordStep(instance.institution, clerk, enrolled.memberId, {
        step: "S2",
        effectiveDate: "2019-11-20",
        fields: { interviewer: "李老师", summary: "动机端正" },
        evidence: [],
      });
      expect(late.findings).to.have.length(1);
      await instance.anchorAll();
      const [first] = await instance.database.repositories.records.listByMember(memberId);

      await asInsider(instance, async (sql) => {
        await sql("DELETE FROM findings WHERE record_id = $1", [late.record.id]);
        await sql("INSERT INTO findings (record_id, rule, message) VALUES ($1, 'S2.withinOneMonth', '谈话逾期')", [first.id]);
      });
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`FINDINGS_MISMATCH ${first.id}`, `FINDINGS_MISMATCH ${late.record.id}`]);
    });
  });

  describe("evidence", function () {
    it("should name a file whose stored bytes were flipped, and refuse to serve it with a clear error", async function () {
      const { clerk } = instance.actors;
      const { sha256 } = await uploadEvidence(instance.institution, clerk, "application/pdf", PDF);
      const stored = (await instance.database.repositories.evidence.get(sha256))!;
      const flipped = Buffer.from(stored.content);
      flipped[flipped.length - 5] ^= 0x01;

      await asInsider(instance, (sql) => sql("UPDATE evidence SET content = $2 WHERE sha256 = $1", [sha256, flipped]));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`EVIDENCE_TAMPERED evidence:${stored.id}`]);
      const refused = await rejectionOf(downloadEvidence(instance.institution, clerk, sha256));
      expect(refused).to.include({ status: 409 });
      expect(refused.message).to.contain("altered in storage");
    });
  });

  describe("administrative log", function () {
    it("should name an entry whose details were edited and the entry after one deleted from the middle", async function () {
      const entries = await instance.database.repositories.auditLog.chain();
      const [edited, deleted, following] = [entries[2], entries[5], entries[6]];
      expect(entries.every((entry) => entry.entryHash !== null)).to.equal(true);

      await asInsider(instance, async (sql) => {
        await sql(`UPDATE audit_log SET details = jsonb_set(details, '{step}', '"S9"') WHERE id = $1`, [edited.id]);
        await sql("DELETE FROM audit_log WHERE id = $1", [deleted.id]);
      });
      const report = await sweep(instance);

      const [checkpoint] = await instance.consortium.checkpoints.queryFilter(
        instance.consortium.checkpoints.filters.CheckpointRecorded(adminLogIdOf(ORG_IDS.committeeA)),
      );
      // The deletion also leaves the log one entry shorter than its checkpoint on chain.
      expect(named(report)).to.deep.equal([
        `ADMIN_LOG_BROKEN auditEntry:${edited.id}`,
        `ADMIN_LOG_BROKEN auditEntry:${following.id}`,
        `ADMIN_LOG_CHECKPOINT_MISMATCH checkpoint:${checkpoint.transactionHash}`,
      ]);
      expect(report.findings[0].detail).to.contain("it was edited");
      expect(report.findings[1].detail).to.contain("an entry was removed or slipped in");
    });

    it("should checkpoint the log's head on chain under the committee's administrative log id", async function () {
      const entries = await instance.database.repositories.auditLog.chain();
      const onChain = await instance.consortium.checkpoints.latestCheckpoint(adminLogIdOf(ORG_IDS.committeeA));

      expect(onChain.treeSize).to.equal(BigInt(entries.length));
      expect(onChain.root).to.equal(entries.at(-1)!.entryHash);
      const report = await sweep(instance);
      expect(report.totals.adminCheckpoints).to.equal(1);
      expect(named(report)).to.deep.equal([]);
    });

    it("should name a log rewritten with every later hash recomputed, which re-hashing alone cannot see", async function () {
      const entries = await instance.database.repositories.auditLog.chain();
      const head = entries.at(-1)!;

      await rewriteAdminLog(instance, entries, 2, { ...entries[2].details, step: "S9" });
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`ADMIN_LOG_CHECKPOINT_MISMATCH auditEntry:${head.id}`]);
      expect(report.findings[0].detail).to.contain(`first ${entries.length} entries`).and.to.contain("rewritten, removed or slipped in");
    });

    it("should name a log cut short below its checkpoint, by the checkpoint's transaction", async function () {
      const entries = await instance.database.repositories.auditLog.chain();
      const [checkpoint] = await instance.consortium.checkpoints.queryFilter(
        instance.consortium.checkpoints.filters.CheckpointRecorded(adminLogIdOf(ORG_IDS.committeeA)),
      );

      await asInsider(instance, (sql) => sql("DELETE FROM audit_log WHERE id >= $1", [entries.at(-3)!.id]));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`ADMIN_LOG_CHECKPOINT_MISMATCH checkpoint:${checkpoint.transactionHash}`]);
      expect(report.findings[0].detail).to.contain(
        `the log holds ${entries.length - 3} hash-chained entries: entries were removed from its end`,
      );
    });

    it("should rebuild the accounts from their log entries and name an inserted admin, a promotion, a swapped password hash and a new grant", async function () {
      const { repositories } = instance.database;
      const { clerk, approver, auditor } = instance.actors;
      // The accounts as the one account-changing function logs them: their whole state, the password hash as a digest.
      for (const { accountId } of [clerk, approver, auditor]) {
        const account = (await repositories.accounts.get(accountId))!;
        await repositories.auditLog.append({
          accountId: null,
          orgId: account.orgId,
          action: "account.created",
          targetType: "account",
          targetId: account.id,
          details: { ...accountState(account) },
        });
      }
      const inserted = randomUUID();

      await asInsider(instance, async (sql) => {
        await sql(
          `INSERT INTO accounts (id, username, password_hash, role, org_id, can_read_personal_data) VALUES ($1, 'root', '$argon2id$forged', 'ORG_ADMIN', $2, true)`,
          [inserted, ORG_IDS.committeeA],
        );
        await sql("UPDATE accounts SET role = 'ORG_ADMIN' WHERE id = $1", [clerk.accountId]);
        await sql("UPDATE accounts SET password_hash = '$argon2id$known-to-the-insider' WHERE id = $1", [approver.accountId]);
        await sql("UPDATE accounts SET can_read_personal_data = true WHERE id = $1", [auditor.accountId]);
      });
      const report = await sweep(instance);

      expect(named(report)).to.have.members(
        [inserted, clerk.accountId, approver.accountId, auditor.accountId].map((id) => `ACCOUNT_MISMATCH account:${id}`),
      );
      const detailOf = (id: string) => report.findings.find((finding) => finding.subject?.id === id)!.detail;
      expect(detailOf(inserted)).to.contain("no account.* entry of the administrative log created it");
      expect(detailOf(clerk.accountId)).to.contain("its role is ORG_ADMIN in the table but CLERK in the log");
      expect(detailOf(approver.accountId)).to.contain("its password hash is not the one the log states");
      expect(detailOf(auditor.accountId)).to.contain("its canReadPersonalData is true in the table but false in the log");
    });
  });

  describe("the chain's side", function () {
    /** The fixture's spare key of branch A: a role in the organization, but not this instance's key. */
    const spareKey = () => instance.consortium.signers.branchClerkA;

    it("should name a member registered under this university by a key outside the instance, which no row holds", async function () {
      const { membership } = instance.consortium;
      const stray = ethers.hexlify(ethers.randomBytes(32));
      const receipt = await (
        await membership
          .connect(spareKey())
          .register(stray, ORG_IDS.branchA, ethers.hexlify(ethers.randomBytes(32)), await membership.today())
      ).wait();

      const report = await sweep(instance);

      expect(report.findings.map((finding) => `${finding.kind} ${finding.memberKey}`)).to.deep.equal([`UNHELD_MEMBER ${stray}`]);
      expect(report.findings[0].detail)
        .to.contain(`in organization ${ORG_IDS.branchA}`)
        .and.contain(spareKey().address)
        .and.contain(receipt!.hash);
    });

    it("should name a member whose row was deleted with all its records, by the transaction of this instance that registered it", async function () {
      const records = await instance.database.repositories.records.listByMember(memberId);

      await asInsider(instance, async (sql) => {
        await sql("DELETE FROM records WHERE member_id = $1", [memberId]);
        await sql("DELETE FROM members WHERE id = $1", [memberId]);
      });
      const report = await sweep(instance);

      const unheld = report.findings.filter((finding) => finding.kind === "UNHELD_MEMBER");
      expect(unheld.map((finding) => finding.memberKey)).to.deep.equal([memberKey]);
      expect(unheld[0].detail).to.contain(`with ${records.length} records`).and.contain("this instance brought it there");
    });

    it("should name a record another key appended to a member's chain by that key, and not take it for a deleted row", async function () {
      const { membership } = instance.consortium;
      const head = await membership.headOf(memberKey);
      const appended = ethers.hexlify(ethers.randomBytes(32));
      const receipt = await (await membership.connect(spareKey()).append(memberKey, head, appended, await membership.today())).wait();
      const records = await instance.database.repositories.records.listByMember(memberId);

      const report = await sweep(instance);

      expect(report.findings.map((finding) => `${finding.kind} ${finding.recordHash} ${finding.sequence}`)).to.deep.equal([
        `FOREIGN_WRITE ${appended} ${records.length + 1}`,
      ]);
      expect(report.findings[0].recordId).to.equal(null);
      expect(report.findings[0].detail).to.contain(spareKey().address).and.contain(receipt!.hash);
    });
  });

  describe("record columns", function () {
    it("should name a record whose rule version column was rewritten", async function () {
      const [, second] = await instance.database.repositories.records.listByMember(memberId);

      await asInsider(instance, (sql) => sql("UPDATE records SET rule_version = '2024' WHERE id = $1", [second.id]));
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`TAMPERED ${second.id}`]);
      expect(report.findings[0].detail).to.contain("ruleVersion is 2024 in the row but 2014 in the body");
    });

    it("should name a record made to look superseded by another's columns", async function () {
      const records = await instance.database.repositories.records.listByMember(memberId);
      const [target, later] = [records[3], records[9]];

      await asInsider(instance, (sql) =>
        sql("UPDATE records SET supersedes_record_id = $2, reason_code = 'DATE_ERROR' WHERE id = $1", [later.id, target.id]),
      );
      const report = await sweep(instance);

      expect(named(report)).to.deep.equal([`TAMPERED ${later.id}`]);
      expect(report.findings[0].detail).to.contain(`it supersedes ${target.recordHash} in the row but nothing in the body`);
    });
  });
});
