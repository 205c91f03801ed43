// Issue 4, end to end: the standalone anchoring worker is killed (SIGKILL) again and again while it anchors a
// thousand records. Each new worker follows up what the journal says the last one signed, so in the end every record
// is final, appended once, and the instance's key sent exactly the transactions its journal holds.
import { expect } from "chai";
import type { DataSource } from "typeorm";
import { createRepositories, type ChainTransactionState, type OutboxState, type Repositories } from "../../api/src/data-access";
import { anchoringViews } from "../../api/src/domain/anchoring-state";
import type { Actor } from "../../api/src/domain/institution";
import { walkMember } from "../../api/src/seed/walk";
import { createInstitution } from "../../api/src/server";
import { randomPerson } from "../helpers/anchored";
import { createE2eEnvironment, E2E_USERS, type E2eEnvironment } from "../helpers/e2e";
import { auditAnchoring, type AnchoringAudit } from "../helpers/e2e-audit";
import { inParallel, sleep } from "../helpers/e2e-client";

const PEOPLE = 40;
/** S1 to S24 is 25 records (S6 twice): 40 people make 1,000 records. */
const LAST_STEP = "S24";
const RECORDS = 1_000;
const KILLS = 10;
const KILL_AFTER_MS = { min: 300, max: 2_500 };
/** Varied moments, the same on every run; CRASH_TEST_SEED picks another sequence. */
const SEED = Number(process.env.CRASH_TEST_SEED ?? 20_240_604);
/** At level info the worker says when it runs. */
const WORKER_ENV = { CHECKPOINT_EVERY_RECORDS: "100", LOG_LEVEL: "info" };
const WORKER_RUNNING = "anchoring worker running";
const POLL_MS = 200;
/**
 * Interval mining paces anchoring by the chain rather than by this machine's speed: a member's next record waits for
 * the block holding the previous one, so with WRITERS members written side by side about WRITERS records go per block.
 */
const BLOCK_SECONDS = 0.25;
const WRITERS = 10;

interface Progress {
  outbox: Record<OutboxState, number>;
  journal: Partial<Record<ChainTransactionState, number>>;
}

interface Kill extends Progress {
  afterMs: number;
}

