// Issue 4, end to end: the chain goes down while the API keeps taking writes. Every write is accepted and waits in
// the outbox; once the node is back, everything is anchored and checkpointed, and nothing reached the chain twice.
import { expect } from "chai";
import type { AnchoringState } from "../../api/src/domain/anchoring-state";
import { createE2eEnvironment, E2E_PASSWORD, E2E_USERS, type E2eEnvironment } from "../helpers/e2e";
import { auditAnchoring, type AnchoringAudit } from "../helpers/e2e-audit";
import { ApiClient, inParallel, waitForHealth } from "../helpers/e2e-client";
import { freePort } from "../helpers/ports";

const WRITES_DURING_OUTAGE = 500;
const CLIENTS = 8;

describe("Anchoring end to end", function () {
  describe("a chain outage while the API takes writes", function () {
    this.timeout(300_000);
    let environment: E2eEnvironment | undefined;
    let lastBlockBeforeOutage: { number: number; hash: string };
    let sameBlockAfterOutage: string | undefined;
    let statesDuringOutage: AnchoringState[];
    let statesAfterOutage: AnchoringState[];
    let apiExitCode: number | null;
    let audit: AnchoringAudit;

    before(async function () {
      environment = await createE2eEnvironment();
      const { chain } = environment;
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const api = environment.start("main", { PORT: String(port) });
      await waitForHealth(baseUrl, api);
      const client = await ApiClient.login(baseUrl, E2E_USERS.clerk, E2E_PASSWORD);
      await client.waitForRecords((await client.enroll(chain.orgs.branchA)).memberId, "FINAL");
      const block = (await chain.provider.getBlock("latest"))!;
      lastBlockBeforeOutage = { number: block.number, hash: block.hash! };

      await chain.stop();
      const members = await inParallel(Array.from({ length: WRITES_DURING_OUTAGE }), CLIENTS, () => client.enroll(chain.orgs.branchA));
      statesDuringOutage = await inParallel(members, CLIENTS, async ({ memberId }) => (await client.records(memberId))[0].anchoring.state);

      await chain.restart();
      sameBlockAfterOutage = (await chain.provider.getBlock(lastBlockBeforeOutage.number))?.hash ?? undefined;
      await client.waitForRecords(members.at(-1)!.memberId, "FINAL");
      statesAfterOutage = await inParallel(
        members,
        CLIENTS,
        async ({ memberId }) => (await client.waitForRecords(memberId, "FINAL"))[0].anchoring.state,
      );
      apiExitCode = await api.stop();

      const dataSource = await environment.database.open();
      try {
        audit = await auditAnchoring(chain, dataSource);
      } finally {
        await dataSource.destroy();
      }
    });

    after(async function () {
      await environment?.close();
    });

    it("should accept every write while the node is down and keep each pending", function () {
      expect(statesDuringOutage).to.have.length(WRITES_DURING_OUTAGE);
      expect(new Set(statesDuringOutage)).to.deep.equal(new Set(["PENDING"]));
    });

    it("should find the chain as it left it when the node restarts from its state file", function () {
      expect(sameBlockAfterOutage).to.equal(lastBlockBeforeOutage.hash);
    });

    it("should make every record final once the node is back", function () {
      expect(new Set(statesAfterOutage)).to.deep.equal(new Set(["FINAL"]));
      expect(audit.outbox).to.include({ PENDING: 0, SENT: 0, MINED: 0, FAILED: 0 });
      expect(apiExitCode).to.equal(0);
    });

    it("should append every record to the ledger exactly once", function () {
      expect(audit.records).to.have.length(WRITES_DURING_OUTAGE + 1);
      const counts = audit.records.map(({ recordHash }) => audit.appendedPerHash.get(recordHash) ?? 0);
      expect(
        counts.filter((count) => count !== 1),
        "records not appended exactly once",
      ).to.deep.equal([]);
      expect(audit.appendedPerHash.size).to.equal(audit.records.length);
    });

    it("should have sent each journaled transaction once, none reverted", function () {
      expect(audit.journal).to.include({ SIGNED: 0, REVERTED: 0, REPLACED: 0 });
      expect(audit.senderNonce).to.equal(audit.journaledMined.length);
      expect(audit.senderTransactions).to.have.members(audit.journaledMined);
      expect(audit.senderTransactions).to.have.length(audit.journaledMined.length);
    });

    it("should checkpoint the whole log with the root of its records", function () {
      expect(audit.latestCheckpoint).to.deep.equal({ treeSize: audit.records.length, root: audit.logRoot });
    });
  });
});
