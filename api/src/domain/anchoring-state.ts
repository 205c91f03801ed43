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

/** The anchoring views of many records in two queries. */
export async function anchoringViews(repositories: Repositories, recordIds: number[]): Promise<Map<number, AnchoringView>> {
  const [anchors, finalCheckpoint] = await Promise.all([
    repositories.outbox.anchorsOfRecords(recordIds),
    repositories.checkpoints.finalCovering(),
  ]);
  const finalSize = finalCheckpoint?.treeSize ?? 0;
  return new Map(recordIds.map((id) => [id, anchoringView(id, anchors.get(id), finalSize)]));
}