/** mulberry32: a small seeded generator of floats in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function progressOf(repositories: Repositories): Promise<Progress> {
  const journal: Partial<Record<ChainTransactionState, number>> = {};
  for (const { state } of await repositories.chainTransactions.list()) journal[state] = (journal[state] ?? 0) + 1;
  return { outbox: await repositories.outbox.countByState(), journal };
}

const unfinished = ({ outbox }: Progress) => outbox.PENDING + outbox.SENT + outbox.MINED;

async function actorOf(repositories: Repositories, username: string): Promise<Actor> {
  const account = (await repositories.accounts.findByUsername(username))!;
  return { accountId: account.id, orgId: account.orgId, role: account.role, canReadPersonalData: account.canReadPersonalData };
}

/** Starts a worker, lets it anchor for a while, kills it: KILLS times. Returns what was under way at each kill. */
async function killWorkersRepeatedly(environment: E2eEnvironment, repositories: Repositories): Promise<Kill[]> {
  const random = seededRandom(SEED);
  const kills: Kill[] = [];
  for (let round = 0; round < KILLS; round += 1) {
    const worker = environment.start("worker", WORKER_ENV);
    // Counted from there: before it, the worker is still compiling its sources, not anchoring.
    await worker.printed(WORKER_RUNNING);
    const afterMs = Math.round(KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
    await sleep(afterMs);
    const progress = await progressOf(repositories);
    await worker.kill();
    kills.push({ afterMs, ...progress });
  }
  return kills;
}

/** A last worker, left to run until every item is final and a final checkpoint covers the log; then stopped. */
async function anchorToTheEnd(environment: E2eEnvironment, repositories: Repositories): Promise<number | null> {
  const worker = environment.start("worker", WORKER_ENV);
  // Stopped before its SIGTERM handler is installed, it would die of the signal instead of shutting down.
  await worker.printed(WORKER_RUNNING);
  while (unfinished(await progressOf(repositories)) > 0 || !(await repositories.checkpoints.finalCovering(RECORDS))) {
    if (!worker.isRunning()) throw new Error(`the last worker exited before anchoring everything:\n${worker.output()}`);
    await sleep(POLL_MS);
  }
  return worker.stop();
}

describe("Anchoring end to end", function () {
  describe("a standalone worker killed again and again while anchoring", function () {
    this.timeout(300_000);
    let environment: E2eEnvironment | undefined;
    let dataSource: DataSource | undefined;
    let kills: Kill[];
    let lastWorkerExitCode: number | null;
    let audit: AnchoringAudit;
    let recordStates: Set<string>;

    before(async function () {
      if (process.env.DATABASE_URL === undefined) {
        console.log("      skipped: the crash test needs PostgreSQL (set DATABASE_URL), where the test and the workers share the database");
        this.skip();
      }
      environment = await createE2eEnvironment({ blockTimeSeconds: BLOCK_SECONDS });
      dataSource = await environment.database.open();
      const repositories = createRepositories(dataSource.manager);
      const institution = createInstitution(dataSource, environment.database.keys);
      const [clerk, approver] = await Promise.all([actorOf(repositories, E2E_USERS.clerk), actorOf(repositories, E2E_USERS.approver)]);
      const { branchA } = environment.chain.orgs;
      // A few clerks at once, so members' records interleave in the log as a busy office's would.
      await inParallel(Array.from({ length: PEOPLE }), WRITERS, () =>
        walkMember(institution, clerk, approver, { orgId: branchA, personal: randomPerson(), upTo: LAST_STEP }),
      );

      kills = await killWorkersRepeatedly(environment, repositories);
      console.log(`      seed ${SEED}; at each kill:\n${kills.map((kill) => `        ${JSON.stringify(kill)}`).join("\n")}`);
      lastWorkerExitCode = await anchorToTheEnd(environment, repositories);
      audit = await auditAnchoring(environment.chain, dataSource);
      const views = await anchoringViews(
        repositories,
        audit.records.map((record) => record.id),
      );
      recordStates = new Set([...views.values()].map((view) => view.state));
    });

    after(async function () {
      await dataSource?.destroy();
      await environment?.close();
    });

    it("should have killed the worker mid-way every time", function () {
      expect(kills).to.have.length(KILLS);
      expect(
        kills.filter((kill) => unfinished(kill) === 0),
        "kills after anchoring was over",
      ).to.deep.equal([]);
      const finalAtKills = kills.map((kill) => kill.outbox.FINAL);
      expect(new Set(finalAtKills).size, "anchoring progressed between kills").to.be.greaterThan(1);
    });

    it("should make every record final, and let the last worker stop cleanly", function () {
      expect(audit.records).to.have.length(RECORDS);
      expect(recordStates).to.deep.equal(new Set(["FINAL"]));
      expect(audit.outbox).to.include({ PENDING: 0, SENT: 0, MINED: 0, FAILED: 0 });
      expect(lastWorkerExitCode).to.equal(0);
    });

    it("should append every record to the ledger exactly once", function () {
      const counts = audit.records.map(({ recordHash }) => audit.appendedPerHash.get(recordHash) ?? 0);
      expect(
        counts.filter((count) => count !== 1),
        "records not appended exactly once",
      ).to.deep.equal([]);
      expect(audit.appendedPerHash.size).to.equal(RECORDS);
    });

    it("should have sent exactly the journaled transactions, once each, none reverted", function () {
      expect(audit.journal).to.include({ SIGNED: 0, REVERTED: 0, REPLACED: 0 });
      expect(audit.senderNonce).to.equal(audit.journaledMined.length);
      expect(audit.senderTransactions).to.have.length(audit.journaledMined.length);
      expect(audit.senderTransactions).to.have.members(audit.journaledMined);
    });

    it("should end with a checkpoint of all records whose root is the log's", function () {
      expect(audit.latestCheckpoint).to.deep.equal({ treeSize: RECORDS, root: audit.logRoot });
    });
  });
});
