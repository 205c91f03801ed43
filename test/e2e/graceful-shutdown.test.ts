// Issue 12, end to end: SIGTERM to an instance under load. A request the instance had begun to receive finishes with
// 201, requests arriving afterwards are refused cleanly (503 SHUTTING_DOWN or the connection closed, never 500), an
// idle kept-alive connection is closed, the process exits 0 within its grace period, and every write answered 201 is
// in the database and, after a restart, final on chain.
import { expect } from "chai";
import { Agent, request, type IncomingMessage } from "node:http";
import { JOURNEY } from "../../api/src/seed/journey";
import { randomPerson } from "../helpers/anchored";
import { createE2eEnvironment, E2E_PASSWORD, E2E_USERS, type E2eEnvironment } from "../helpers/e2e";
import { ApiClient, sleep, waitForHealth, type Answer } from "../helpers/e2e-client";
import type { InstanceProcess } from "../helpers/e2e-processes";
import { freePort } from "../helpers/ports";

const GRACE_MS = 5_000;
/** What exiting takes beyond the grace period: closing the pool and the process itself. */
const EXIT_SLACK_MS = 3_000;
const WRITERS = 6;
const ACCEPTED_BEFORE_STOP = 10;
/** How long the slow request's body waits after the signal: the instance is stopping by then. */
const SLOW_BODY_AFTER_MS = 500;
const POLL_MS = 50;

interface Write {
  sentAt: number;
  endedAt: number;
  answer?: Answer;
  /** The connection failed without an answer. */
  failure?: string;
}

/**
 * An enrollment whose headers and first half of the body are sent now and the rest when `finish` is called: a request
 * in flight for as long as the test wants.
 */
function slowEnrollment(baseUrl: string, token: string, orgId: number) {
  const [{ effectiveDate, fields }] = JOURNEY;
  const body = Buffer.from(JSON.stringify({ orgId, personal: randomPerson(), application: { effectiveDate, fields, evidence: [] } }));
  const half = Math.floor(body.length / 2);
  let resolveAnswer!: (answer: { status: number; body: { memberId?: string } }) => void;
  let rejectAnswer!: (error: Error) => void;
  const answered = new Promise<{ status: number; body: { memberId?: string } }>((resolve, reject) => {
    resolveAnswer = resolve;
    rejectAnswer = reject;
  });
  const req = request(`${baseUrl}/api/members`, {
    method: "POST",
    agent: false,
    headers: { "content-type": "application/json", "content-length": body.length, authorization: `Bearer ${token}` },
  });
  req.on("response", (response: IncomingMessage) => {
    let text = "";
    response.on("data", (chunk: Buffer) => (text += chunk.toString("utf8")));
    response.on("end", () => resolveAnswer({ status: response.statusCode!, body: JSON.parse(text) }));
  });
  req.on("error", rejectAnswer);
  req.write(body.subarray(0, half));
  return {
    answered,
    finish: () => req.end(body.subarray(half)),
  };
}

