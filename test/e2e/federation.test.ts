// Issue 5, end to end: a probationary member moves from university A to university B, two instances run as separate
// processes with their own databases and chain keys, meeting only on the chain. A records the journey and issues the
// transfer; B learns of it from the chain, fetches and verifies the member's file from A's published address,
// accepts it; A sees the acceptance and keeps the departed member read-only; B converts the member no earlier than
// the probation begun at A allows; both institutions' audit sweeps come out clean.
import { expect } from "chai";
import type { AuditJob } from "../../api/src/domain/audit/jobs";
import type { AuditReport } from "../../api/src/domain/audit/report";
import type { TransferReview } from "../../api/src/domain/federation/review";
import type { MemberFile, PersonalData } from "../../api/src/domain/membership/members";
import type { RecordView, RecordedStep } from "../../api/src/domain/membership/records";
import type { HistoryRecord } from "../../api/src/domain/rules";
import type { TransferView } from "../../api/src/domain/transfers";
import { addMonths } from "../../api/src/lib/calendar";
import { JOURNEY } from "../../api/src/seed/journey";
import { randomPerson } from "../helpers/anchored";
import { sleep } from "../helpers/e2e-client";
import {
  createFederationEnvironment,
  Session,
  type FederationEnvironment,
  type FederationInstance,
  type Role,
} from "../helpers/e2e-federation";

/** The journey of 2019–2022 four years later, as walk.ts shifts it: probation begins 2025-06-20 and ends 2026-06-20. */
const YEARS_LATER = 4;
const REVIEW_CHECKS = ["letter", "transfer", "file", "checkpoints", "signers", "rules", "evidence"];
/** After the conversion meeting (S23) but before the probation's end. */
const EARLY_CONVERSION = "2026-06-01";
const POLL_MS = 200;

type Sessions = Record<Role, Session>;

const journey = JOURNEY.map((record) => ({ ...record, effectiveDate: addMonths(record.effectiveDate, 12 * YEARS_LATER) }));

/** The journey from `first` to `last`, both included; approvals name `committee`, the approving committee at hand. */
function journeySteps(first: string, last: string, committee: number): HistoryRecord[] {
  const from = journey.findIndex((record) => record.step === first);
  const to = journey.findIndex((record) => record.step === last);
  return journey
    .slice(from, to + 1)
    .map((record) =>
      record.fields.approvingOrgId === undefined ? record : { ...record, fields: { ...record.fields, approvingOrgId: committee } },
    );
}

