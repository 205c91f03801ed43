import { expect } from "chai";
import request from "supertest";
import { createClerk, ORG_IDS, rejectionOf } from "../../../api/src/data-access/testing";
import { anchoringStatus } from "../../../api/src/domain/anchoring-state";
import { getDashboard } from "../../../api/src/domain/dashboard";
import { Forbidden } from "../../../api/src/domain/errors";
import type { Actor, Institution } from "../../../api/src/domain/institution";
import { listMembers } from "../../../api/src/domain/membership/members";
import { recordStep } from "../../../api/src/domain/membership/records";
import { acceptTransfer, issueTransfer, recordExportReceipt } from "../../../api/src/domain/transfers";
import { JOURNEY, VOTE_9_OF_9 } from "../../../api/src/seed/journey";
import { walkMember } from "../../../api/src/seed/walk";
import { randomPerson, startAnchoredInstance, type AnchoredInstance } from "../../helpers/anchored";
import { startTestInstance, type AccountName, type TestInstance } from "../../helpers/service";

const DAY_MS = 86_400_000;
const NO_TRANSFERS = { ISSUED: 0, ACCEPTING: 0, ACCEPTED: 0, REJECTED: 0, CANCELLED: 0, EXPIRED: 0 };

function stepRequest(step: string, effectiveDate: string, fields: Record<string, unknown>) {
  return { step, effectiveDate, fields: fields as Record<string, never>, evidence: [] };
}

/** The same institution on another day: the rules engine reads `today`, expiry and lag read `now`. */
function on(institution: Institution, clock: { today?: string; now?: Date }): Institution {
  return {
    ...institution,
    ...(clock.today && { today: () => clock.today! }),
    ...(clock.now && { now: () => clock.now! }),
  };
}

