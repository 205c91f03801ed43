// The institution's log as a Merkle tree (RFC 9162, see api/src/lib/merkle.ts), kept in memory and caught up from
// the records table on demand. Positions are dense: record id N is leaf N-1.
import type { Repositories } from "../data-access";
import { MerkleLog, recordLeaf } from "../lib/merkle";
import type { Hex32 } from "../lib/record-hash";

const PAGE = 10_000;

export class LogGapError extends Error {
  constructor(
    readonly expectedId: number,
    readonly foundId: number,
  ) {
    super(`the records log has a gap: expected record ${expectedId}, found ${foundId}; run the audit sweep`);
    this.name = "LogGapError";
  }
}

export class LogTree {
  private readonly log = new MerkleLog();
  private syncing: Promise<void> | undefined;

  constructor(private readonly repositories: Pick<Repositories, "records">) {}

  get size(): number {
    return this.log.size;
  }

  /** Reads the records appended since the last call. Concurrent callers share one read. */
  async sync(): Promise<number> {
    this.syncing ??= this.readNewRecords().finally(() => (this.syncing = undefined));
    await this.syncing;
    return this.log.size;
  }

  root(treeSize: number): Hex32 {
    return this.log.root(treeSize);
  }

  inclusionProof(leafIndex: number, treeSize: number): Hex32[] {
    return this.log.inclusionProof(leafIndex, treeSize);
  }

  consistencyProof(oldSize: number, newSize: number): Hex32[] {
    return this.log.consistencyProof(oldSize, newSize);
  }

  private async readNewRecords(): Promise<void> {
    for (;;) {
      const page = await this.repositories.records.listLogHashes(this.log.size, PAGE);
      for (const { id, recordHash } of page) {
        // A checkpoint over a log with a hole would anchor the tampering: refuse to go on.
        if (id !== this.log.size + 1) throw new LogGapError(this.log.size + 1, id);
        this.log.append(recordLeaf(recordHash as Hex32));
      }
      if (page.length < PAGE) return;
    }
  }
}
