// Which pending outbox items go out next, and whether the chain would take them. Items leave in id order: a batch
// is a prefix of what is pending, so this instance's records reach the chain in log order.
import { decodeChainError, type ConsortiumAddresses } from "../chain";
import type { ChainCall, OutboxError, OutboxItem, Repositories } from "../data-access";
import { batchable, encodeBatch, type EncodedTransaction } from "./encoding";
import type { ChainProvider } from "../chain/provider";
import { unlessUnavailable } from "./journal";
import { BLOCKED_BY_EARLIER_FAILURE } from "./recovery";

/**
 * The next batch: pending items in id order, one contract, at most one item per subject, stopping at the first item
 * whose subject still has an item on its way (it must see that one's effect first).
 */
export async function nextBatch(repositories: Repositories, maxSize: number): Promise<OutboxItem[]> {
  const [pending, inFlight] = await Promise.all([repositories.outbox.listPending(maxSize), repositories.outbox.subjectsInFlight()]);
  const batch: OutboxItem[] = [];
  const subjects = new Set<string>();
  for (const item of pending) {
    const first = batch[0];
    if (first && (item.call.contract !== first.call.contract || !batchable(first.call))) break;
    if (inFlight.has(item.subject) || subjects.has(item.subject)) break;
    const blocker = await repositories.outbox.failedBefore(item.subject, item.id);
    if (blocker) {
      await repositories.outbox.markFailed(item.id, blockedBy(blocker));
      continue;
    }
    batch.push(item);
    subjects.add(item.subject);
  }
  return batch;
}

function blockedBy(blocker: OutboxItem): OutboxError {
  return {
    name: BLOCKED_BY_EARLIER_FAILURE,
    args: [blocker.id],
    message: `outbox item ${blocker.id} of the same member was refused by the chain (${blocker.error?.name}); this one depends on it`,
  };
}

export type Preflight =
  | { ok: true; items: OutboxItem[]; transaction: EncodedTransaction; gasLimit: bigint }
  | { ok: false; refused: { item: OutboxItem; error: OutboxError }[] };

/**
 * Estimates the batch's gas, which executes it against the latest state. If the chain would refuse it, finds which
 * items it refuses (the items of a batch belong to different members, so each is tried alone) and why.
 */
export async function preflight(
  provider: ChainProvider,
  addresses: ConsortiumAddresses,
  sender: string,
  batch: OutboxItem[],
): Promise<Preflight> {
  const transaction = encodeBatch(
    addresses,
    batch.map((item) => item.call),
  );
  try {
    return { ok: true, items: batch, transaction, gasLimit: withMargin(await provider.estimateGas({ from: sender, ...transaction })) };
  } catch (error) {
    unlessUnavailable(error);
  }
  const refused: { item: OutboxItem; error: OutboxError }[] = [];
  const accepted: { item: OutboxItem; transaction: EncodedTransaction; gas: bigint }[] = [];
  for (const item of batch) {
    const alone = encodeBatch(addresses, [item.call]);
    try {
      accepted.push({ item, transaction: alone, gas: await provider.estimateGas({ from: sender, ...alone }) });
    } catch (error) {
      refused.push({ item, error: outboxErrorOf(unlessUnavailable(error), item.call) });
    }
  }
  if (refused.length > 0) return { ok: false, refused };
  // Refused together yet each accepted alone (a block gas limit, say): send the first alone and carry on.
  const [first] = accepted;
  return { ok: true, items: [first.item], transaction: first.transaction, gasLimit: withMargin(first.gas) };
}

/** A margin for state that moves between estimate and mining. */
function withMargin(estimate: bigint): bigint {
  return (estimate * 13n) / 10n + 25_000n;
}

export function outboxErrorOf(error: unknown, call: ChainCall): OutboxError {
  const decoded = decodeChainError(error);
  if (decoded.kind === "revert") {
    const args = Object.values(decoded.args);
    const named = Object.entries(decoded.args)
      .map(([name, value]) => `${name}=${String(value)}`)
      .join(", ");
    return { name: decoded.name, args, message: `the chain refused ${call.method}: ${decoded.name}(${named})` };
  }
  return { name: "ChainRefused", args: [], message: `the chain refused ${call.method}: ${decoded.message}` };
}
