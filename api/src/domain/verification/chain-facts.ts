// The chain facts one verification needs, each read once: a member's file names the same batch transaction and the
// same organizations many times over.
import type { ChainReader, ChainReceipt } from "../../chain/chain-reader";
import type { ProofBundleChain } from "../../lib/proof-bundle";

// Consortium → committee → general branch → branch: a path from any organization to its committee is short.
const MAX_TREE_DEPTH = 8;

export class ChainFacts {
  private readonly receipts = new Map<string, Promise<ChainReceipt | null>>();
  private readonly paths = new Map<number, Promise<number[] | null>>();

  constructor(
    readonly reader: ChainReader,
    readonly chain: ProofBundleChain,
    readonly confirmations: number,
  ) {}

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
    for (let id = orgId; path.length < MAX_TREE_DEPTH; ) {
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
