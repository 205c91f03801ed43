// Records whose chain write is overdue (not final within the deadline) or was refused by the chain.
import type { RecordOutboxState } from "../../data-access/repositories/log-scan";
import type { AuditProgress, FindingSet } from "./report";

export function checkUnanchored(
  items: readonly RecordOutboxState[],
  options: { logSize: number; deadlineSeconds: number; asOf: Date },
  findings: FindingSet,
  onProgress: (progress: AuditProgress) => void,
): void {
  const { logSize, deadlineSeconds, asOf } = options;
  const swept = items.filter((item) => item.recordId <= logSize);
  for (const item of swept) {
    const ageSeconds = (asOf.getTime() - item.createdAt.getTime()) / 1000;
    if (item.state === "FAILED") {
      findings.add({
        kind: "UNANCHORED",
        recordId: item.recordId,
        detail: `The chain refused its write: ${item.error?.name ?? "unknown error"} (${item.error?.message ?? "no message"}).`,
      });
    } else if (ageSeconds >= deadlineSeconds) {
      findings.add({
        kind: "UNANCHORED",
        recordId: item.recordId,
        detail: `Written ${item.createdAt.toISOString()}, its chain write is still ${item.state} after ${Math.floor(ageSeconds)} s (deadline ${deadlineSeconds} s).`,
      });
    }
  }
  onProgress({ phase: "outbox", done: swept.length, total: swept.length });
}
