// What one institution asks the chain about another: the transfer as the ledger holds it and the transaction that
// issued it, who the destination's approving committee is, whether a key is its attester now, where the source's
// instance answers, and a member's skeleton at a given block. The chain is the directory: no shared secret, no prior
// account.
import type { JsonRpcApiProvider } from "ethers";

import { connectConsortium } from "./contracts";
import type { ConsortiumAddresses } from "./deployment";
import type { ChainMember } from "./chain-reader";
import { CHAIN_ROLES, type ChainRole } from "./organizations";
import type { TransferKind } from "../domain/vocabulary";
import { hashOrNone, transferKindFromChain, transferStateFromChain, type ChainTransferState } from "./codec";

export interface ChainTransfer {
  readonly id: string;
  readonly memberKey: string;
  readonly fromOrgId: number;
  /** 0 for an exported transfer. */
  readonly toOrgId: number;
  readonly kind: TransferKind;
  readonly state: ChainTransferState;
  /** Unix seconds: the timestamp of the block that issued it. */
  readonly issuedAt: number;
  /** Unix seconds. */
  readonly validUntil: number;
  readonly replaces: string | null;
  readonly letterHash: string;
  readonly destinationHash: string | null;
}

/** Where a transfer was issued: the transaction whose TransferIssued event names it. */
export interface TransferIssuance {
  readonly blockNumber: number;
  readonly transactionHash: string;
}

export interface FederationReader {
  /** null when the ledger holds no such transfer. */
  transfer(transferId: string): Promise<ChainTransfer | null>;
  /** The issuing transaction, looked up in the block of the transfer's `issuedAt`; null if no event there names it. */
  issuance(transfer: Pick<ChainTransfer, "id" | "issuedAt">): Promise<TransferIssuance | null>;
  /** The approving committee above `orgId`, or 0. */
  approvingCommitteeOf(orgId: number): Promise<number>;
  /** Whether `account` holds `role` in `orgId` at the latest block. */
  hasRole(orgId: number, account: string, role: ChainRole): Promise<boolean>;
  /** The committee's published instance URL ("" when none). */
  serviceEndpoint(committeeId: number): Promise<string>;
  /** The member's skeleton at the end of `blockNumber` (latest when omitted). */
  member(memberKey: string, blockNumber?: number): Promise<ChainMember>;
}

export function createFederationReader(provider: JsonRpcApiProvider, addresses: ConsortiumAddresses): FederationReader {
  const { registry, transfers, membership } = connectConsortium({ contracts: addresses }, provider);
  return {
    async transfer(transferId) {
      const name = transferStateFromChain(Number(await transfers.stateOf(transferId)));
      if (name === null) return null;
      const stored = await transfers.transfer(transferId);
      return {
        id: transferId,
        memberKey: stored.memberKey.toLowerCase(),
        fromOrgId: Number(stored.fromOrgId),
        toOrgId: Number(stored.toOrgId),
        kind: transferKindFromChain(Number(stored.kind)),
        state: name,
        issuedAt: Number(stored.issuedAt),
        validUntil: Number(stored.validUntil),
        replaces: hashOrNone(stored.replaces),
        letterHash: stored.letterHash.toLowerCase(),
        destinationHash: hashOrNone(stored.destinationHash),
      };
    },
    async issuance({ id, issuedAt }) {
      const blockNumber = await blockAtTimestamp(provider, issuedAt);
      if (blockNumber === null) return null;
      const [event] = await transfers.queryFilter(transfers.filters.TransferIssued(id), blockNumber, blockNumber);
      return event ? { blockNumber, transactionHash: event.transactionHash.toLowerCase() } : null;
    },
    async approvingCommitteeOf(orgId) {
      return Number(await registry.approvingCommitteeOf(orgId));
    },
    hasRole: (orgId, account, role) => registry.hasRole(orgId, account, CHAIN_ROLES[role]),
    serviceEndpoint: (committeeId) => registry.serviceEndpoint(committeeId),
    async member(memberKey, blockNumber) {
      const member = await membership.member(memberKey, blockNumber === undefined ? {} : { blockTag: blockNumber });
      return {
        orgId: Number(member.orgId),
        stage: Number(member.stage),
        recordCount: Number(member.recordCount),
        head: member.head.toLowerCase(),
      };
    },
  };
}

/**
 * The block mined at `timestamp`, found by bisection (a few dozen reads even on a long chain), or null. Each block's
 * timestamp exceeds its parent's, so at most one block has it; an event search over the whole chain instead would
 * exceed the block range nodes allow one eth_getLogs.
 */
async function blockAtTimestamp(provider: JsonRpcApiProvider, timestamp: number): Promise<number | null> {
  const timestampOf = async (blockNumber: number) => (await provider.getBlock(blockNumber))!.timestamp;
  let low = 0;
  let high = await provider.getBlockNumber();
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if ((await timestampOf(middle)) < timestamp) low = middle + 1;
    else high = middle;
  }
  return (await timestampOf(low)) === timestamp ? low : null;
}
