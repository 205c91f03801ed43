// Issue 12, the other side: a transaction whose nonce another journaled transaction took is still known for replaced
// (the journal proves it), and its items go out again in a new one, reaching the chain once.
import { expect } from "chai";
import { Transaction } from "ethers";
import { encodeBatch } from "../../api/src/anchoring/encoding";
import { auditAnchoring, type AnchoringAudit } from "../helpers/e2e-audit";
import { startInProcessAnchoring, type InProcessAnchoring } from "../helpers/e2e-anchoring";

const MAX_ROUNDS = 200;

describe("A journaled transaction whose nonce another one took", function () {
  this.timeout(180_000);
  let anchoring: InProcessAnchoring | undefined;
  let staleHash: string;
  let itemId: number;
  let audit: AnchoringAudit;

  before(async function () {
    anchoring = await startInProcessAnchoring();
    const { repositories, environment } = anchoring;
    const { chain } = environment;
    await anchoring.walk(2, "S1");
    await anchoring.anchorToTheEnd(anchoring.worker(), MAX_ROUNDS);

    // A new member's application, signed (never broadcast) at a nonce the journal's last mined transaction used.
    await anchoring.walk(1, "S1");
    const [item] = await repositories.outbox.listPending(10);
    itemId = item.id;
    const journal = await repositories.chainTransactions.list();
    const usedNonce = Math.max(...journal.map((transaction) => transaction.nonce));
    const raw = await chain.instanceKey.signTransaction({
      ...encodeBatch(chain.deployment.contracts, [item.call]),
      chainId: chain.deployment.chainId,
      nonce: usedNonce,
      gasLimit: 1_000_000,
      type: 0,
      gasPrice: 0,
    });
    staleHash = Transaction.from(raw).hash!;
    await anchoring.institution.transaction(async (tx) => {
      const id = await tx.chainTransactions.insert({ sender: chain.instanceKey.address, nonce: usedNonce, hash: staleHash, raw });
      await tx.outbox.markSent([item.id], id);
    });

    await anchoring.anchorToTheEnd(anchoring.worker(), MAX_ROUNDS);
    audit = await auditAnchoring(chain, anchoring.dataSource);
  });

  after(async function () {
    await anchoring?.close();
  });

  it("should mark it replaced and send its item again, to the chain once", async function () {
    const stale = (await anchoring!.repositories.chainTransactions.findByHash(staleHash))!;
    expect(stale.state).to.equal("REPLACED");
    const item = (await anchoring!.repositories.outbox.get(itemId))!;
    expect(item.state).to.equal("FINAL");
    expect(item.transactionId).not.to.equal(stale.id);
    expect(audit.outbox).to.include({ PENDING: 0, SENT: 0, MINED: 0, FAILED: 0 });
    expect(audit.journal).to.include({ SIGNED: 0, REPLACED: 1 });
    const counts = audit.records.map(({ recordHash }) => audit.appendedPerHash.get(recordHash) ?? 0);
    expect(counts).to.deep.equal(audit.records.map(() => 1));
    expect(audit.senderTransactions).to.have.members(audit.journaledMined);
  });
});
