// Reordering. The worker anchors records in log order, so the order in which the ledger received them
// (block, log index) is the log's true order. It is compared wherever no checkpoint vouches for the order — after the
// last matching checkpoint — and wherever a member's rows run against its sequence, which only reordering explains.
import type { AppendedRecordEvent, AuditChainReader } from "../../chain/audit-reader";
import type { ScannedLog } from "./log-scan";
import type { AuditProgress, FindingSet } from "./report";

const KEYS_PER_READ = 1_000;

/** Positions after < id ≤ upTo. */
type Range = readonly [after: number, upTo: number];

export interface OrderInputs {
  log: ScannedLog;
  /** Every position up to here is vouched for by a matching checkpoint. */
  vouchedSize: number;
  chain: Pick<AuditChainReader, "recordsAppended">;
  fromBlock: number;
  blockNumber: number;
  findings: FindingSet;
  onProgress(progress: AuditProgress): void;
}

export async function checkOrder(inputs: OrderInputs): Promise<void> {
  const { log, vouchedSize, findings } = inputs;
  const unvouched: Range[] = vouchedSize < log.size ? [[vouchedSize, log.size]] : [];
  const ranges = merged([...unvouched, ...sequenceInversions(log, findings)]);
  const memberKeys = membersWithin(log, ranges);
  const received = new Map<string, AppendedRecordEvent>();
  inputs.onProgress({ phase: "order", done: 0, total: memberKeys.length });
  for (let start = 0; start < memberKeys.length; start += KEYS_PER_READ) {
    const slice = memberKeys.slice(start, start + KEYS_PER_READ);
    for (const event of await inputs.chain.recordsAppended(slice, inputs.fromBlock, inputs.blockNumber)) {
      received.set(event.recordHash, event);
    }
    inputs.onProgress({ phase: "order", done: start + slice.length, total: memberKeys.length });
  }
  for (const range of ranges) reportReordered(log, range, received, findings);
}

/**
 * A member's rows (inserted ones aside) in log order must have increasing sequences. Where they do not, the range
 * from the first row that comes too early to the last that comes too late is suspect.
 */
function sequenceInversions(log: ScannedLog, findings: FindingSet): Range[] {
  return log.members.flatMap((member) => {
    if (member.intact) return [];
    const ids = member.ids.filter((id) => !findings.has("INSERTED", id));
    const sequences = ids.map((id) => log.sequenceOf(id));
    let first = -1;
    let last = -1;
    let laterMinimum = Infinity;
    for (let index = sequences.length - 1; index >= 0; index -= 1) {
      if (sequences[index] > laterMinimum) first = index;
      laterMinimum = Math.min(laterMinimum, sequences[index]);
    }
    let earlierMaximum = -Infinity;
    sequences.forEach((sequence, index) => {
      if (sequence < earlierMaximum) last = index;
      earlierMaximum = Math.max(earlierMaximum, sequence);
    });
    return first < 0 ? [] : [[ids[first] - 1, ids[last]] as const];
  });
}

function merged(ranges: Range[]): Range[] {
  const result: [number, number][] = [];
  for (const [after, upTo] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const previous = result.at(-1);
    if (previous && after <= previous[1]) previous[1] = Math.max(previous[1], upTo);
    else result.push([after, upTo]);
  }
  return result;
}

function membersWithin(log: ScannedLog, ranges: readonly Range[]): string[] {
  const keys = new Set<string>();
  for (const [after, upTo] of ranges) {
    for (let id = after + 1; id <= upTo; id += 1) if (log.has(id)) keys.add(log.memberOfRecord(id).memberKey);
  }
  return [...keys];
}

/** Names every anchored record of the range whose place in the ledger's order differs from its place in the log. */
function reportReordered(
  log: ScannedLog,
  [after, upTo]: Range,
  received: ReadonlyMap<string, AppendedRecordEvent>,
  findings: FindingSet,
): void {
  const anchored: { id: number; event: AppendedRecordEvent; logRank: number }[] = [];
  for (let id = after + 1; id <= upTo; id += 1) {
    // An imported record was anchored by the institution it came from, long before it took its place here.
    const event = log.has(id) && !log.isImported(id) ? received.get(log.hashOf(id)) : undefined;
    if (event && event.memberKey === log.memberOfRecord(id).memberKey) anchored.push({ id, event, logRank: anchored.length });
  }
  const ledgerOrder = [...anchored].sort((a, b) => a.event.blockNumber - b.event.blockNumber || a.event.logIndex - b.event.logIndex);
  ledgerOrder.forEach((entry, ledgerRank) => {
    if (entry.logRank === ledgerRank) return;
    findings.add({
      kind: "REORDERED",
      recordId: entry.id,
      recordHash: entry.event.recordHash,
      memberKey: entry.event.memberKey,
      sequence: log.sequenceOf(entry.id),
      detail:
        `Of the ${anchored.length} anchored records at positions ${after + 1}–${upTo}, the ledger received this one as number ${ledgerRank + 1} ` +
        `(block ${entry.event.blockNumber}), but the log holds it as number ${entry.logRank + 1}; records are anchored in log order.`,
    });
  });
}
