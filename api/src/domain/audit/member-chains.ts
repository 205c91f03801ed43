// Each member's chain as the database holds it against the ledger. A member whose rows form an intact chain
// ending at the ledger's head (later rows still waiting for the chain) needs nothing more than its member() head. Any
// other member's chain is read in full from its RecordAppended events and compared record by record.
import type { AppendedRecordEvent, AuditChainReader, MemberHead } from "../../chain/audit-reader";
import type { MemberRecords, ScannedLog } from "./log-scan";
import { AuditIncompleteError, type AuditProgress, type FindingSet } from "./report";

export interface MemberChainInputs {
  log: ScannedLog;
  /** Records whose chain write is not final yet. */
  pendingIds: ReadonlySet<number>;
  /** Positions no row holds (gaps and a lost tail), to name a member's lost record by. */
  lostIds: readonly number[];
  /** Every member's head on the ledger at `blockNumber`. */
  heads: ReadonlyMap<string, MemberHead>;
  chain: Pick<AuditChainReader, "recordsAppended" | "sendersOf">;
  /** Which of these transactions this instance sent (its journal): a record another key appended is no lost row. */
  journaledOf(transactionHashes: readonly string[]): Promise<ReadonlySet<string>>;
  fromBlock: number;
  blockNumber: number;
  findings: FindingSet;
  onProgress(progress: AuditProgress): void;
}

/**
 * A record the ledger holds and no row does; each of `bounds` brackets the log position it must have had
 * (`after` < position < `before`), the first by all the member's rows, the others leaving out rows that are out of
 * place (a swap combined with the deletion moves a neighbour to the wrong side).
 */
interface LostRecord {
  memberKey: string;
  sequence: number;
  recordHash: string;
  transactionHash: string;
  bounds: (readonly [after: number, before: number])[];
}

export async function checkMemberChains(inputs: MemberChainInputs): Promise<void> {
  const { log, chain, findings, heads } = inputs;
  const suspects = log.members.filter((member) => !endsAtHead(log, member, heads.get(member.memberKey)!, inputs.pendingIds));
  inputs.onProgress({ phase: "members", done: log.members.length - suspects.length, total: log.members.length });
  if (suspects.length === 0) return;

  const events = await chain.recordsAppended(
    suspects.map((member) => member.memberKey),
    inputs.fromBlock,
    inputs.blockNumber,
  );
  const eventsOf = new Map<string, AppendedRecordEvent[]>();
  for (const event of events) {
    const known = eventsOf.get(event.memberKey);
    if (known) known.push(event);
    else eventsOf.set(event.memberKey, [event]);
  }
  const lost = suspects.flatMap((member) =>
    compareWithLedger(inputs, member, heads.get(member.memberKey)!, eventsOf.get(member.memberKey) ?? []),
  );
  const own = await inputs.journaledOf(lost.map((record) => record.transactionHash));
  nameLostRecords(
    lost.filter((record) => own.has(record.transactionHash)),
    inputs.lostIds,
    findings,
  );
  await nameForeignWrites(
    lost.filter((record) => !own.has(record.transactionHash)),
    chain,
    findings,
  );
  inputs.onProgress({ phase: "members", done: log.members.length, total: log.members.length });
}

/** The fast path: rows 1…n intact with row n the ledger's head, and every later row still waiting for the chain. */
function endsAtHead(log: ScannedLog, member: MemberRecords, head: MemberHead, pendingIds: ReadonlySet<number>): boolean {
  const onChain = head.recordCount;
  if (member.departedRecordCount !== null) return false;
  if (!member.intact || onChain > member.ids.length) return false;
  if (onChain > 0 && log.hashOf(member.ids[onChain - 1]) !== head.head.toLowerCase()) return false;
  return member.ids.slice(onChain).every((id) => pendingIds.has(id));
}

