// Decides when the logs get a new checkpoint (every N entries or T seconds) and queues it for the chain. The
// checkpoint row and its outbox item are written together. The record log's root is the RFC 9162 root of the whole
// log; the administrative log's is the hash of its last entry, which its hash chain ties to every entry before.
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
  await transaction(async (tx) => {
    await tx.checkpoints.append(size, root);
    await tx.outbox.enqueue({
      kind: "CHECKPOINT",
      subject: `log:${policy.logId}`,
      call: { contract: "checkpoints", method: "checkpoint", args: [policy.logId, size, root] },
      treeSize: size,
    });
  });
  return size;
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
  await transaction(async (tx) => {
    await tx.adminLogCheckpoints.append({ treeSize: size, head });
    await tx.outbox.enqueue({
      kind: "ADMIN_CHECKPOINT",
      subject: `log:${logId}`,
      call: { contract: "checkpoints", method: "checkpoint", args: [logId, size, head] },
    });
  });
  return size;
}

function waitedLongEnough(oldestUncoveredAt: Date, policy: CheckpointPolicy, now: Date): boolean {
  return now.getTime() - oldestUncoveredAt.getTime() >= policy.everySeconds * 1000;
}
