// Issue 5, end to end: university B's instance is killed (SIGKILL) twice and started again while university A issues a
// burst of 200 transfers to B. The indexer commits the events of a batch and the cursor past them in one transaction,
// so whatever a kill interrupts, B ends with each transfer applied once: one incoming transfer, one chain event, one
// audit entry and one awaited member file per transfer issued.
import { expect } from "chai";
import { EVENT_CURSOR } from "../../api/src/domain/federation";
import type { InstanceProcess } from "../helpers/e2e-processes";
import { createTwoUniversities, issueTransfers, registerApplicants, type IssuedBurst, type TwoUniversities } from "../helpers/e2e-burst";
import { sleep } from "../helpers/e2e-client";

const TRANSFERS = 200;
/**
 * A wave of transfers per block: the burst spans about 50 blocks, long enough for both kills and a slow restart of B
 * (it compiles its sources each time) to fall within it.
 */
const PER_BLOCK = 4;
const BLOCK_SECONDS = 1;
/**
 * Small batches and quick polls, so that B catches up after a restart in several transactions and a kill can land
 * between them or inside one. At level info B says when it listens, which is when its indexer has started.
 */
const B_ENV = { INDEXER_POLL_MS: "200", INDEXER_BATCH_BLOCKS: "5", LOG_LEVEL: "info" };
const LISTENING = "cunzheng is listening";
/** B is killed once it holds this many incoming transfers, and a random part of a block later; both in the burst's first half. */
const KILL_AT_INCOMING = { min: 10, max: 100 };
const KILLS = 2;
/** Varied moments, the same on every run; RESTART_TEST_SEED picks others. */
const SEED = Number(process.env.RESTART_TEST_SEED ?? 20_241_121);
const POLL_MS = 50;

interface BProgress {
  /** The last block B's indexer is done with. */
  cursor: number;
  /** Incoming transfers B holds. */
  incoming: number;
}

