import { expect } from "chai";
import { createHash } from "node:crypto";
import { withTransaction, type Account, type Member, type StoredRecord } from "../../../api/src/data-access";
import {
  createClerk,
  openScratchDatabase,
  ORG_IDS,
  randomHex32,
  rejectionOf,
  seedConsortium,
  type ScratchDatabase,
} from "../../../api/src/data-access/testing";

describe("evidence, findings and audit log", function () {
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

  async function memberWithRecord(orgId: number): Promise<{ member: Member; record: StoredRecord }> {
    const member = await database.repositories.members.create({
      memberKey: randomHex32(),
      orgId,
      stage: "APPLICANT",
      personalData: Buffer.from("x"),
      idNumberIndex: null,
    });
    const record = await database.repositories.records.append({
      memberId: member.id,
      sequence: 1,
      step: "S1",
      ruleVersion: "2014",
      recordHash: randomHex32(),
      prevHash: null,
      effectiveDate: "2020-03-01",
      body: Buffer.from("encrypted body"),
      supersedesRecordId: null,
      reasonCode: null,
      createdBy: clerk.id,
    });
    return { member, record };
  }

  describe("EvidenceRepository", function () {
    function upload(text: string) {
      const content = Buffer.from(text);
      const sha256 = `0x${createHash("sha256").update(content).digest("hex")}`;
      return { sha256, contentType: "application/pdf", size: content.length, content, uploadedBy: clerk.id };
    }

    it("should store a file once and hand back the stored one when it is uploaded again", async function () {
      const { sha256, content } = upload("%PDF-1.7 application form");
      const first = await database.repositories.evidence.putIfAbsent(upload("%PDF-1.7 application form"));
      const again = await database.repositories.evidence.putIfAbsent({
        ...upload("%PDF-1.7 application form"),
        contentType: "application/octet-stream",
      });

      expect(first.created).to.equal(true);
      expect(again.created).to.equal(false);
      expect(again.evidence).to.deep.equal(first.evidence);
      expect(first.evidence).to.include({
        sha256,
        contentType: "application/pdf",
        size: content.length,
        uploadedBy: clerk.id,
      });
      expect(first.evidence).not.to.have.property("content");
    });

    it("should return the content with get and leave it out of getMeta", async function () {
      const { sha256, content } = upload("%PDF-1.7 talk minutes");
      await database.repositories.evidence.putIfAbsent(upload("%PDF-1.7 talk minutes"));
      const stored = await database.repositories.evidence.get(sha256);
      expect(Buffer.from(stored!.content).equals(content)).to.equal(true);
      expect(await database.repositories.evidence.getMeta(sha256)).not.to.have.property("content");
      expect(await database.repositories.evidence.get(randomHex32())).to.equal(null);
    });
  });

  describe("FindingsRepository", function () {
    it("should list a record's findings by member and by organization subtree", async function () {
      const inA = await memberWithRecord(ORG_IDS.branchA);
      const inB = await memberWithRecord(ORG_IDS.branchB);
      const added = await database.repositories.findings.add(inA.record.id, [
        { rule: "S2_WITHIN_1_MONTH", message: "the talk came 40 days after the application" },
        { rule: "ASSESSMENT_EVERY_6_MONTHS", message: "no assessment for 7 months" },
      ]);
      const [otherFinding] = await database.repositories.findings.add(inB.record.id, [{ rule: "R", message: "m" }]);

      expect(added.map((finding) => finding.rule)).to.deep.equal(["S2_WITHIN_1_MONTH", "ASSESSMENT_EVERY_6_MONTHS"]);
      expect(added[0]).to.include({ recordId: inA.record.id });
      expect(await database.repositories.findings.listByMember(inA.member.id)).to.deep.equal(added);
      const forCommitteeA = await database.repositories.findings.listByOrgSubtree(ORG_IDS.committeeA);
      expect(forCommitteeA).to.deep.include.members(added);
      expect(forCommitteeA.map((finding) => finding.id)).not.to.include(otherFinding.id);
    });

    it("should add nothing for an empty list", async function () {
      const { record } = await memberWithRecord(ORG_IDS.branchA);
      expect(await database.repositories.findings.add(record.id, [])).to.deep.equal([]);
    });
  });

  describe("AuditLogRepository", function () {
    it("should append entries with their details and list them newest first, page by page", async function () {
      const appended = [];
      for (let i = 0; i < 5; i++) {
        appended.push(
          await database.repositories.auditLog.append({
            accountId: clerk.id,
            orgId: ORG_IDS.branchB,
            action: "MEMBER_VIEWED",
            targetType: "member",
            targetId: `member-${i}`,
            details: { fields: ["stage"], page: i },
          }),
        );
      }
      expect(appended[4]).to.deep.include({
        action: "MEMBER_VIEWED",
        targetId: "member-4",
        details: { fields: ["stage"], page: 4 },
      });

      const first = await database.repositories.auditLog.list({ rootOrgId: ORG_IDS.committeeB, limit: 3 });
      const second = await database.repositories.auditLog.list({
        rootOrgId: ORG_IDS.committeeB,
        limit: 3,
        cursor: first.nextCursor,
      });
      expect([...first.items, ...second.items]).to.deep.equal([...appended].reverse());
      expect(second.nextCursor).to.equal(null);
    });

    it("should keep entries without account or organization (system actions)", async function () {
      const entry = await database.repositories.auditLog.append({
        accountId: null,
        orgId: null,
        action: "CHECKPOINT_ANCHORED",
      });
      expect(entry).to.deep.include({ accountId: null, orgId: null, targetType: null, targetId: null, details: {} });
      expect((await database.repositories.auditLog.list({ limit: 1 })).items).to.deep.equal([entry]);
    });
  });

  describe("withTransaction", function () {
    it("should write a record, its findings and the audit entry together", async function () {
      const { member, record: first } = await memberWithRecord(ORG_IDS.branchA);
      const second = await withTransaction(database.dataSource, async (repositories) => {
        const record = await repositories.records.append({ ...nextOf(first), memberId: member.id });
        await repositories.findings.add(record.id, [{ rule: "S2_WITHIN_1_MONTH", message: "late" }]);
        await repositories.auditLog.append({
          accountId: clerk.id,
          orgId: member.orgId,
          action: "RECORD_APPENDED",
          targetId: String(record.id),
        });
        return record;
      });

      expect(await database.repositories.records.latestOfMember(member.id)).to.deep.equal(second);
      expect(await database.repositories.findings.listByMember(member.id)).to.have.length(1);
      const [latestEntry] = (await database.repositories.auditLog.list({ limit: 1 })).items;
      expect(latestEntry).to.include({ action: "RECORD_APPENDED", targetId: String(second.id) });
    });

    it("should write none of them when the work fails midway", async function () {
      const { member, record: first } = await memberWithRecord(ORG_IDS.branchA);
      const auditBefore = (await database.repositories.auditLog.list({ limit: 1 })).items;

      const error = await rejectionOf(
        withTransaction(database.dataSource, async (repositories) => {
          const record = await repositories.records.append({ ...nextOf(first), memberId: member.id });
          await repositories.findings.add(record.id, [{ rule: "S2_WITHIN_1_MONTH", message: "late" }]);
          await repositories.auditLog.append({ accountId: clerk.id, orgId: member.orgId, action: "RECORD_APPENDED" });
          await repositories.members.update(member.id, { stage: "ACTIVIST" });
          // A finding on a record that does not exist violates a foreign key: the whole transaction rolls back.
          await repositories.findings.add(record.id + 1000, [{ rule: "R", message: "m" }]);
        }),
      );

      expect(error.message).to.match(/foreign key/);
      expect(await database.repositories.records.listByMember(member.id)).to.deep.equal([first]);
      expect(await database.repositories.findings.listByMember(member.id)).to.deep.equal([]);
      expect((await database.repositories.members.get(member.id))!.stage).to.equal("APPLICANT");
      expect((await database.repositories.auditLog.list({ limit: 1 })).items).to.deep.equal(auditBefore);
    });
  });

  function nextOf(previous: StoredRecord) {
    return {
      sequence: previous.sequence + 1,
      step: "S2",
      ruleVersion: "2014",
      recordHash: randomHex32(),
      prevHash: previous.recordHash,
      effectiveDate: "2020-04-10",
      body: Buffer.from("encrypted body"),
      supersedesRecordId: null,
      reasonCode: null,
      createdBy: clerk.id,
    };
  }
});
