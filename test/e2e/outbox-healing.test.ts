// Issue 12: outbox items the old follow-up left FAILED although the chain holds their writes (their transaction taken
// for replaced, the write then refused as MemberExists, StaleHead or TreeSizeNotGrowing, the member's later items
// BlockedByEarlierFailure) become FINAL once the fixed worker runs, anchored by the transaction that really made them;
// an item left FAILED whose write the chain does not hold is sent again, and one the chain refuses for good is
// reported with the chain's true reason.
import { expect } from "chai";
import { nextBatch } from "../../api/src/anchoring/batches";
import type { OutboxError, OutboxItem } from "../../api/src/data-access";
import { anchoringViews } from "../../api/src/domain/anchoring-state";
import { auditAnchoring, type AnchoringAudit } from "../helpers/e2e-audit";
import { startInProcessAnchoring, type InProcessAnchoring } from "../helpers/e2e-anchoring";

const PEOPLE = 6;
const MAX_ROUNDS = 200;

/** The refusal the old worker recorded when it sent again a write the chain already held. */
function oldRefusal(item: OutboxItem): OutboxError {
  const [logId, treeSize] = item.call.args;
  const [memberKey] = item.call.args;
  if (item.call.method === "checkpoint") {
    return {
      name: "CheckpointLogTreeSizeNotGrowing",
      args: [logId, treeSize, treeSize],
      message: "the chain refused checkpoint: CheckpointLogTreeSizeNotGrowing(…)",
    };
  }
  if (item.call.method === "register") {
    return {
      name: "MembershipLedgerMemberExists",
      args: [memberKey],
      message: "the chain refused register: MembershipLedgerMemberExists(…)",
    };
  }
  return {
    name: "MembershipLedgerStaleHead",
    args: [memberKey, item.call.args[2], item.call.args[1]],
    message: `the chain refused ${item.call.method}: MembershipLedgerStaleHead(…)`,
  };
}