interface Kill extends BProgress {
  threshold: number;
  delayMs: number;
  /** Transfers the burst had mined when B was killed. */
  mined: number;
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

async function progressOf(universities: TwoUniversities): Promise<BProgress> {
  const { rows } = await universities.databaseB.query<{ cursor: string | null; incoming: string }>(
    `SELECT (SELECT block_number FROM chain_cursor WHERE name = $1) AS cursor,
            (SELECT count(*) FROM transfers WHERE NOT issued_here) AS incoming`,
    [EVENT_CURSOR],
  );
  return { cursor: Number(rows[0].cursor ?? 0), incoming: Number(rows[0].incoming) };
}

/** Polls B's database until `done`; fails as soon as B's process is gone, showing what it printed. */
async function waitForB(universities: TwoUniversities, b: InstanceProcess, done: (progress: BProgress) => boolean): Promise<BProgress> {
  for (;;) {
    const progress = await progressOf(universities);
    if (done(progress)) return progress;
    if (!b.isRunning()) throw new Error(`instance B exited:\n${b.output()}`);
    await sleep(POLL_MS);
  }
}

async function startB(universities: TwoUniversities): Promise<InstanceProcess> {
  const b = universities.startB(B_ENV);
  await b.printed(LISTENING);
  return b;
}

describe("Chain event indexer end to end", function () {
  describe("an instance killed and started again during a burst of incoming transfers", function () {
    this.timeout(300_000);
    let universities: TwoUniversities | undefined;
    let burst: IssuedBurst;
    let kills: Kill[];
    let transfers: { id: string; issued_here: boolean; state: string }[];
    let issuedEvents: { transfer_id: string; effect: string }[];
    let audits: { target_id: string; count: string }[];
    let files: { transfer_id: string; state: string }[];

    before(async function () {
      if (process.env.DATABASE_URL === undefined) {
        console.log("      skipped: the restart test needs PostgreSQL (set DATABASE_URL), where the test reads B's database while B runs");
        this.skip();
      }
      universities = await createTwoUniversities();
      const { chain, databaseB } = universities;
      const memberKeys = await registerApplicants(chain, TRANSFERS);
      await chain.mineEvery(BLOCK_SECONDS);
      let b = await startB(universities);

      const random = seededRandom(SEED);
      const thresholds = Array.from({ length: KILLS }, () =>
        Math.round(KILL_AT_INCOMING.min + random() * (KILL_AT_INCOMING.max - KILL_AT_INCOMING.min)),
      );
      const delays = thresholds.map(() => Math.round(random() * BLOCK_SECONDS * 1000));
      thresholds.sort((x, y) => x - y);
      let mined = 0;
      const issuing = issueTransfers(chain, memberKeys, { perBlock: PER_BLOCK, onMined: (count) => (mined = count) });
      // A failed burst must not stay unhandled while the kills below are awaited.
      issuing.catch(() => undefined);
      kills = [];
      for (const [round, threshold] of thresholds.entries()) {
        await waitForB(universities, b, ({ incoming }) => incoming >= threshold);
        await sleep(delays[round]);
        await b.kill();
        // Read after the kill: what the killed instance committed is all it will ever commit.
        kills.push({ threshold, delayMs: delays[round], mined, ...(await progressOf(universities)) });
        b = await startB(universities);
      }
      burst = await issuing;
      console.log(
        `      seed ${SEED}; last transfer in block ${burst.lastBlock}; at each kill:\n${kills.map((kill) => `        ${JSON.stringify(kill)}`).join("\n")}`,
      );
      await waitForB(universities, b, ({ cursor }) => cursor >= burst.lastBlock);

      ({ rows: transfers } = await databaseB.query("SELECT id, issued_here, state FROM transfers"));
      ({ rows: issuedEvents } = await databaseB.query(
        "SELECT args->>'transferId' AS transfer_id, effect FROM chain_events WHERE contract = 'transfers' AND name = 'TransferIssued'",
      ));
      ({ rows: audits } = await databaseB.query(
        "SELECT target_id, count(*) FROM audit_log WHERE action = 'transfer.incoming' GROUP BY target_id",
      ));
      ({ rows: files } = await databaseB.query("SELECT transfer_id, state FROM incoming_files"));
    });

    after(async function () {
      await universities?.close();
    });

    it("should have killed B while transfers it had not applied were on chain, twice", function () {
      expect(kills).to.have.length(KILLS);
      for (const kill of kills) {
        expect(kill.cursor, "B's cursor when killed").to.be.below(burst.lastBlock);
        expect(kill.incoming, "incoming transfers B held when killed").to.be.at.least(kill.threshold).and.below(TRANSFERS);
      }
    });

    it("should record each issued transfer once, as an incoming transfer", function () {
      expect(transfers).to.have.length(TRANSFERS);
      expect(transfers.map((transfer) => transfer.id)).to.have.members(burst.ids);
      expect(transfers.filter((transfer) => transfer.issued_here || transfer.state !== "ISSUED")).to.deep.equal([]);
    });

    it("should apply each TransferIssued event once, as an incoming transfer", function () {
      expect(issuedEvents).to.have.length(TRANSFERS);
      expect(issuedEvents.map((event) => event.transfer_id)).to.have.members(burst.ids);
      expect(issuedEvents.filter((event) => !event.effect.startsWith("incoming transfer"))).to.deep.equal([]);
    });

    it("should write one audit entry per incoming transfer", function () {
      expect(audits.map((audit) => audit.target_id)).to.have.members(burst.ids);
      expect(audits.filter((audit) => Number(audit.count) !== 1)).to.deep.equal([]);
    });

    it("should await one member file per incoming transfer", function () {
      expect(files.map((file) => file.transfer_id)).to.have.members(burst.ids);
      expect(files.filter((file) => file.state !== "WAITING")).to.deep.equal([]);
    });
  });
});