describe("federation: a transfer between two instances", function () {
  this.timeout(300_000);
  let environment: FederationEnvironment | undefined;
  let a: Sessions;
  let b: Sessions;
  /** Who records each step, as the instance's rule set says. */
  let recordedBy: Map<string, "CLERK" | "APPROVER">;
  let person: PersonalData;
  let memberAtA: string;
  let recordsAtA: RecordView[];
  let transfer: TransferView;
  let memberAtB: string;
  let started: number;
  /** What the test was last waiting for, and what it saw: printed if a step fails. */
  let lastSeen: { waitingFor: string; value: unknown } | undefined;
  let broken = false;

  /** Reads until `done` holds; bounded by the test's timeout. */
  async function poll<T>(waitingFor: string, read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (;;) {
      const value = await read();
      lastSeen = { waitingFor, value };
      if (done(value)) return value;
      await sleep(POLL_MS);
    }
  }

  /** Records one step through the API as the clerk or the approver, whichever the rules name, and returns the answer. */
  function record(sessions: Sessions, memberId: string, step: HistoryRecord, effectiveDate = step.effectiveDate) {
    const session = recordedBy.get(step.step) === "APPROVER" ? sessions.approver : sessions.clerk;
    return session.request<RecordedStep>("POST", `/api/members/${memberId}/records`, {
      step: step.step,
      effectiveDate,
      fields: step.fields,
      evidence: [],
    });
  }

  async function recordAll(sessions: Sessions, memberId: string, steps: HistoryRecord[]): Promise<RecordedStep[]> {
    const recorded: RecordedStep[] = [];
    for (const step of steps) {
      const answer = await record(sessions, memberId, step);
      expect(answer.status, `${step.step}: ${JSON.stringify(answer.body)}`).to.equal(201);
      recorded.push(answer.body);
    }
    return recorded;
  }

  async function sessionsOf(instance: FederationInstance): Promise<Sessions> {
    const [clerk, approver, auditor] = await Promise.all(
      (["clerk", "approver", "auditor"] as const).map((role) => Session.login(instance, role)),
    );
    return { clerk, approver, auditor };
  }

  /** An auditor's sweep, followed to its end; the report as downloaded. */
  async function auditSweep(auditor: Session, name: string): Promise<AuditReport> {
    const job = await auditor.call<AuditJob>("POST", "/api/audits", undefined, 202);
    const done = await poll(
      `${name}'s audit sweep`,
      () => auditor.call<AuditJob>("GET", `/api/audits/${job.id}`),
      (current) => current.state !== "RUNNING",
    );
    expect(done.state, done.error).to.equal("DONE");
    return auditor.call<AuditReport>("GET", `/api/audits/${job.id}/report`);
  }

  before(async function () {
    if (process.env.DATABASE_URL === undefined) {
      console.log("      skipped: two instances as processes need PostgreSQL (set DATABASE_URL), a database each");
      this.skip();
    }
    started = Date.now();
    environment = await createFederationEnvironment();
    [a, b] = await Promise.all([sessionsOf(environment.a), sessionsOf(environment.b)]);
    const rules = await a.clerk.call<{ definition: { steps: { code: string; recordedBy: "CLERK" | "APPROVER" }[] } }>("GET", "/api/rules");
    recordedBy = new Map(rules.definition.steps.map((step) => [step.code, step.recordedBy]));
    console.log(`      two instances ready in ${Math.round((Date.now() - started) / 1000)} s`);
  });

  beforeEach(function () {
    // Each step builds on the one before: once one fails, the rest would only repeat its failure.
    if (broken) this.skip();
    lastSeen = undefined;
  });

  afterEach(function () {
    if (this.currentTest?.state !== "failed") return;
    broken = true;
    if (lastSeen) console.log(`      last waited for ${lastSeen.waitingFor}, and saw:\n${JSON.stringify(lastSeen.value, null, 2)}`);
    if (environment) console.log(environment.output());
  });

  after(async function () {
    if (environment) console.log(`      the whole transfer took ${Math.round((Date.now() - started) / 1000)} s`);
    await environment?.close();
  });

  it("should record a member's journey to probation at A, every record final on chain", async function () {
    const { branch, committee } = environment!.a.orgs;
    person = randomPerson();
    const [application, ...rest] = journeySteps("S1", "S18", committee);
    const enrolled = await a.clerk.call<RecordedStep>(
      "POST",
      "/api/members",
      {
        orgId: branch,
        personal: person,
        application: { effectiveDate: application.effectiveDate, fields: application.fields, evidence: [] },
      },
      201,
    );
    memberAtA = enrolled.memberId;
    const recorded = await recordAll(a, memberAtA, rest);
    expect(recorded.at(-1)!.stage).to.equal("PROBATIONARY");
    const member = await a.clerk.call<MemberFile>("GET", `/api/members/${memberAtA}`);
    expect(member).to.include({ stage: "PROBATIONARY", status: "ACTIVE", orgId: branch });
    recordsAtA = await a.clerk.api.waitForRecords(memberAtA, "FINAL");
    expect(recordsAtA.map((view) => view.step)).to.deep.equal(journeySteps("S1", "S18", committee).map((step) => step.step));
  });

  it("should let A's approver issue a transfer letter to branch B", async function () {
    transfer = await a.approver.call<TransferView>(
      "POST",
      "/api/transfers",
      { memberId: memberAtA, toOrgId: environment!.b.orgs.branch },
      201,
    );
    expect(transfer).to.include({
      state: "ISSUED",
      kind: "MEMBERSHIP",
      fromOrgId: environment!.a.orgs.branch,
      toOrgId: environment!.b.orgs.branch,
      issuedHere: true,
    });
  });

  it("should show B the incoming transfer from the chain, and an acceptable review of the file fetched from A", async function () {
    const incoming = await poll(
      "the transfer in B's incoming list",
      () => b.approver.call<{ items: TransferView[] }>("GET", "/api/transfers?direction=incoming"),
      (list) => list.items.some((item) => item.id === transfer.id),
    );
    expect(incoming.items.find((item) => item.id === transfer.id)).to.include({
      state: "ISSUED",
      issuedHere: false,
      memberId: null,
      memberKey: transfer.memberKey,
      fromOrgId: environment!.a.orgs.branch,
      letterHash: transfer.letterHash,
    });
    const review = await poll(
      "B's review of the member's file",
      () => b.approver.call<TransferReview>("GET", `/api/transfers/${transfer.id}/review`),
      (current) => current.verdict !== "WAITING_FOR_FILE",
    );
    expect(review.verdict, JSON.stringify(review.steps, null, 2)).to.equal("ACCEPTABLE");
    expect(review.steps.map((step) => step.check)).to.have.members(REVIEW_CHECKS);
    expect(review.steps.filter((step) => !["passed", "warning"].includes(step.status))).to.deep.equal([]);
    expect(review.file).to.include({ state: "RECEIVED", receivedVia: "FETCH" });
    expect(review.member).to.deep.include({
      memberKey: transfer.memberKey,
      stage: "PROBATIONARY",
      recordCount: recordsAtA.length,
      head: recordsAtA.at(-1)!.recordHash,
    });
    expect(review.member!.personal).to.deep.equal(person);
  });

  it("should let B's approver accept: the member arrives at B with A's records unchanged", async function () {
    const accepting = await b.approver.call<TransferView>("POST", `/api/transfers/${transfer.id}/accept`);
    expect(accepting.state).to.equal("ACCEPTING");
    // The member is imported once the chain's acceptance is final.
    const accepted = await poll(
      "B's transfer to leave ACCEPTING",
      () => b.approver.call<TransferView>("GET", `/api/transfers/${transfer.id}`),
      (current) => current.state !== "ACCEPTING",
    );
    expect(accepted.state).to.equal("ACCEPTED");
    expect(accepted.memberId).to.be.a("string");
    memberAtB = accepted.memberId!;
    const member = await b.clerk.call<MemberFile>("GET", `/api/members/${memberAtB}`);
    expect(member).to.deep.include({
      memberKey: transfer.memberKey,
      stage: "PROBATIONARY",
      status: "ACTIVE",
      orgId: environment!.b.orgs.branch,
      personal: person,
    });
    const recordsAtB = await b.clerk.api.records(memberAtB);
    expect(recordsAtB.map((view) => view.recordHash)).to.deep.equal(recordsAtA.map((view) => view.recordHash));
  });

  it("should close the transfer at A once the chain says B accepted, and keep the departed member read-only", async function () {
    const atA = await poll(
      "A's transfer to leave ISSUED",
      () => a.approver.call<TransferView>("GET", `/api/transfers/${transfer.id}`),
      (current) => current.state !== "ISSUED",
    );
    expect(atA.state).to.equal("ACCEPTED");
    expect(atA.receiptHash).to.match(/^0x[0-9a-f]{64}$/);
    const member = await a.clerk.call<MemberFile>("GET", `/api/members/${memberAtA}`);
    expect(member.status).to.equal("TRANSFERRED_OUT");
    const [probationStart] = journeySteps("S19", "S19", environment!.a.orgs.committee);
    const refused = await record(a, memberAtA, probationStart);
    expect(refused.status, JSON.stringify(refused.body)).to.equal(409);
    expect(refused.body).to.have.nested.property("error.rule", "member.transferredOut");
  });

  it("should convert the member at B no earlier than the probation begun at A allows", async function () {
    const { committee } = environment!.b.orgs;
    await recordAll(b, memberAtB, journeySteps("S19", "S23", committee));
    const [approval, filing] = journeySteps("S24", "S25", committee);
    const early = await record(b, memberAtB, approval, EARLY_CONVERSION);
    expect(early.status, JSON.stringify(early.body)).to.equal(422);
    expect(early.body).to.have.nested.property("error.rule", "S24.notBeforeProbationEnd");
    const [, converted] = await recordAll(b, memberAtB, [approval, filing]);
    expect(converted.stage).to.equal("FULL");
    expect((await b.clerk.call<MemberFile>("GET", `/api/members/${memberAtB}`)).stage).to.equal("FULL");
    const final = await b.clerk.api.waitForRecords(memberAtB, "FINAL");
    expect(final.map((view) => view.step)).to.deep.equal(journeySteps("S1", "S25", committee).map((step) => step.step));
  });

  it("should find nothing wrong in either institution's audit sweep", async function () {
    const [reportA, reportB] = [await auditSweep(a.auditor, "A"), await auditSweep(b.auditor, "B")];
    expect(reportA.findings).to.deep.equal([]);
    expect(reportA).to.include({ clean: true, logId: environment!.a.orgs.committee });
    expect(reportA.totals).to.include({ records: recordsAtA.length, members: 1 });
    expect(reportB.findings).to.deep.equal([]);
    expect(reportB).to.include({ clean: true, logId: environment!.b.orgs.committee });
    expect(reportB.totals).to.include({ records: journey.length, members: 1 });
  });
});
