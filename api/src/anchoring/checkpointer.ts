// Decides when the log gets a new checkpoint (every N records or T seconds) and queues it for the chain. The
// checkpoint row and its outbox item are written together; the root is the RFC 9162 root of the whole log.
import type { Repositories } from "../data-access";
import type { LogTree } from "./log-tree";

export interface CheckpointPolicy {
  logId: number;
  everyRecords: number;
  everySeconds: number;
}

/** Queues a checkpoint if one is due; returns its tree size, or null. */
export async function checkpointIfDue(
  repositories: Repositories,
  transaction: <T>(work: (repositories: Repositories) => Promise<T>) => Promise<T>,
  tree: LogTree,
  policy: CheckpointPolicy,
  now: Date,
): Promise<number | null> {
  const size = await tree.sync();
  const latest = (await repositories.checkpoints.latest())?.treeSize ?? 0;
  if (size <= latest) return null;
  if (size - latest < policy.everyRecords) {
    const oldestUncovered = await repositories.records.get(latest + 1);
    const waitedMs = now.getTime() - oldestUncovered!.createdAt.getTime();
    if (waitedMs < policy.everySeconds * 1000) return null;
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
