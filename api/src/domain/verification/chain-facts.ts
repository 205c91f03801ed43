// The chain facts one verification needs, each read once: a member's file names the same batch transaction and the
// same organizations many times over.
import type { ChainReader, ChainReceipt, MemberEvent } from "../../chain/chain-reader";
import type { ProofBundleChain } from "../../lib/proof-bundle";

// Consortium → committee → general branch → branch: a path from any organization to its committee is short.
const MAX_TREE_DEPTH = 8;

/** What facts are read from: a bundle's contracts, or (for a write receipt) the registry and ledger alone. */
type FactsChain = Pick<ProofBundleChain, "registry" | "membershipLedger">;

export class ChainFacts<Chain extends FactsChain = ProofBundleChain> {
  private readonly receipts = new Map<string, Promise<ChainReceipt | null>>();
  private readonly paths = new Map<number, Promise<number[] | null>>();
  private readonly histories = new Map<string, Promise<MemberEvent[]>>();
  private latest: Promise<number> | undefined;

  /** `newestNamedBlock`: the newest block the bundle names; the chain is read at least up to it, never from a stale answer. */
  constructor(
    readonly reader: ChainReader,
    readonly chain: Chain,
    readonly confirmations: number,
    private readonly newestNamedBlock = 0,
  ) {}

  /** The node's newest block, read once per verification, and never older than a block the bundle names. */
  latestBlock(): Promise<number> {
    this.latest ??= this.reader.latestBlock(this.newestNamedBlock);
    return this.latest;
  }

  /** The member's RecordAppended and MemberMoved events on the bundle's MembershipLedger up to the latest block. */
  memberHistory(memberKey: string): Promise<MemberEvent[]> {
    let history = this.histories.get(memberKey);
    if (history === undefined) {
      history = this.latestBlock().then((toBlock) => this.reader.memberHistory(this.chain.membershipLedger, memberKey, toBlock));
      this.histories.set(memberKey, history);
    }
    return history;
  }

  receipt(transactionHash: string): Promise<ChainReceipt | null> {
    let receipt = this.receipts.get(transactionHash);
    if (receipt === undefined) {
      receipt = this.reader.receipt(transactionHash);
      this.receipts.set(transactionHash, receipt);
    }
    return receipt;
  }

  /**
   * The organizations whose Attesters may write for `orgId`: itself and its ancestors up to its committee (the
   * contracts' attestScope), nearest first; null if the registry does not know one of them.
   */
  attestingOrganizations(orgId: number): Promise<number[] | null> {
    let path = this.paths.get(orgId);
    if (path === undefined) {
      path = this.readAttestingOrganizations(orgId);
      this.paths.set(orgId, path);
    }
    return path;
  }

  /** The first organization on `orgId`'s attesting path in which `account` was an Attester at `blockNumber`, or null. */
  async attesterOrganizationAt(orgId: number, account: string, blockNumber: number): Promise<number | null> {
    for (const candidate of (await this.attestingOrganizations(orgId)) ?? []) {
      if (await this.reader.hasRoleAt(this.chain.registry, candidate, account, "ATTESTER", blockNumber)) return candidate;
    }
    return null;
  }

  private async readAttestingOrganizations(orgId: number): Promise<number[] | null> {
    const path: number[] = [];
    for (let id = orgId; path.length < MAX_TREE_DEPTH;) {
      const organization = await this.reader.organization(this.chain.registry, id);
      // The consortium (committeeId 0) has no attesters of its own: the contracts never let it write.
      if (organization === null || organization.committeeId === 0) return null;
      path.push(id);
      if (id === organization.committeeId) return path;
      id = organization.parentId;
    }
    return null;
  }
}