describe("Healing outbox items the old follow-up left FAILED", function () {
  this.timeout(180_000);
  let anchoring: InProcessAnchoring | undefined;
  let replacedHashes: string[];
  let forgotten: { hash: string; raw: string; items: number[] };
  let healedItems: number[];
  let blockedItems: number[];
  let transientItem: number;
  let refusedItem: number;
  let items: Map<number, OutboxItem>;
  let audit: AnchoringAudit;
  let views: Map<number, { state: string; transactionHash: string | null; error: OutboxError | null }>;

  before(async function () {
    anchoring = await startInProcessAnchoring();
    const { repositories, dataSource } = anchoring;
    const members = await anchoring.walk(PEOPLE, "S3");
    await anchoring.anchorToTheEnd(anchoring.worker(), MAX_ROUNDS);

    // As the old worker left them: two transactions (a member's last record's, the last checkpoint's) taken for
    // replaced, their items refused as writes already on chain, detached and failed.
    const [lastRecord] = (await repositories.records.listByMember(members[0])).slice(-1);
    const lastCheckpoint = (await repositories.checkpoints.latest())!;
    const transactionOf = async (where: string, value: number) =>
      Number((await dataSource.query(`SELECT transaction_id FROM outbox WHERE ${where} = $1`, [value]))[0].transaction_id);
    const corrupted = [await transactionOf("record_id", lastRecord.id), await transactionOf("tree_size", lastCheckpoint.treeSize)];
    replacedHashes = [];
    healedItems = [];
    for (const transactionId of corrupted) {
      replacedHashes.push((await repositories.chainTransactions.get(transactionId))!.hash);
      for (const item of await repositories.outbox.listByTransaction(transactionId)) {
        healedItems.push(item.id);
        await repositories.outbox.markFailed(item.id, oldRefusal(item));
      }
      await dataSource.query(
        "UPDATE chain_transactions SET state = 'REPLACED', block_number = NULL, block_hash = NULL, mined_at = NULL WHERE id = $1",
        [transactionId],
      );
    }
    // And a transaction the journal lost (a predecessor's, say): its items failed, its row gone.
    const [firstRecord] = await repositories.records.listByMember(members[1]);
    const lostId = await transactionOf("record_id", firstRecord.id);
    expect(corrupted).not.to.include(lostId);
    const lost = (await repositories.chainTransactions.get(lostId))!;
    forgotten = { hash: lost.hash, raw: lost.raw, items: [] };
    for (const item of await repositories.outbox.listByTransaction(lostId)) {
      forgotten.items.push(item.id);
      healedItems.push(item.id);
      await repositories.outbox.markFailed(item.id, oldRefusal(item));
    }
    await dataSource.query("DELETE FROM chain_transactions WHERE id = $1", [lostId]);

    // Every member's next record; and two new members: one whose application failed for a reason that may pass (its
    // write is not on chain), one whose second record the chain refuses for good (dated before the member's first)
    // although the item was recorded with a misleading reason.
    await Promise.all(members.map((memberId) => anchoring!.recordStep(memberId, "S4")));
    const [transientMember, refusedMember] = await anchoring.walk(2, "S2");
    const pending = await repositories.outbox.listPending(1_000);
    const itemsOf = async (memberId: string) => {
      const recordIds = (await repositories.records.listByMember(memberId)).map((record) => record.id);
      return pending.filter((item) => recordIds.includes(item.recordId!));
    };
    const [transient] = await itemsOf(transientMember);
    const [, refused] = await itemsOf(refusedMember);
    transientItem = transient.id;
    refusedItem = refused.id;
    await dataSource.query("UPDATE outbox SET args = jsonb_set(args, '{3}', '1'::jsonb) WHERE id = $1", [refused.id]);
    await repositories.outbox.markFailed(transient.id, {
      name: "MembershipLedgerUnknownMember",
      args: [transient.subject],
      message: "the chain refused register: MembershipLedgerUnknownMember(…)",
    });
    await repositories.outbox.markFailed(refused.id, {
      name: "MembershipLedgerStaleHead",
      args: [refused.subject],
      message: "the chain refused append: MembershipLedgerStaleHead(…)",
    });
    // The old worker's batch selection then failed the later items of those members.
    await nextBatch(repositories, 1_000);
    blockedItems = (await repositories.outbox.listFailed(1_000))
      .filter((item) => item.error?.name === "BlockedByEarlierFailure")
      .map((item) => item.id);
    expect(blockedItems.length).to.be.greaterThan(1);

    // A new worker, as after the upgrade.
    await anchoring.anchorToTheEnd(anchoring.worker(), MAX_ROUNDS);
    items = new Map();
    for (const id of [...healedItems, ...blockedItems, transientItem, refusedItem]) items.set(id, (await repositories.outbox.get(id))!);
    audit = await auditAnchoring(anchoring.environment.chain, dataSource);
    views = await anchoringViews(
      repositories,
      audit.records.map((record) => record.id),
    );
  });

  after(async function () {
    await anchoring?.close();
  });

  it("should make every item whose write the chain holds FINAL, by the transaction that made it", async function () {
    for (const id of healedItems) expect(items.get(id)!.state, `item ${id}`).to.equal("FINAL");
    const journal = await anchoring!.repositories.chainTransactions.list();
    const restored = journal.filter((transaction) => replacedHashes.includes(transaction.hash));
    expect(restored.map((transaction) => transaction.state)).to.deep.equal(["FINAL", "FINAL"]);
    const recordItems = healedItems.map((id) => items.get(id)!).filter((item) => item.recordId !== null);
    for (const item of recordItems) expect(views.get(item.recordId!)!.transactionHash).to.be.oneOf([...replacedHashes, forgotten.hash]);
  });

  it("should journal again, from the chain's copy, a transaction the journal had lost", async function () {
    const journaled = (await anchoring!.repositories.chainTransactions.findByHash(forgotten.hash))!;
    expect(journaled).to.include({ state: "FINAL", raw: forgotten.raw });
    for (const id of forgotten.items) expect(items.get(id)!.transactionId).to.equal(journaled.id);
  });

  it("should send the items held back by those failures, and the one failed for a passing reason", function () {
    for (const id of [...blockedItems, transientItem]) expect(items.get(id)!.state, `item ${id}`).to.equal("FINAL");
  });

  it("should report a write the chain refuses for good with the chain's true reason", function () {
    const refused = items.get(refusedItem)!;
    expect(refused.state).to.equal("FAILED");
    expect(refused.error!.name).to.equal("MembershipLedgerDateBackwards");
    expect(views.get(refused.recordId!)!.error!.name).to.equal("MembershipLedgerDateBackwards");
    expect(audit.outbox.FAILED).to.equal(1);
  });

  it("should have sent no write twice: the key's transactions are the journal's, none replaced", function () {
    const counts = audit.records.map(({ recordHash }) => audit.appendedPerHash.get(recordHash) ?? 0);
    const notOnce = audit.records.filter((record, index) => counts[index] !== 1 && record.id !== items.get(refusedItem)!.recordId);
    expect(notOnce, "records not appended exactly once").to.deep.equal([]);
    expect(audit.journal).to.include({ SIGNED: 0, MINED: 0, REPLACED: 0 });
    expect(audit.senderTransactions).to.have.members(audit.journaledMined);
  });
});