function compareWithLedger(
  inputs: MemberChainInputs,
  member: MemberRecords,
  ledgerHead: MemberHead,
  ledgerEvents: readonly AppendedRecordEvent[],
): LostRecord[] {
  const { log, findings, pendingIds } = inputs;
  const { memberKey } = member;
  if (ledgerEvents.length !== ledgerHead.recordCount) {
    throw new AuditIncompleteError(
      `the node returned ${ledgerEvents.length} RecordAppended events of member ${memberKey} but the ledger counts ${ledgerHead.recordCount} records: does the sweep start (block ${inputs.fromBlock}) after the member's first record?`,
    );
  }
  // A member who left: the records the destination wrote after the acceptance are not this institution's to hold.
  const events = member.departedRecordCount === null ? ledgerEvents : ledgerEvents.slice(0, member.departedRecordCount);
  const head = member.departedRecordCount === null ? ledgerHead : { ...ledgerHead, recordCount: events.length };
  const idOfHash = new Map(member.ids.map((id) => [log.hashOf(id), id]));
  const idOfSequence = new Map(member.ids.map((id) => [log.sequenceOf(id), id]));
  const onLedger = new Set(events.map((event) => event.recordHash));
  const reached = new Set<number>();
  const lost: LostRecord[] = [];
  events.forEach(({ recordHash, transactionHash }, index) => {
    const sequence = index + 1;
    const id = idOfHash.get(recordHash);
    const holder = idOfSequence.get(sequence);
    const ledgerSays = `The ledger holds ${recordHash} as record ${sequence} of member ${memberKey}`;
    if (id !== undefined) {
      reached.add(id);
      if (log.sequenceOf(id) !== sequence) {
        findings.add({
          kind: "TAMPERED",
          recordId: id,
          recordHash,
          memberKey,
          sequence,
          detail: `${ledgerSays}, but the row says sequence ${log.sequenceOf(id)}.`,
        });
      }
    } else if (holder !== undefined && !onLedger.has(log.hashOf(holder))) {
      reached.add(holder);
      findings.add({
        kind: "TAMPERED",
        recordId: holder,
        recordHash: log.hashOf(holder),
        memberKey,
        sequence,
        detail: `${ledgerSays}, but the row holding that sequence has hash ${log.hashOf(holder)}.`,
      });
    } else {
      const earlier = member.ids.filter((other) => log.sequenceOf(other) < sequence);
      const later = member.ids.filter((other) => log.sequenceOf(other) > sequence);
      const after = Math.max(0, ...earlier);
      const before = Math.min(Infinity, ...later);
      lost.push({
        memberKey,
        sequence,
        recordHash,
        transactionHash,
        bounds: [
          [after, before],
          [Math.max(0, ...earlier.filter((id) => id < before)), before],
          [after, Math.min(Infinity, ...later.filter((id) => id > after))],
        ],
      });
    }
  });
  for (const id of member.ids) {
    if (reached.has(id) || (pendingIds.has(id) && log.sequenceOf(id) > events.length)) continue;
    findings.add({
      kind: "INSERTED",
      recordId: id,
      recordHash: log.hashOf(id),
      memberKey,
      sequence: log.sequenceOf(id),
      detail: `The ledger holds ${head.recordCount} records of member ${memberKey} and not this one, and no chain write of it is waiting.`,
    });
  }
  return lost;
}

/**
 * A lost record is named by the free position between its chain neighbours' rows (a member's records take
 * increasing positions), when there is one; otherwise it is reported without a record id.
 */
function nameLostRecords(lost: readonly LostRecord[], lostIds: readonly number[], findings: FindingSet): void {
  const claimed = new Set<number>();
  const freeWithin = ([after, before]: readonly [number, number]): number | null => {
    let index = firstAbove(lostIds, after);
    while (claimed.has(lostIds[index])) index += 1;
    return index < lostIds.length && lostIds[index] < before ? lostIds[index] : null;
  };
  for (const record of lost) {
    const recordId = record.bounds.map(freeWithin).find((id) => id !== null) ?? null;
    if (recordId !== null) claimed.add(recordId);
    findings.add({
      kind: "DELETED",
      recordId,
      recordHash: record.recordHash,
      memberKey: record.memberKey,
      sequence: record.sequence,
      detail: `The ledger holds ${record.recordHash} as record ${record.sequence} of member ${record.memberKey}; no row holds it.`,
    });
  }
}

/**
 * A record the ledger holds for one of this instance's members that a transaction it never sent appended: another key
 * with a role in the member's organization wrote to the member's chain behind the instance's back. No row ever held it,
 * so it names no log position; it names the transaction and its key.
 */
async function nameForeignWrites(
  foreign: readonly LostRecord[],
  chain: Pick<AuditChainReader, "sendersOf">,
  findings: FindingSet,
): Promise<void> {
  if (foreign.length === 0) return;
  const senders = await chain.sendersOf(foreign.map((record) => record.transactionHash));
  for (const record of foreign) {
    findings.add({
      kind: "FOREIGN_WRITE",
      recordId: null,
      recordHash: record.recordHash,
      memberKey: record.memberKey,
      sequence: record.sequence,
      detail: `The ledger holds ${record.recordHash} as record ${record.sequence} of member ${record.memberKey}, appended by key ${senders.get(record.transactionHash)} in transaction ${record.transactionHash}, which this instance never sent.`,
    });
  }
}

/** The index of the first of the ascending `ids` above `id` (ids.length if none). */
function firstAbove(ids: readonly number[], id: number): number {
  let [low, high] = [0, ids.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (ids[middle] <= id) low = middle + 1;
    else high = middle;
  }
  return low;
}
