// Members' heads on the ledger, read while the log is still being scanned: a member's key is known at its first record,
// long before its chain can be checked, so the node answers while the sweep checks bodies.
import type { AuditChainReader, MemberHead } from "../../chain/audit-reader";

const HEADS_PER_READ = 1_000;

export class MemberHeadReader {
  private readonly heads = new Map<string, MemberHead>();
  private wanted: string[] = [];
  private reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly chain: Pick<AuditChainReader, "memberHeads">,
    private readonly blockNumber: number,
  ) {}

  /** Asks for a member's head; it is read with the next full batch of members. */
  want(memberKey: string): void {
    this.wanted.push(memberKey);
    if (this.wanted.length >= HEADS_PER_READ) this.readWanted();
  }

  /** Every head asked for. A read that failed fails this. */
  async all(): Promise<ReadonlyMap<string, MemberHead>> {
    this.readWanted();
    await this.reading;
    return this.heads;
  }

  // One batch after another: a node answers eth_calls one at a time anyway, and the scan must not wait for them.
  private readWanted(): void {
    if (this.wanted.length === 0) return;
    const memberKeys = this.wanted;
    this.wanted = [];
    this.reading = this.reading.then(async () => {
      for (const [memberKey, head] of await this.chain.memberHeads(memberKeys, this.blockNumber)) this.heads.set(memberKey, head);
    });
    // Its failure is reported by all(); until then it must not count as unhandled.
    this.reading.catch(() => undefined);
  }
}
