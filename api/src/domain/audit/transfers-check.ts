// Transfers against TransferLedger: state, parties and letter, whichever key sent the chain action.
import type { AuditedTransfer } from "../../chain/audit-reader";
import type { TransferScanRow } from "../../data-access/repositories/instance-scan";
import type { FindingSet } from "./report";

export function checkTransfers(
  transfers: readonly TransferScanRow[],
  onLedger: ReadonlyMap<string, AuditedTransfer | null>,
  findings: FindingSet,
): void {
  for (const transfer of transfers) {
    if (transfer.hasUnfinishedWrites) continue;
    const ledger = onLedger.get(transfer.id) ?? null;
    const differences = ledger === null ? ["the ledger holds no such transfer"] : transferDifferences(transfer, ledger);
    if (differences.length === 0) continue;
    findings.add({
      kind: "TRANSFER_MISMATCH",
      recordId: null,
      subject: { type: "transfer", id: transfer.id },
      memberKey: transfer.memberKey,
      detail: `Transfer ${transfer.id}: ${differences.join("; ")}.`,
    });
  }
}

function transferDifferences(row: TransferScanRow, ledger: AuditedTransfer): string[] {
  // An issued transfer past its validity reads EXPIRED on the ledger before this instance marks it so. An ACCEPTING one
  // waits for the ledger: still ISSUED there (its acceptance not final yet, or refused and not yet handed back to the
  // clerk), or ACCEPTED (final, and the indexer imports the member when it applies the event).
  const settling = row.state === "ACCEPTING" && (ledger.state === "ISSUED" || ledger.state === "ACCEPTED");
  const state = (row.state === "ISSUED" && ledger.state === "EXPIRED") || settling ? ledger.state : row.state;
  const compared: [string, unknown, unknown][] = [
    ["state", state, ledger.state],
    ["member key", row.memberKey, ledger.memberKey],
    ["kind", row.kind, ledger.kind],
    ["source organization", row.fromOrgId, ledger.fromOrgId],
    ["destination organization", row.toOrgId ?? 0, ledger.toOrgId],
    ["destination hash", row.destinationHash, ledger.destinationHash],
    ["letter hash", row.letterHash, ledger.letterHash],
  ];
  return compared
    .filter(([, ours, theirs]) => ours !== theirs)
    .map(([what, ours, theirs]) => `the row's ${what} is ${String(ours)}, the ledger's ${String(theirs)}`);
}
