// The rebuilt log against every checkpoint the chain holds for it. A checkpoint whose root the log's first
// treeSize records reproduce vouches for those records, position by position; the first one that does not bounds
// where the log changed.
import type { ChainCheckpoint } from "../../chain/audit-reader";
import type { ScannedLog } from "./log-scan";
import type { AuditProgress, FindingSet } from "./report";

export interface CheckpointOutcome {
  /** Every position up to here is as the chain attested it (0: none is vouched for). */
  vouchedSize: number;
  /** Whether some checkpoint disagrees with the log. */
  mismatch: boolean;
  /** Positions beyond the log that a checkpoint covers: records gone from its end. */
  lostTailIds: number[];
}

export function checkCheckpoints(
  log: ScannedLog,
  checkpoints: readonly ChainCheckpoint[],
  findings: FindingSet,
  onProgress: (progress: AuditProgress) => void,
): CheckpointOutcome {
  onProgress({ phase: "checkpoints", done: 0, total: checkpoints.length });
  const agrees = checkpoints.map((checkpoint, index) => {
    onProgress({ phase: "checkpoints", done: index + 1, total: checkpoints.length });
    return checkpoint.treeSize <= log.size && log.tree.root(checkpoint.treeSize) === checkpoint.root.toLowerCase();
  });
  const firstBad = agrees.indexOf(false);
  const coveredSize = checkpoints.at(-1)?.treeSize ?? 0;
  const lostTailIds = Array.from({ length: Math.max(0, coveredSize - log.size) }, (_, index) => log.size + 1 + index);
  for (const id of lostTailIds) {
    findings.add({
      kind: "DELETED",
      recordId: id,
      detail: `The chain's checkpoint covers ${coveredSize} records, but the log ends at position ${log.size}.`,
    });
  }
  if (firstBad < 0) return { vouchedSize: coveredSize, mismatch: false, lostTailIds };

  const vouchedSize = firstBad === 0 ? 0 : checkpoints[firstBad - 1].treeSize;
  findings.add({ kind: "CHECKPOINT_MISMATCH", recordId: null, detail: mismatchDetail(log, checkpoints, agrees, firstBad, vouchedSize) });
  return { vouchedSize, mismatch: true, lostTailIds };
}

function mismatchDetail(
  log: ScannedLog,
  checkpoints: readonly ChainCheckpoint[],
  agrees: readonly boolean[],
  firstBad: number,
  vouchedSize: number,
): string {
  const bad = checkpoints[firstBad];
  const where = `The chain's checkpoint of the first ${bad.treeSize} records (block ${bad.blockNumber}, transaction ${bad.transactionHash})`;
  const what =
    bad.treeSize > log.size
      ? `${where} covers more records than the log holds (${log.size}).`
      : `${where} has root ${bad.root}, but the log's first ${bad.treeSize} records hash to ${log.tree.root(bad.treeSize)}.`;
  const range = `The log changed within positions ${vouchedSize + 1}–${bad.treeSize}${vouchedSize > 0 ? `; the checkpoint of ${vouchedSize} records still matches` : ""}.`;
  const laterBad = agrees.slice(firstBad + 1).filter((agree) => !agree).length;
  const later = laterBad > 0 ? ` ${laterBad} later checkpoint(s) disagree as well.` : "";
  return `${what} ${range}${later}`;
}
