// Issue 12: what failed and why, and sending it again. The clerk sees a record's failure and the chain's reason in the
// member API; an organization's administrator lists the failed writes of its subtree and re-queues one (with the
// items it held back); the operator does the same for the whole instance with `cunzheng outbox`.
import { expect } from "chai";
import request from "supertest";
import { parseOutboxArgs, runOutbox } from "../../../api/src/cli/outbox-command";
import { CliError, EXIT, type CliIo } from "../../../api/src/cli/command";
import type { OutboxError } from "../../../api/src/data-access";
import { hashPassword } from "../../../api/src/http/auth/password";
import { JOURNEY } from "../../../api/src/seed/journey";
import { randomPerson } from "../../helpers/anchored";
import { ORG_IDS, startTestInstance, type TestInstance } from "../../helpers/service";

const PASSWORD = "correct horse battery staple";
const REFUSAL: OutboxError = {
  name: "MembershipLedgerWrongStage",
  args: ["0x01", 1, 2],
  message: "the chain refused selectActivist: MembershipLedgerWrongStage(memberKey=0x01, current=1, required=2)",
};

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

describe("Failed chain writes: seen, listed and sent again", function () {
  let instance: TestInstance;
  let adminA: string;
  let adminB: string;
  let memberA: string;
  let failedA: number;
  let heldBackA: number;
  let failedB: number;

  async function enroll(token: string, orgId: number): Promise<string> {
    const [{ effectiveDate, fields }] = JOURNEY;
    const response = await request(instance.app)
      .post("/api/members")
      .set("authorization", `Bearer ${token}`)
      .send({ orgId, personal: randomPerson(), application: { effectiveDate, fields, evidence: [] } })
      .expect(201);
    return response.body.memberId;
  }

  async function login(username: string): Promise<string> {
    return (await request(instance.app).post("/api/auth/login").send({ username, password: PASSWORD }).expect(200)).body.token;
  }

  // One instance for the whole file, in this order: seen, listed, re-queued by API, then by the CLI.
  before(async function () {
    instance = await startTestInstance();
    const { repositories } = instance.database;
    for (const [username, orgId] of [
      ["admin-a", ORG_IDS.committeeA],
      ["admin-b", ORG_IDS.committeeB],
    ] as const) {
      await repositories.accounts.create({
        username,
        passwordHash: await hashPassword(PASSWORD),
        role: "ORG_ADMIN",
        orgId,
        canReadPersonalData: false,
      });
    }
    [adminA, adminB] = [await login("admin-a"), await login("admin-b")];
    const clerkA = await instance.tokenOf("aClerk");
    memberA = await enroll(clerkA, ORG_IDS.branchA);
    const [{ effectiveDate, fields }] = JOURNEY.filter((record) => record.step === "S2");
    await request(instance.app)
      .post(`/api/members/${memberA}/records`)
      .set("authorization", `Bearer ${clerkA}`)
      .send({ step: "S2", effectiveDate, fields })
      .expect(201);
    await enroll(await instance.tokenOf("bClerk"), ORG_IDS.branchB);
    // As the worker leaves them: A's application refused, its next record held back; B's application refused.
    const [first, second, third] = await repositories.outbox.listPending(10);
    await repositories.outbox.markFailed(first.id, REFUSAL);
    await repositories.outbox.markFailed(second.id, {
      name: "BlockedByEarlierFailure",
      args: [first.id],
      message: `outbox item ${first.id} of the same member was refused`,
    });
    await repositories.outbox.markFailed(third.id, REFUSAL);
    [failedA, heldBackA, failedB] = [first.id, second.id, third.id];
  });

  after(async function () {
    await instance.close();
  });

  it("should show the clerk each record's failure and the chain's reason in the member API", async function () {
    const response = await request(instance.app)
      .get(`/api/members/${memberA}/records`)
      .set("authorization", `Bearer ${await instance.tokenOf("aClerk")}`)
      .expect(200);
    const anchoring = response.body.items.map((record: { anchoring: { state: string; error: OutboxError } }) => [
      record.anchoring.state,
      record.anchoring.error.name,
    ]);
    expect(anchoring).to.deep.equal([
      ["FAILED", "MembershipLedgerWrongStage"],
      ["FAILED", "BlockedByEarlierFailure"],
    ]);
  });

  it("should list to an organization's administrator the failed writes of its subtree only, with the reason", async function () {
    const response = await request(instance.app).get("/api/anchoring/failed").set("authorization", `Bearer ${adminA}`).expect(200);
    expect(
      response.body.items.map((item: { outboxId: number; memberId: string; error: OutboxError }) => [
        item.outboxId,
        item.memberId,
        item.error.name,
      ]),
    ).to.deep.equal([
      [failedA, memberA, "MembershipLedgerWrongStage"],
      [heldBackA, memberA, "BlockedByEarlierFailure"],
    ]);
    const refused = await request(instance.app)
      .get("/api/anchoring/failed")
      .set("authorization", `Bearer ${await instance.tokenOf("aClerk")}`)
      .expect(403);
    expect(refused.body.error.rule).to.equal("auth.role");
  });

  it("should re-queue a failed write with the items it held back, only within the administrator's subtree", async function () {
    const foreign = await request(instance.app)
      .post(`/api/anchoring/failed/${failedB}/requeue`)
      .set("authorization", `Bearer ${adminA}`)
      .expect(403);
    expect(foreign.body.error.rule).to.equal("scope.orgSubtree");
    const response = await request(instance.app)
      .post(`/api/anchoring/failed/${failedA}/requeue`)
      .set("authorization", `Bearer ${adminA}`)
      .expect(200);
    expect(response.body).to.deep.equal({ requeued: [failedA, heldBackA] });
    const { outbox } = instance.database.repositories;
    for (const id of [failedA, heldBackA]) expect(await outbox.get(id)).to.include({ state: "PENDING", error: null });
    expect((await outbox.get(failedB))!.state).to.equal("FAILED");
    const again = await request(instance.app)
      .post(`/api/anchoring/failed/${failedA}/requeue`)
      .set("authorization", `Bearer ${adminA}`)
      .expect(409);
    expect(again.body.error.rule).to.equal("outbox.onlyFailed");
    await request(instance.app).post("/api/anchoring/failed/999999/requeue").set("authorization", `Bearer ${adminB}`).expect(404);
    await request(instance.app).post("/api/anchoring/failed/abc/requeue").set("authorization", `Bearer ${adminB}`).expect(400);
  });

  describe("cunzheng outbox", function () {
    const environment = () => ({ open: async () => ({ repositories: instance.database.repositories, close: async () => undefined }) });

    it("should list every failed item with the chain's reason, exiting 1", async function () {
      const io = capture();
      expect(await runOutbox(["list"], io, environment())).to.equal(EXIT.FOUND_PROBLEMS);
      expect(io.stdout[0]).to.equal("1 failed outbox item(s).");
      expect(io.stdout[1]).to.include(`${failedB}  membership.register  record`).and.include("MembershipLedgerWrongStage(memberKey=0x01");
    });

    it("should send items again, refusing one that has not failed", async function () {
      const io = capture();
      expect(await runOutbox(["retry", String(failedB)], io, environment())).to.equal(EXIT.OK);
      expect(io.stdout).to.deep.equal([`1 item(s) sent again: ${failedB}. The worker looks at them against the chain in its next round.`]);
      const error = await runOutbox(["retry", String(failedB)], capture(), environment()).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).to.be.instanceOf(CliError).with.property("message").that.includes(`not failed outbox item(s): ${failedB}`);
      const listed = capture();
      expect(await runOutbox(["list"], listed, environment())).to.equal(EXIT.OK);
      expect(listed.stdout).to.deep.equal(["0 failed outbox item(s)."]);
    });

    it("should refuse arguments it does not understand, showing the usage", function () {
      for (const args of [[], ["purge"], ["retry"], ["retry", "--all", "3"], ["retry", "x"], ["list", "4"]]) {
        expect(() => parseOutboxArgs(args), args.join(" "))
          .to.throw(CliError)
          .with.property("showUsage", true);
      }
    });
  });
});
