// The sweep's first pass: reads the whole log in pages, checks every row, and keeps what the later checks need in
// compact form: the rebuilt Merkle log, each position's hash, member and sequence, and each member's rows.
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import type { LogRow } from "../../data-access/repositories/log-scan";
import { MerkleLog, recordLeaf } from "../../lib/merkle";
import type { Hex32 } from "../../lib/record-hash";
import type { BodyChecker } from "./body-checker";
import type { AuditProgress, FindingSet } from "./report";

export const PAGE_SIZE = 10_000;

const HASH_BYTES = 32;
/** Stands in for a missing record's leaf so that later positions keep their place; no SHA-256 output is all zeros. */
const MISSING_LEAF = new Uint8Array(HASH_BYTES);
const NO_MEMBER = -1;

/** A member's records as the database holds them, and whether they form an intact chain 1, 2, 3… in log order. */
export interface MemberRecords {
  readonly memberKey: string;
  /** Record ids in log order. */
  readonly ids: number[];
  /** Sequences 1, 2, 3… in log order, each body readable and linked to the previous record's hash. */
  intact: boolean;
  lastHash: string | null;
  /** Set when the member left through an accepted transfer: the ledger's records after these are the destination's. */
  departedRecordCount: number | null;
}

/** The log as scanned: positions 1…size, with the rows that exist. */
export class ScannedLog {
  readonly tree = new MerkleLog();
  readonly members: MemberRecords[] = [];
  /** Ids under `size` that no row holds. */
  readonly missingIds: number[] = [];
  private readonly memberIndex = new Map<string, number>();
  private readonly memberOf: Int32Array;
  private readonly sequences: Int32Array;
  private readonly hashes: Uint8Array;
  private readonly imported: Uint8Array;

  /** `onNewMember` hears each member's key at its first row. */
  constructor(
    readonly size: number,
    private readonly onNewMember: (memberKey: string) => void = () => undefined,
  ) {
    this.memberOf = new Int32Array(size).fill(NO_MEMBER);
    this.sequences = new Int32Array(size);
    this.hashes = new Uint8Array(size * HASH_BYTES);
    this.imported = new Uint8Array(size);
  }

  /** Whether the record came with an accepted transfer (the ledger received it before this log did). */
  isImported(id: number): boolean {
    return this.imported[id - 1] === 1;
  }

  get recordCount(): number {
    return this.size - this.missingIds.length;
  }

  has(id: number): boolean {
    return id >= 1 && id <= this.size && this.memberOf[id - 1] !== NO_MEMBER;
  }

  hashOf(id: number): string {
    return `0x${bytesToHex(this.hashes.subarray((id - 1) * HASH_BYTES, id * HASH_BYTES))}`;
  }

  sequenceOf(id: number): number {
    return this.sequences[id - 1];
  }

  memberOfRecord(id: number): MemberRecords {
    return this.members[this.memberOf[id - 1]];
  }

  markMissing(id: number): void {
    this.missingIds.push(id);
    this.tree.append(MISSING_LEAF);
  }

  /** Adds a row at the next position, with whether its body checked out and the previous hash the body names. */
  add(row: LogRow, bodySound: boolean, prevHash: string | null): void {
    this.tree.append(recordLeaf(row.recordHash as Hex32));
    this.hashes.set(hexToBytes(row.recordHash.slice(2)), (row.id - 1) * HASH_BYTES);
    this.sequences[row.id - 1] = row.sequence;
    this.imported[row.id - 1] = row.imported ? 1 : 0;
    let index = this.memberIndex.get(row.memberKey);
    if (index === undefined) {
      index =
        this.members.push({
          memberKey: row.memberKey,
          ids: [],
          intact: true,
          lastHash: null,
          departedRecordCount: row.departedRecordCount,
        }) - 1;
      this.memberIndex.set(row.memberKey, index);
      this.onNewMember(row.memberKey);
    }
    this.memberOf[row.id - 1] = index;
    const member = this.members[index];
    member.intact &&= bodySound && row.sequence === member.ids.length + 1 && prevHash === member.lastHash;
    member.ids.push(row.id);
    member.lastHash = row.recordHash;
  }
}

export interface LogPages {
  /** The rows with afterId < id ≤ upToId, in log order. */
  page(afterId: number, upToId: number): Promise<LogRow[]>;
}

/**
 * Scans positions 1…size; rows above `size` (written after the sweep began) are left for the next sweep. Three pages
 * are under way at once: one read, one checked (by the body checker's threads), one added to the scanned log.
 */
export async function scanLog(
  pages: LogPages,
  bodies: BodyChecker,
  size: number,
  findings: FindingSet,
  listeners: { onProgress(progress: AuditProgress): void; onNewMember(memberKey: string): void },
): Promise<ScannedLog> {
  const { onProgress } = listeners;
  const log = new ScannedLog(size, listeners.onNewMember);
  const read = (afterId: number) =>
    awaitedLater(afterId < size ? pages.page(afterId, Math.min(size, afterId + PAGE_SIZE)) : Promise.resolve([]));
  const check = (rows: LogRow[]) => awaitedLater(bodies.check(rows));
  let window = { upTo: Math.min(size, PAGE_SIZE), rows: await read(0) };
  let checks = check(window.rows);
  let next = read(window.upTo);
  let position = 0;
  onProgress({ phase: "log", done: 0, total: size });
  while (position < size) {
    const [current, checked] = [window, await checks];
    if (current.upTo < size) {
      window = { upTo: Math.min(size, current.upTo + PAGE_SIZE), rows: await next };
      [checks, next] = [check(window.rows), read(window.upTo)];
    }
    current.rows.forEach((row, index) => {
      while (position + 1 < row.id) markDeleted(log, findings, ++position);
      position = row.id;
      const { problem, prevHash } = checked[index];
      if (problem) {
        findings.add({
          kind: "TAMPERED",
          recordId: row.id,
          recordHash: row.recordHash,
          memberKey: row.memberKey,
          sequence: row.sequence,
          detail: problem,
        });
      }
      log.add(row, problem === null, prevHash);
    });
    while (position < current.upTo) markDeleted(log, findings, ++position);
    onProgress({ phase: "log", done: position, total: size });
  }
  return log;
}

/** A promise awaited later, after other awaits: its failure surfaces there, not as an unhandled rejection now. */
function awaitedLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function markDeleted(log: ScannedLog, findings: FindingSet, id: number): void {
  log.markMissing(id);
  findings.add({ kind: "DELETED", recordId: id, detail: `No row holds log position ${id}.` });
}