/** A kept-alive connection that served one request and now sits idle; resolves `closed` when the server closes it. */
async function idleKeptAliveConnection(baseUrl: string): Promise<{ closed: Promise<number> }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}/health`, { agent }, (response) => {
      response.resume();
      response.on("end", () => {
        const closed = new Promise<number>((resolveClosed) => req.socket!.once("close", () => resolveClosed(Date.now())));
        resolve({ closed });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("Graceful shutdown, end to end", function () {
  this.timeout(300_000);
  let environment: E2eEnvironment | undefined;
  let instance: InstanceProcess;
  let writes: Write[];
  let signalledAt: number;
  let exitCode: number | null;
  let exitedAt: number;
  let slow: { status: number; body: { memberId?: string } };
  let idleClosedAt: number;
  let restarted: ApiClient;

  before(async function () {
    if (process.env.DATABASE_URL === undefined) {
      console.log(
        "      skipped: the shutdown test runs with PostgreSQL (set DATABASE_URL), where requests in flight at the signal hold connections of a real pool",
      );
      this.skip();
    }
    environment = await createE2eEnvironment();
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    instance = environment.start("main", { PORT: String(port), SHUTDOWN_GRACE_MS: String(GRACE_MS), LOG_LEVEL: "info" });
    await waitForHealth(baseUrl, instance);
    const client = await ApiClient.login(baseUrl, E2E_USERS.clerk, E2E_PASSWORD);
    const { branchA } = environment.chain.orgs;

    writes = [];
    let writing = true;
    const writer = async () => {
      while (writing) {
        const write: Write = { sentAt: Date.now(), endedAt: 0 };
        try {
          write.answer = await client.tryEnroll(branchA, randomPerson());
        } catch (error) {
          write.failure = String((error as Error).cause ?? error);
        }
        write.endedAt = Date.now();
        writes.push(write);
        // A refused or cut-off writer waits a little, as a client retrying would, instead of spinning.
        if (write.answer?.status !== 201) await sleep(POLL_MS);
      }
    };
    const writers = Array.from({ length: WRITERS }, writer);
    while (writes.filter((write) => write.answer?.status === 201).length < ACCEPTED_BEFORE_STOP) await sleep(POLL_MS);

    const idle = await idleKeptAliveConnection(baseUrl);
    const inFlight = slowEnrollment(baseUrl, client.accessToken, branchA);
    // Let the instance read the request's head before the signal.
    await sleep(300);
    signalledAt = Date.now();
    const exited = instance.stop().then((code) => {
      exitedAt = Date.now();
      return code;
    });
    await sleep(SLOW_BODY_AFTER_MS);
    inFlight.finish();
    [slow, exitCode, idleClosedAt] = await Promise.all([inFlight.answered, exited, idle.closed]);
    writing = false;
    await Promise.all(writers);

    const restartPort = await freePort();
    const again = environment.start("main", { PORT: String(restartPort) });
    await waitForHealth(`http://127.0.0.1:${restartPort}`, again);
    restarted = await ApiClient.login(`http://127.0.0.1:${restartPort}`, E2E_USERS.clerk, E2E_PASSWORD);
  });

  after(async () => environment?.close());

  it("should finish the request it had begun to receive", function () {
    expect(slow.status, JSON.stringify(slow.body)).to.equal(201);
  });

  it("should refuse what arrives afterwards cleanly: 503 SHUTTING_DOWN or a closed connection, never 500", function () {
    const answered = writes.filter((write) => write.answer !== undefined);
    const unexpected = answered.filter(
      ({ answer }) => answer!.status !== 201 && !(answer!.status === 503 && answer!.body.error?.code === "SHUTTING_DOWN"),
    );
    expect(
      unexpected.map((write) => write.answer),
      "answers other than 201 and 503 SHUTTING_DOWN",
    ).to.deep.equal([]);
    for (const refused of answered.filter((write) => write.answer!.status === 503)) expect(refused.answer!.retryAfter).to.match(/^\d+$/);
    const cutBeforeSignal = writes.filter((write) => write.failure !== undefined && write.endedAt < signalledAt);
    expect(cutBeforeSignal, "connections failing before the signal").to.deep.equal([]);
    expect(
      writes.filter((write) => write.answer?.status === 201 && write.sentAt >= exitedAt),
      "accepted after the exit",
    ).to.deep.equal([]);
  });

  it("should close an idle kept-alive connection and exit 0 within the grace period", function () {
    expect(exitCode, instance.output()).to.equal(0);
    expect(exitedAt - signalledAt).to.be.below(GRACE_MS + EXIT_SLACK_MS);
    expect(idleClosedAt).to.be.at.most(exitedAt);
    expect(instance.linesWith('"msg":"request error"')).to.deep.equal([]);
  });

  it("should have stored every write it answered 201, and anchor each after a restart", async function () {
    const accepted = [
      slow.body.memberId!,
      ...writes.filter((write) => write.answer?.status === 201).map((write) => write.answer!.body.memberId!),
    ];
    for (const memberId of accepted) {
      const records = await restarted.waitForRecords(memberId, "FINAL");
      expect(records, `member ${memberId}`).to.have.length(1);
    }
  });
});
