// Issue 12: a bounded soak on PostgreSQL. Several clients enter members and their next step through the HTTP API
// while the instance anchors against Anvil mining a block every quarter second. In the end every outbox item is final,
// none failed, each record is on the ledger once, and the audit sweep finds nothing.
import { expect } from "chai";
import type { DataSource } from "typeorm";
import { createAuditChainReader } from "../../api/src/chain";
import { createRepositories } from "../../api/src/data-access";
import { runAuditSweep, type AuditReport } from "../../api/src/domain/audit";
import { createInstitution } from "../../api/src/server";
import { createE2eEnvironment, E2E_PASSWORD, E2E_USERS, type E2eEnvironment } from "../helpers/e2e";
import { auditAnchoring, type AnchoringAudit } from "../helpers/e2e-audit";
import { ApiClient, sleep, waitForHealth } from "../helpers/e2e-client";
import { freePort } from "../helpers/ports";

/** Each member is entered (S1) and takes the next step (S2): two writes each, at most this many members... */
const MEMBERS = Number(process.env.SOAK_MEMBERS ?? 1_000);
/** ...and no new member after this long, so that a slow machine runs a shorter soak rather than a longer one. */
const WRITING_BOUND_MS = 60_000;
const CONNECTIONS = 4;
const BLOCK_SECONDS = 0.25;
/** How long anchoring may take once the writes are in, before the test gives up. */
const ANCHORING_BOUND_MS = 90_000;
const POLL_MS = 250;

describe("Soak: thousands of writes from several clients, anchored against Anvil", function () {
  this.timeout(WRITING_BOUND_MS + ANCHORING_BOUND_MS + 120_000);
  let environment: E2eEnvironment | undefined;
  let dataSource: DataSource | undefined;
  let accepted: number;
  let members: number;
  let audit: AnchoringAudit;
  let sweep: AuditReport;
  let apiExitCode: number | null;

  before(async function () {
    if (process.env.DATABASE_URL === undefined) {
      console.log(
        "      skipped: the soak needs PostgreSQL (set DATABASE_URL), where the test reads the instance's database while it runs",
      );
      this.skip();
    }
    environment = await createE2eEnvironment({ blockTimeSeconds: BLOCK_SECONDS });
    const { chain } = environment;
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const api = environment.start("main", { PORT: String(port), CHECKPOINT_EVERY_RECORDS: "200" });
    await waitForHealth(baseUrl, api);
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, () => ApiClient.login(baseUrl, E2E_USERS.clerk, E2E_PASSWORD)));

    const started = Date.now();
    accepted = 0;
    members = 0;
    await Promise.all(
      clients.map(async (client) => {
        while (members < MEMBERS && Date.now() - started < WRITING_BOUND_MS) {
          members += 1;
          const { memberId } = await client.enroll(chain.orgs.branchA);
          accepted += 1;
          await client.recordStep(memberId, "S2");
          accepted += 1;
        }
      }),
    );
    console.log(`      ${accepted} writes (${members} members) accepted in ${Date.now() - started} ms`);

    dataSource = await environment.database.open();
    const repositories = createRepositories(dataSource.manager);
    const deadline = Date.now() + ANCHORING_BOUND_MS;
    for (;;) {
      const outbox = await repositories.outbox.countByState();
      if (outbox.PENDING + outbox.SENT + outbox.MINED === 0 && (await repositories.checkpoints.finalCovering(accepted))) break;
      if (Date.now() > deadline) throw new Error(`anchoring not over after ${ANCHORING_BOUND_MS} ms: ${JSON.stringify(outbox)}`);
      if (!api.isRunning()) throw new Error(`the instance exited:\n${api.output()}`);
      await sleep(POLL_MS);
    }
    console.log(`      all anchored and checkpointed ${Date.now() - started} ms after the first write`);
    apiExitCode = await api.stop();

    audit = await auditAnchoring(chain, dataSource);
    const institution = createInstitution(dataSource, environment.database.keys);
    sweep = await runAuditSweep(
      { repositories, chain: createAuditChainReader(chain.provider, chain.deployment.contracts), cipher: institution.cipher },
      { logId: chain.orgs.committeeA, deadlineSeconds: 3600, fromBlock: chain.deployment.deploymentBlock, now: () => new Date() },
    );
  });

  after(async function () {
    await dataSource?.destroy();
    await environment?.close();
  });

  it("should accept every write, and store each", function () {
    expect(accepted).to.equal(members * 2);
    expect(audit.records).to.have.length(accepted);
  });

  it("should make every outbox item final, none failed, and stop cleanly", function () {
    expect(audit.outbox).to.include({ PENDING: 0, SENT: 0, MINED: 0, FAILED: 0 });
    expect(audit.journal).to.include({ SIGNED: 0, REVERTED: 0, REPLACED: 0 });
    expect(apiExitCode).to.equal(0);
  });

  it("should put every record on the ledger exactly once, from the journaled transactions", function () {
    const counts = audit.records.map(({ recordHash }) => audit.appendedPerHash.get(recordHash) ?? 0);
    expect(
      counts.filter((count) => count !== 1),
      "records not appended exactly once",
    ).to.deep.equal([]);
    expect(audit.senderNonce).to.equal(audit.journaledMined.length);
    expect(audit.senderTransactions).to.have.members(audit.journaledMined);
    expect(audit.latestCheckpoint).to.deep.equal({ treeSize: accepted, root: audit.logRoot });
  });

  it("should leave the audit sweep nothing to report", function () {
    expect(sweep.findings.map((finding) => `${finding.kind} ${finding.recordId ?? ""}: ${finding.detail}`)).to.deep.equal([]);
    expect(sweep.clean).to.equal(true);
  });
});