describe("Dashboard", function () {
  describe("over the domain services", function () {
    let instance: AnchoredInstance;
    let institution: Institution;
    let clerkA: Actor;
    let clerkB: Actor;
    let approverB: Actor;
    const members = {} as Record<"lateTalk" | "activist" | "probationary" | "moved" | "cancelled" | "exported" | "activistB", string>;

    before(async function () {
      instance = await startAnchoredInstance();
      ({ institution } = instance);
      const { repositories } = instance.database;
      clerkA = instance.actors.clerk;
      const accountB = await createClerk(repositories, ORG_IDS.branchB);
      clerkB = { accountId: accountB.id, orgId: ORG_IDS.branchB, role: "CLERK", canReadPersonalData: true };
      const approverAccountB = await repositories.accounts.create({
        username: "dashboard-approver-b",
        passwordHash: "$argon2id$test-only",
        role: "APPROVER",
        orgId: ORG_IDS.committeeB,
      });
      approverB = { accountId: approverAccountB.id, orgId: ORG_IDS.committeeB, role: "APPROVER", canReadPersonalData: true };
      const { approver } = instance.actors;

      // The talk more than a month after the application: a soft-rule finding.
      members.lateTalk = await instance.walk("S1");
      await recordStep(institution, clerkA, members.lateTalk, stepRequest("S2", "2019-11-15", JOURNEY[1].fields));
      // Its next assessment was due 2020-09-10.
      members.activist = await instance.walk("S5");
      members.probationary = await instance.walk("S18");
      await issueTransfer(institution, approver, { memberId: members.probationary, toOrgId: ORG_IDS.branchB, validDays: 30 });
      members.moved = await instance.walk("S17");
      const moved = await issueTransfer(institution, approver, { memberId: members.moved, toOrgId: ORG_IDS.branchB, validDays: 30 });
      await acceptTransfer(institution, approverB, moved.id);
      members.cancelled = await instance.walk("S22");
      await recordStep(institution, clerkA, members.cancelled, stepRequest("S23", "2022-05-25", { ...VOTE_9_OF_9, outcome: "CANCEL" }));
      await recordStep(institution, approver, members.cancelled, stepRequest("S24", "2022-06-01", { approvingOrgId: ORG_IDS.committeeA }));
      members.exported = await instance.walk("S18");
      const exported = await issueTransfer(institution, approver, {
        memberId: members.exported,
        exportTo: { name: "丙大学党委" },
        validDays: 30,
      });
      await recordExportReceipt(institution, approver, exported.id, "丙党组〔2024〕3号");
      const [activistB] = await walkMember(institution, clerkB, approverB, {
        orgId: ORG_IDS.branchB,
        personal: randomPerson(),
        upTo: "S5",
      });
      members.activistB = activistB.memberId;
      await instance.anchorAll();
    });
    after(async () => instance?.close());

    describe("pipeline", function () {
      it("should count branch A's members in each of the five development stages, zeros included", async function () {
        const dashboard = await getDashboard(institution, clerkA);

        expect(dashboard.orgId).to.equal(ORG_IDS.branchA);
        expect(dashboard.pipeline.map(({ stage, members }) => [stage, members])).to.deep.equal([
          ["APPLICANT", 1],
          ["ACTIVIST", 1],
          ["CANDIDATE", 0],
          ["PROBATIONARY", 1],
          ["FULL", 0],
        ]);
      });

      it("should count as left the member transferred out of the institution and the one whose probation was cancelled", async function () {
        const dashboard = await getDashboard(institution, clerkA);

        expect(dashboard.left).to.deep.equal({ transferredOut: 1, cancelled: 1 });
      });

      it("should count a member overdue only once the rules' due date for a next step has passed", async function () {
        const overdue = async (today: string) =>
          (await getDashboard(on(institution, { today }), clerkA)).pipeline.map(({ stage, overdue }) => [stage, overdue]);

        expect(await overdue("2020-09-10")).to.deep.equal([
          ["APPLICANT", 0],
          ["ACTIVIST", 0],
          ["CANDIDATE", 0],
          ["PROBATIONARY", 0],
          ["FULL", 0],
        ]);
        expect(await overdue("2020-09-11")).to.deep.equal([
          ["APPLICANT", 0],
          ["ACTIVIST", 1],
          ["CANDIDATE", 0],
          ["PROBATIONARY", 0],
          ["FULL", 0],
        ]);
      });

      it("should count the committee's whole subtree for its approver", async function () {
        const dashboard = await getDashboard(institution, instance.actors.approver);

        expect(dashboard.orgId).to.equal(ORG_IDS.committeeA);
        expect(dashboard.pipeline.reduce((sum, stage) => sum + stage.members, 0)).to.equal(3);
      });
    });

    describe("transfers", function () {
      it("should count branch A's outgoing transfers by state, every state present", async function () {
        const { transfers } = await getDashboard(institution, clerkA);

        expect(transfers.outgoing).to.deep.equal({ ...NO_TRANSFERS, ISSUED: 1, ACCEPTED: 2 });
        expect(transfers.incoming).to.deep.equal(NO_TRANSFERS);
      });

      it("should count branch B's incoming transfers, the accepted one and the one still open", async function () {
        const { transfers } = await getDashboard(institution, clerkB);

        expect(transfers.incoming).to.deep.equal({ ...NO_TRANSFERS, ISSUED: 1, ACCEPTED: 1 });
        expect(transfers.outgoing).to.deep.equal(NO_TRANSFERS);
      });

      it("should count an issued transfer whose validity has passed as expired", async function () {
        const later = on(institution, { now: new Date(Date.now() + 31 * DAY_MS) });

        const { transfers } = await getDashboard(later, clerkA);

        expect(transfers.outgoing).to.deep.equal({ ...NO_TRANSFERS, EXPIRED: 1, ACCEPTED: 2 });
      });
    });

    describe("anchoring", function () {
      it("should report the instance's anchoring status as GET /api/anchoring does, every write final", async function () {
        const now = new Date();

        const { anchoring, generatedAt } = await getDashboard(on(institution, { now }), clerkA);

        expect(generatedAt).to.equal(now.toISOString());
        expect(anchoring).to.deep.equal(await anchoringStatus(instance.database.repositories, now));
        expect(anchoring.outbox).to.include({ PENDING: 0, SENT: 0, MINED: 0, FAILED: 0 });
        expect(anchoring.finalCheckpoint?.treeSize).to.equal(anchoring.latestCheckpoint?.treeSize);
      });
    });

    describe("scope", function () {
      it("should show a clerk of branch B none of branch A's members", async function () {
        const dashboard = await getDashboard(institution, clerkB);
        const list = await listMembers(institution, clerkB, { limit: 100 });

        expect(dashboard.pipeline.map(({ stage, members, overdue }) => [stage, members, overdue])).to.deep.equal([
          ["APPLICANT", 0, 0],
          ["ACTIVIST", 1, 1],
          ["CANDIDATE", 0, 0],
          ["PROBATIONARY", 1, 0],
          ["FULL", 0, 0],
        ]);
        expect(dashboard.left).to.deep.equal({ transferredOut: 0, cancelled: 0 });
        expect(list.items.map((member) => member.id)).to.have.members([members.activistB, members.moved]);
      });

      it("should refuse a clerk of branch B the dashboard of branch A", async function () {
        const refusal = await rejectionOf(getDashboard(institution, clerkB, { orgId: ORG_IDS.branchA }));

        expect(refusal).to.be.instanceOf(Forbidden);
      });
    });

    describe("member list", function () {
      it("should give each member the next step to see first and the number of findings on its records", async function () {
        const { items } = await listMembers(institution, clerkA, { limit: 100 });
        const item = (memberId: string) => items.find((member) => member.id === memberId)!;

        expect(item(members.activist).nextDue).to.deep.equal({
          step: "S6",
          name: institution.ruleSet.step("S6")!.name,
          dueBy: "2020-09-10",
          overdue: true,
        });
        expect(item(members.activist).findingCount).to.equal(0);
        expect(item(members.lateTalk).nextDue).to.deep.equal({ step: "S3", name: institution.ruleSet.step("S3")!.name, overdue: false });
        expect(item(members.lateTalk).findingCount).to.equal(1);
        expect(item(members.probationary).nextDue?.step).to.equal("S19");
        expect(item(members.exported).nextDue).to.equal(null);
      });

      it("should keep only the members at the stage asked for, those who left included", async function () {
        const { items } = await listMembers(institution, clerkA, { stage: "PROBATIONARY", limit: 100 });

        expect(items.map((member) => member.id)).to.have.members([members.probationary, members.exported]);
      });
    });
  });

  describe("over HTTP", function () {
    let instance: TestInstance;

    before(async function () {
      instance = await startTestInstance();
      const { accounts } = instance.database.repositories;
      const actorOf = async (username: AccountName): Promise<Actor> => {
        const account = (await accounts.findByUsername(username))!;
        return { accountId: account.id, orgId: account.orgId, role: account.role, canReadPersonalData: account.canReadPersonalData };
      };
      await walkMember(instance.institution, await actorOf("aClerk"), await actorOf("aApprover"), {
        orgId: ORG_IDS.branchA,
        personal: randomPerson(),
        upTo: "S5",
      });
    });
    after(async () => instance?.close());

    async function get(path: string, account?: AccountName) {
      const call = request(instance.app).get(path);
      return account ? call.set("Authorization", `Bearer ${await instance.tokenOf(account)}`) : call;
    }

    it("should answer GET /api/dashboard with the pipeline, those who left, transfers and anchoring", async function () {
      const response = await get("/api/dashboard", "aClerk");

      expect(response.status, JSON.stringify(response.body)).to.equal(200);
      expect(response.body).to.have.keys(["orgId", "generatedAt", "pipeline", "left", "transfers", "anchoring"]);
      expect(response.body.pipeline[1]).to.deep.equal({ stage: "ACTIVIST", members: 1, overdue: 1 });
      expect(response.body.transfers).to.deep.equal({ outgoing: NO_TRANSFERS, incoming: NO_TRANSFERS });
      expect(response.body.anchoring.outbox.PENDING).to.be.greaterThan(0);
    });

    it("should show branch B's clerk an empty pipeline and refuse it branch A's", async function () {
      const own = await get("/api/dashboard", "bClerk");
      const other = await get(`/api/dashboard?orgId=${ORG_IDS.branchA}`, "bClerk");

      expect(own.status).to.equal(200);
      expect(own.body.pipeline.every((stage: { members: number }) => stage.members === 0)).to.equal(true);
      expect(other.status).to.equal(403);
      expect(other.body.error.rule).to.equal("scope.orgSubtree");
    });

    it("should refuse the dashboard without a login", async function () {
      expect((await get("/api/dashboard")).status).to.equal(401);
    });

    it("should list members with their next step due and finding count, and filter by stage", async function () {
      const all = await get("/api/members", "aClerk");
      const applicants = await get("/api/members?stage=APPLICANT", "aClerk");
      const unknownStage = await get("/api/members?stage=MEMBER", "aClerk");

      expect(all.body.items).to.have.length(1);
      expect(all.body.items[0]).to.include({ stage: "ACTIVIST", findingCount: 0 });
      expect(all.body.items[0].nextDue).to.include({ step: "S6", dueBy: "2020-09-10", overdue: true });
      expect(applicants.body.items).to.deep.equal([]);
      expect(unknownStage.status).to.equal(400);
    });
  });
});
