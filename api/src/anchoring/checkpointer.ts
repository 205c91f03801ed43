// Decides when the logs get a new checkpoint (every N entries or T seconds) and queues it for the chain. The
// checkpoint row and its outbox item are written together, and once: the worker's round and an operator's
// checkpointNow may decide on the same checkpoint at once (both read the latest outside the transaction), and only
// the first queues it. The record log's root is the RFC 9162 root of the whole log; the administrative log's is the
// hash of its last entry, which its hash chain ties to every entry before.
import { adminLogIdOf } from "../chain/log-ids";
import type { Repositories } from "../data-access";
import type { LogTree } from "./log-tree";

export interface CheckpointPolicy {
  /** The record log's id: the instance's committee id. */
  logId: number;
  everyRecords: number;
  everySeconds: number;
}

type Transaction = <T>(work: (repositories: Repositories) => Promise<T>) => Promise<T>;

/** Queues a checkpoint of the record log if one is due; returns its tree size, or null. */
export async function checkpointIfDue(
  repositories: Repositories,
  transaction: Transaction,
  tree: LogTree,
  policy: CheckpointPolicy,
  now: Date,
): Promise<number | null> {
  const size = await tree.sync();
  const latest = (await repositories.checkpoints.latest())?.treeSize ?? 0;
  if (size <= latest) return null;
  if (size - latest < policy.everyRecords) {
    const oldestUncovered = await repositories.records.get(latest + 1);
    if (!waitedLongEnough(oldestUncovered!.createdAt, policy, now)) return null;
  }
  const root = tree.root(size);
  const queued = await transaction(async (tx) => {
    if (!(await tx.checkpoints.append(size, root))) return false;
    await tx.outbox.enqueue({
      kind: "CHECKPOINT",
      subject: `log:${policy.logId}`,
      call: { contract: "checkpoints", method: "checkpoint", args: [policy.logId, size, root] },
      treeSize: size,
    });
    return true;
  });
  return queued ? size : null;
}

/** Queues a checkpoint of the administrative log's head if one is due; returns its size, or null. */
export async function adminCheckpointIfDue(
  repositories: Repositories,
  transaction: Transaction,
  policy: CheckpointPolicy,
  now: Date,
): Promise<number | null> {
  const latest = (await repositories.adminLogCheckpoints.latest())?.treeSize ?? 0;
  const { size, head, firstAfterAt } = await repositories.auditLog.chainHead(latest);
  if (size <= latest || head === null) return null;
  if (size - latest < policy.everyRecords && !waitedLongEnough(firstAfterAt!, policy, now)) return null;
  const logId = adminLogIdOf(policy.logId);
  const queued = await transaction(async (tx) => {
    if (!(await tx.adminLogCheckpoints.append({ treeSize: size, head }))) return false;
    await tx.outbox.enqueue({
      kind: "ADMIN_CHECKPOINT",
      subject: `log:${logId}`,
      call: { contract: "checkpoints", method: "checkpoint", args: [logId, size, head] },
    });
    return true;
  });
  return queued ? size : null;
}

function waitedLongEnough(oldestUncoveredAt: Date, policy: CheckpointPolicy, now: Date): boolean {
  return now.getTime() - oldestUncoveredAt.getTime() >= policy.everySeconds * 1000;
}
