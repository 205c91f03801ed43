// How far a record got on its way to the chain, as clerks and auditors see it: pending (waiting in the outbox),
// anchored (its member's chain head on chain), final (confirmed, and covered by a confirmed checkpoint, so a
// complete proof exists), or failed (the chain refused it; the error names the contract rule).
import type { OutboxError, RecordAnchor, Repositories } from "../data-access";

export type AnchoringState = "PENDING" | "ANCHORED" | "FINAL" | "FAILED";

export interface AnchoringView {
  state: AnchoringState;
  transactionHash: string | null;
  blockNumber: number | null;
  error: OutboxError | null;
}

export function anchoringView(recordId: number, anchor: RecordAnchor | undefined, finalTreeSize: number): AnchoringView {
  const state = stateOf(recordId, anchor, finalTreeSize);
  return {
    state,
    transactionHash: anchor?.transactionHash ?? null,
    blockNumber: anchor?.blockNumber ?? null,
    error: anchor?.error ?? null,
  };
}

function stateOf(recordId: number, anchor: RecordAnchor | undefined, finalTreeSize: number): AnchoringState {
  switch (anchor?.state) {
    case "FAILED":
      return "FAILED";
    case "FINAL":
      return recordId <= finalTreeSize ? "FINAL" : "ANCHORED";
    case "MINED":
      return "ANCHORED";
    default:
      return "PENDING";
  }
}

/**
 * The anchoring views of many records in three queries. An imported record was anchored by the institution it came
 * from (its transaction was verified, confirmed, before the import); it is final here once this log's checkpoint
 * covers it too.
 */
export async function anchoringViews(repositories: Repositories, recordIds: number[]): Promise<Map<number, AnchoringView>> {
  const [anchors, imports, finalCheckpoint] = await Promise.all([
    repositories.outbox.anchorsOfRecords(recordIds),
    repositories.recordImports.ofRecords(recordIds),
    repositories.checkpoints.finalCovering(),
  ]);
  for (const [id, imported] of imports) {
    anchors.set(id, {
      state: "FINAL",
      error: null,
      transactionHash: imported.anchorTransactionHash,
      blockNumber: imported.anchorBlockNumber,
    });
  }
  const finalSize = finalCheckpoint?.treeSize ?? 0;
  return new Map(recordIds.map((id) => [id, anchoringView(id, anchors.get(id), finalSize)]));
}

export interface AnchoringStatus {
  outbox: Record<"PENDING" | "SENT" | "MINED" | "FINAL" | "FAILED", number>;
  /** Seconds since the oldest write not yet final was queued: how far the chain lags behind the database. */
  lagSeconds: number;
  latestCheckpoint: { treeSize: number; root: string; state: string } | null;
  finalCheckpoint: { treeSize: number; root: string; transactionHash: string | null; blockNumber: number | null } | null;
}

/** The instance's anchoring at a glance, for the dashboard and for operators. */
export async function anchoringStatus(repositories: Repositories, now: Date): Promise<AnchoringStatus> {
  const [outbox, oldest, latest, final] = await Promise.all([
    repositories.outbox.countByState(),
    repositories.outbox.oldestUnfinished(),
    repositories.checkpoints.latest(),
    repositories.checkpoints.finalCovering(),
  ]);
  return {
    outbox,
    lagSeconds: oldest ? Math.max(0, Math.round((now.getTime() - oldest.createdAt.getTime()) / 1000)) : 0,
    latestCheckpoint: latest && { treeSize: latest.treeSize, root: latest.root, state: latest.state },
    finalCheckpoint: final && {
      treeSize: final.treeSize,
      root: final.root,
      transactionHash: final.transactionHash,
      blockNumber: final.blockNumber,
    },
  };
}
