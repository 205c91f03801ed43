// What becomes of an item the chain refuses. If the chain already holds exactly its write (a transaction mined while
// the node still answered without its receipt, a predecessor's write), the item is anchored by the transaction that
// made it, never failed. Otherwise it fails with the chain's reason, and failed items are looked at again: those
// whose write has since appeared are anchored, those refused for a reason that may pass are sent again, and those
// held back by an earlier failure of their member go out once it is resolved.
import { Transaction } from "ethers";
import type { OutboxError, OutboxItem } from "../data-access";
import { findOnChain } from "./chain-evidence";
import type { JournalContext } from "./journal";

/** Failed items looked at in one pass. */
const REEXAMINED_PER_PASS = 200;

/**
 * Chain errors that may pass by themselves: a pause, a role not granted yet, a clock behind the record's date, a
 * member or head the chain has not caught up with (another writer's item, a reorganisation). The rest name a rule
 * the write breaks and wait for a person. ChainRefused is an error the chain did not name.
 */
const MAY_PASS = /(Paused|NotAttester|NotApprover|FutureDate|UnknownMember|StaleHead)$|^ChainRefused$/;

export const BLOCKED_BY_EARLIER_FAILURE = "BlockedByEarlierFailure";

export function mayPass(error: OutboxError): boolean {
  return MAY_PASS.test(error.name);
}

/**
 * If the chain holds `item`'s write, joins the item to the transaction that made it (journaling that transaction if
 * this instance never had, from the chain's own copy) and returns true.
 */
export async function settleFromChain(context: JournalContext, item: OutboxItem): Promise<boolean> {
  const evidence = await findOnChain(context.provider, context.addresses, context.fromBlock, item.call);
  if (!evidence) return false;
  const hash = evidence.transactionHash.toLowerCase();
  const sent = (await context.repositories.chainTransactions.findByHash(hash)) ? null : await context.provider.getTransaction(hash);
  await context.transaction(async (tx) => {
    let journaled = await tx.chainTransactions.findByHash(hash);
    if (!journaled) {
      const id = await tx.chainTransactions.insert({
        sender: sent!.from,
        nonce: sent!.nonce,
        hash,
        raw: Transaction.from(sent!).serialized,
      });
      journaled = (await tx.chainTransactions.get(id))!;
    }
    if (journaled.state !== "FINAL") {
      await tx.chainTransactions.markMined(journaled.id, { number: evidence.blockNumber, hash: evidence.blockHash }, false);
    }
    await tx.outbox.attachToTransaction(item.id, journaled.id, journaled.state === "FINAL" ? "FINAL" : "MINED");
  });
  context.logger.info({ outboxId: item.id, hash }, "the chain already holds this write: anchored by the transaction that made it");
  return true;
}

/** Marks `item` failed with the chain's reason, unless the chain already holds its write. */
export async function settleRefusal(context: JournalContext, item: OutboxItem, error: OutboxError): Promise<void> {
  if (await settleFromChain(context, item)) return;
  context.logger.warn({ outboxId: item.id, error: error.name }, "the chain refuses an outbox item");
  await context.repositories.outbox.markFailed(item.id, error);
}

export interface Reexamination {
  /** Items found on chain: anchored. */
  settled: number[];
  /** Items sent again. */
  requeued: number[];
}

/** One pass over the failed items, oldest first. */
export async function reexamineFailed(context: JournalContext): Promise<Reexamination> {
  const result: Reexamination = { settled: [], requeued: [] };
  const { outbox } = context.repositories;
  for (const item of await outbox.listFailed(REEXAMINED_PER_PASS)) {
    if (result.requeued.includes(item.id)) continue;
    const error = item.error!;
    if (error.name === BLOCKED_BY_EARLIER_FAILURE) {
      const blocker = await outbox.get(Number(error.args[0]));
      if (blocker?.state !== "FAILED") result.requeued.push(...(await outbox.requeue([item.id])));
      continue;
    }
    // Items it held back come later in id order, so this same pass sends them again.
    if (await settleFromChain(context, item)) result.settled.push(item.id);
    else if (mayPass(error)) result.requeued.push(...(await outbox.requeue([item.id])));
  }
  return result;
}
