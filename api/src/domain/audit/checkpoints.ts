// The rebuilt log against every checkpoint the chain holds for it. A checkpoint whose root the log's first
// treeSize records reproduce vouches for those records, position by position; the first one that does not bounds
// where the log changed.
import type { ChainCheckpoint } from "../../chain/audit-reader";
import type { ScannedLog } from "./log-scan";
import type { AuditProgress, FindingSet } from "./report";

/** Lost positions beyond the log named one finding each; past this many, the rest are named by one finding as a range. */
export const MAX_NAMED_LOST_POSITIONS = 10_000;

/** A checkpoint as the instance stored it when it wrote it. */
export interface WrittenCheckpoint {
  treeSize: number;
  root: string;
}

/**
 * The chain's checkpoints of the log split into those this instance wrote (the same size and root are in its own
 * checkpoints table) and the others, each named as a finding: a key other than the instance's wrote into its log.
 * Only its own are held against the log: a foreign one may claim any size at all.
 */
export function ownCheckpoints(
  checkpoints: readonly ChainCheckpoint[],
  written: readonly WrittenCheckpoint[],
  findings: FindingSet,
  logName = "this log",
): ChainCheckpoint[] {
  const ours = new Set(written.map((checkpoint) => `${checkpoint.treeSize}:${checkpoint.root.toLowerCase()}`));
  return checkpoints.filter((checkpoint) => {
    if (ours.has(`${checkpoint.treeSize}:${checkpoint.root.toLowerCase()}`)) return true;
    findings.add({
      kind: "FOREIGN_CHECKPOINT",
      recordId: null,
      subject: { type: "checkpoint", id: checkpoint.transactionHash },
      detail: `${checkpoint.attester} checkpointed ${logName} at ${checkpoint.treeSize} entries (root ${checkpoint.root}, block ${checkpoint.blockNumber}, transaction ${checkpoint.transactionHash}), but this instance never wrote that checkpoint.`,
    });
    return false;
  });
}

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
  const lostCount = Math.max(0, coveredSize - log.size);
  const lostTailIds = Array.from({ length: Math.min(lostCount, MAX_NAMED_LOST_POSITIONS) }, (_, index) => log.size + 1 + index);
  const lostDetail = `The chain's checkpoint covers ${coveredSize} records, but the log ends at position ${log.size}.`;
  for (const id of lostTailIds) findings.add({ kind: "DELETED", recordId: id, detail: lostDetail });
  if (lostCount > lostTailIds.length) {
    findings.add({
      kind: "DELETED",
      recordId: null,
      detail: `${lostDetail} Positions ${log.size + lostTailIds.length + 1}–${coveredSize} are lost as well.`,
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
