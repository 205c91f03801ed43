// Issue 12, end to end: the database stops while clerks are writing. Every write in the outage is refused with 503 and
// Retry-After (never 500), the instance logs the outage once rather than a stack trace per request, and once the
// database is back every write that was answered 201 ends final on chain (the anchoring worker running throughout).
// The database is a PostgreSQL cluster the test starts for itself, so it can be stopped without touching a shared one.
import { expect } from "chai";
import { randomPerson } from "../helpers/anchored";
import { createE2eEnvironment, E2E_PASSWORD, E2E_USERS, type E2eEnvironment } from "../helpers/e2e";
import { ApiClient, sleep, waitForHealth, type Answer } from "../helpers/e2e-client";
import type { InstanceProcess } from "../helpers/e2e-processes";
import { postgresBinaries, startPostgresCluster, type PostgresCluster } from "../helpers/e2e-postgres";
import { freePort } from "../helpers/ports";

const WRITERS = 4;
const OUTAGE_MS = 4_000;
/** Writes before the stop, so that the outage cuts into a steady stream. */
const ACCEPTED_BEFORE_OUTAGE = 8;
const ACCEPTED_AFTER_OUTAGE = 8;
const POLL_MS = 50;

type Phase = "before" | "outage" | "after";

interface Write {
  phase: Phase;
  answer: Answer;
}

describe("A database outage, end to end", function () {
  this.timeout(300_000);
  let cluster: PostgresCluster | undefined;
  let environment: E2eEnvironment | undefined;
  let instance: InstanceProcess;
  let client: ApiClient;
  let writes: Write[];

  before(async function () {
    if (process.env.DATABASE_URL === undefined || postgresBinaries() === undefined) {
      console.log("      skipped: the outage test runs with PostgreSQL (set DATABASE_URL), on a cluster of its own that it stops");
      this.skip();
    }
    cluster = await startPostgresCluster();
    environment = await createE2eEnvironment({ databaseServerUrl: cluster.url });
    const port = await freePort();
    instance = environment.start("main", { PORT: String(port), LOG_LEVEL: "info" });
    const baseUrl = `http://127.0.0.1:${port}`;
    await waitForHealth(baseUrl, instance);
    client = await ApiClient.login(baseUrl, E2E_USERS.clerk, E2E_PASSWORD);

    writes = [];
    let phase: Phase = "before";
    let writing = true;
    const accepted = (during: Phase) => writes.filter((write) => write.phase === during && write.answer.status === 201).length;
    const writer = async () => {
      while (writing) {
        const during = phase;
        writes.push({ phase: during, answer: await client.tryEnroll(environment!.chain.orgs.branchA, randomPerson()) });
      }
    };
    const writers = Array.from({ length: WRITERS }, writer);
    while (accepted("before") < ACCEPTED_BEFORE_OUTAGE) await sleep(POLL_MS);
    await cluster.stop();
    phase = "outage";
    await sleep(OUTAGE_MS);
    await cluster.start();
    phase = "after";
    while (accepted("after") < ACCEPTED_AFTER_OUTAGE) {
      if (!instance.isRunning()) throw new Error(`the instance exited:\n${instance.output()}`);
      await sleep(POLL_MS);
    }
    writing = false;
    await Promise.all(writers);
  });

  after(async function () {
    await environment?.close();
    await cluster?.close();
  });

  it("should refuse the writes made during the outage with 503, Retry-After and a clear message, never 500", function () {
    const others = writes.filter((write) => write.answer.status !== 201 && write.answer.status !== 503);
    expect(others, "other answers").to.deep.equal([]);
    const refused = writes.filter((write) => write.answer.status === 503);
    expect(refused.filter((write) => write.phase === "outage").length, "refusals during the outage").to.be.greaterThan(0);
    for (const { answer } of refused) {
      expect(answer.retryAfter).to.match(/^\d+$/);
      expect(answer.body.error).to.include({ code: "DATABASE_UNAVAILABLE" });
      expect(answer.body.error!.message).to.contain("数据库暂时无法访问");
    }
  });

  it("should log the outage once, with no stack trace per request", function () {
    expect(instance.linesWith("database unreachable: requests are answered 503")).to.have.length(1);
    expect(instance.linesWith('"msg":"request error"')).to.deep.equal([]);
    expect(instance.linesWith('"frames"')).to.deep.equal([]);
    expect(instance.linesWith("member file rounds failing")).to.have.length.at.most(1);
    expect(instance.linesWith("database unreachable: anchoring waits")).to.have.length.at.most(1);
  });

  it("should serve again after the database is back, and make every write answered 201 final on chain", async function () {
    const accepted = writes.filter((write) => write.answer.status === 201);
    expect(accepted.filter((write) => write.phase === "after")).to.have.length.at.least(ACCEPTED_AFTER_OUTAGE);
    for (const { answer } of accepted) {
      const records = await client.waitForRecords(answer.body.memberId!, "FINAL");
      expect(records).to.have.length(1);
    }
  });
});
