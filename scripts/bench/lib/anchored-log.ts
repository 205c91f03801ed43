// A synthetic log put in the state the anchoring worker leaves: every record in the database and its member's chain
// head on the ledger, in log order, and the log checkpointed every `checkpointEvery` records (and at its end), all
// FINAL in the outbox. Cohorts are pipelined: one is generated and inserted while the previous one's transactions
// are mined and journaled.
import type { Client } from "pg";
import { MerkleLog, recordLeaf } from "../../../api/src/lib/merkle";
import type { Hex32 } from "../../../api/src/lib/record-hash";
import type { AnchoredItem, BulkAnchorer } from "./bulk-anchoring";
import { insertCohort, RECORDS_PER_MEMBER, type LogContext, type SyntheticRecord } from "./synthetic-log";

export interface AnchoredLogOptions {
  records: number;
  membersPerCohort: number;
  callsPerTransaction: number;
  checkpointEvery: number;
  /** The institution's CheckpointLog log id. */
  logId: number;
  onProgress(recordsLoaded: number): void;
}

export interface AnchoredLog {
  members: number;
  checkpoints: number;
}

export async function loadAnchoredLog(
  client: Client,
  context: LogContext,
  anchorer: BulkAnchorer,
  options: AnchoredLogOptions,
): Promise<AnchoredLog> {
  const tree = new MerkleLog();
  let members = 0;
  let checkpoints = 0;
  let settling: Promise<void> = Promise.resolve();
  for (let firstId = 1; firstId <= options.records;) {
    const memberCount = Math.min(options.membersPerCohort, (options.records - firstId + 1) / RECORDS_PER_MEMBER);
    const { records } = await insertCohort(client, context, firstId, memberCount);
    for (const record of records) tree.append(recordLeaf(record.recordHash as Hex32));
    for (let start = 0; start < records.length;) {
      const untilCheckpoint = options.checkpointEvery - ((records[start].id - 1) % options.checkpointEvery);
      const end = Math.min(records.length, start + options.callsPerTransaction, start + untilCheckpoint);
      await anchorer.send(records.slice(start, end).map(recordItem));
      const size = records[end - 1].id;
      if (size % options.checkpointEvery === 0 || size === options.records) {
        await anchorer.send([checkpointItem(options.logId, size, tree.root(size))]);
        checkpoints += 1;
      }
      start = end;
    }
    await settling;
    settling = anchorer.settle(client);
    // Awaited with the next cohort (or at the end); until then its failure must not count as unhandled.
    settling.catch(() => undefined);
    members += memberCount;
    firstId += records.length;
    options.onProgress(firstId - 1);
  }
  await settling;
  return { members, checkpoints };
}

function recordItem(record: SyntheticRecord): AnchoredItem {
  return { kind: "RECORD", subject: record.memberKey, call: record.call, recordId: record.id, checkpoint: null };
}

function checkpointItem(logId: number, treeSize: number, root: string): AnchoredItem {
  return {
    kind: "CHECKPOINT",
    subject: `log:${logId}`,
    call: { contract: "checkpoints", method: "checkpoint", args: [logId, treeSize, root] },
    recordId: null,
    checkpoint: { treeSize, root },
  };
}
