// Issue 12: under load a node may count a transaction's nonce as used while it still answers its receipt with null.
// The old follow-up took such a transaction for replaced, sent its items again, and failed them when the chain refused
// a write it already held. Here a proxy in front of Anvil answers null receipts, for chosen mined transactions, for a
// few reads or for good: every item still ends FINAL, no transaction is taken for replaced, and the chain holds each
// write exactly once, from the one transaction the journal has for it.
import { expect } from "chai";
import { anchoringViews } from "../../api/src/domain/anchoring-state";
import { auditAnchoring, type AnchoringAudit } from "../helpers/e2e-audit";
import { startInProcessAnchoring, type InProcessAnchoring } from "../helpers/e2e-anchoring";
import { startReceiptRaceProxy, type ReceiptRaceProxy } from "../helpers/receipt-race-proxy";

const PEOPLE = 16;
/** S1 to S5: five records each. */
const UP_TO = "S5";
const RECORDS = PEOPLE * 5;
const MAX_ROUNDS = 400;
/** Every third transaction's receipt never comes; every third after it comes only on the third read. */
const hide = (index: number) => [Infinity, 2, 0][index % 3];

describe("Anchoring through a node that answers null receipts for mined transactions", function () {
  this.timeout(180_000);
  let anchoring: InProcessAnchoring | undefined;
  let proxy: ReceiptRaceProxy | undefined;
  let audit: AnchoringAudit;
  let recordStates: string[];

  before(async function () {
    anchoring = await startInProcessAnchoring();
    proxy = await startReceiptRaceProxy(anchoring.environment.chain.rpcUrl, { hide });
    await anchoring.walk(PEOPLE, UP_TO);
    await anchoring.anchorToTheEnd(anchoring.worker({}, proxy.url), MAX_ROUNDS);
    audit = await auditAnchoring(anchoring.environment.chain, anchoring.dataSource);
    const views = await anchoringViews(
      anchoring.repositories,
      audit.records.map((record) => record.id),
    );
    recordStates = [...views.values()].map((view) => view.state);
  });

  after(async function () {
    await proxy?.close();
    await anchoring?.close();
  });

  it("should have answered null for receipts the node had, of several transactions", function () {
    expect(proxy!.chosen.size).to.be.greaterThan(4);
    expect(proxy!.nullAnswers).to.be.greaterThan(proxy!.chosen.size);
  });

  it("should make every item final, none failed", function () {
    expect(audit.records).to.have.length(RECORDS);
    expect(audit.outbox).to.include({ PENDING: 0, SENT: 0, MINED: 0, FAILED: 0 });
    expect(new Set(recordStates)).to.deep.equal(new Set(["FINAL"]));
  });

  it("should take no transaction for replaced, and journal exactly what the key sent", function () {
    expect(audit.journal).to.include({ SIGNED: 0, MINED: 0, REVERTED: 0, REPLACED: 0 });
    expect(audit.senderNonce).to.equal(audit.journaledMined.length);
    expect(audit.senderTransactions).to.have.members(audit.journaledMined);
    expect(
      [...proxy!.chosen].filter((hash) => !audit.journaledMined.includes(hash)),
      "hidden transactions not journaled as mined",
    ).to.deep.equal([]);
  });

  it("should append every record to the ledger exactly once", function () {
    const counts = audit.records.map(({ recordHash }) => audit.appendedPerHash.get(recordHash) ?? 0);
    expect(
      counts.filter((count) => count !== 1),
      "records not appended exactly once",
    ).to.deep.equal([]);
    expect(audit.appendedPerHash.size).to.equal(RECORDS);
  });

  it("should end with a checkpoint of all records whose root is the log's", function () {
    expect(audit.latestCheckpoint).to.deep.equal({ treeSize: RECORDS, root: audit.logRoot });
  });
});
