// Everything a proof verifier reads from the chain, behind one small interface: the CLI reads a node directly, the API
// puts a cache in front (most of what a proof names can never change once mined).
import { getAddress, isError, zeroPadValue, type Interface, type JsonRpcApiProvider, type Result } from "ethers";
import { CheckpointLog__factory } from "../../../typechain-types/factories/contracts/CheckpointLog__factory";
import { MembershipLedger__factory } from "../../../typechain-types/factories/contracts/MembershipLedger__factory";
import { OrgRegistry__factory } from "../../../typechain-types/factories/contracts/OrgRegistry__factory";
import { CHAIN_ROLES, type ChainRole } from "./organizations";

export interface ChainLog {
  readonly address: string;
  readonly topics: readonly string[];
  readonly data: string;
  readonly logIndex: number;
}

export interface ChainReceipt {
  /** 1 when the transaction succeeded, 0 when it reverted. */
  readonly status: number;
  readonly blockNumber: number;
  readonly from: string;
  readonly logs: readonly ChainLog[];
}

/** Where an organization hangs in the registry's tree (0: none). */
export interface ChainOrganizationLink {
  readonly parentId: number;
  readonly committeeId: number;
}

/** A member's skeleton on MembershipLedger (all zero for an unknown key). */
export interface ChainMember {
  readonly orgId: number;
  readonly stage: number;
  readonly recordCount: number;
  readonly head: string;
}

/** One event of a member's history on MembershipLedger, in chain order. */
export type MemberEvent =
  | { readonly kind: "appended"; readonly recordHash: string; readonly blockNumber: number; readonly transactionHash: string }
  | {
      readonly kind: "moved";
      readonly fromOrgId: number;
      readonly toOrgId: number;
      readonly blockNumber: number;
      readonly transactionHash: string;
    };

/**
 * Contract reads take the contract's address: a verifier must read the contracts its bundle names (after checking
 * them), not the ones its own deployment uses. A node that cannot be reached makes every method reject.
 */
export interface ChainReader {
  /** The chain id the node itself reports (never a provider's pinned value). */
  chainId(): Promise<number>;
  /** null when the node knows no mined transaction with this hash. */
  receipt(transactionHash: string): Promise<ChainReceipt | null>;
  /**
   * The newest block the node has mined. `atLeast`: a block the caller knows exists (a bundle names it); a reader
   * that reuses answers reads the node again rather than answer with an older block.
   */
  latestBlock(atLeast?: number): Promise<number>;
  /** The block's timestamp in Unix seconds. */
  blockTimestamp(blockNumber: number): Promise<number>;
  /** Every RecordAppended and MemberMoved event of `memberKey` up to block `toBlock`, in chain order. */
  memberHistory(membershipLedger: string, memberKey: string, toBlock: number): Promise<MemberEvent[]>;
  /** Whether `account` held `role` in organization `orgId` at the end of block `blockNumber`. */
  hasRoleAt(registry: string, orgId: number, account: string, role: ChainRole, blockNumber: number): Promise<boolean>;
  /** null when the registry does not know the organization, or no registry answers at that address. */
  organization(registry: string, orgId: number): Promise<ChainOrganizationLink | null>;
  member(membershipLedger: string, memberKey: string): Promise<ChainMember>;
  /** The registry a ledger (MembershipLedger, CheckpointLog) takes organizations and roles from; null if none answers. */
  registryOf(contract: string): Promise<string | null>;
}

// Built once: a contract object per read would parse the whole ABI each time, a cost a busy verifier feels.
const registryInterface = OrgRegistry__factory.createInterface();
const ledgerInterface = MembershipLedger__factory.createInterface();
const checkpointLogInterface = CheckpointLog__factory.createInterface();

export function createChainReader(provider: JsonRpcApiProvider): ChainReader {
  const read = async <I extends Interface>(contract: string, contractInterface: I, method: string, args: unknown[]) => {
    const data = await provider.call({ to: contract, data: contractInterface.encodeFunctionData(method, args) });
    return contractInterface.decodeFunctionResult(method, data);
  };
  return {
    async chainId() {
      return Number(BigInt((await provider.send("eth_chainId", [])) as string));
    },
    async receipt(transactionHash) {
      const receipt = await provider.getTransactionReceipt(transactionHash);
      if (receipt === null) return null;
      return {
        status: receipt.status ?? 0,
        blockNumber: receipt.blockNumber,
        from: getAddress(receipt.from),
        logs: receipt.logs.map((log) => ({
          address: getAddress(log.address),
          topics: [...log.topics],
          data: log.data,
          logIndex: log.index,
        })),
      };
    },
    latestBlock: () => provider.getBlockNumber(),
    async blockTimestamp(blockNumber) {
      const block = await provider.getBlock(blockNumber);
      if (block === null) throw new RangeError(`the node has no block ${blockNumber}`);
      return block.timestamp;
    },
    async memberHistory(membershipLedger, memberKey, toBlock) {
      const logs = await provider.getLogs({
        address: membershipLedger,
        topics: [[RECORD_APPENDED.topicHash, MEMBER_MOVED.topicHash], zeroPadValue(memberKey, 32)],
        fromBlock: 0,
        toBlock,
      });
      const ordered = [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
      return ordered.map((log): MemberEvent => {
        const where = { blockNumber: log.blockNumber, transactionHash: log.transactionHash };
        if (log.topics[0] === RECORD_APPENDED.topicHash) {
          const { recordHash } = decoded<{ recordHash: string }>(ledgerInterface.decodeEventLog(RECORD_APPENDED, log.data, log.topics));
          return { kind: "appended", recordHash, ...where };
        }
        const { fromOrgId, toOrgId } = decoded<{ fromOrgId: bigint; toOrgId: bigint }>(
          ledgerInterface.decodeEventLog(MEMBER_MOVED, log.data, log.topics),
        );
        return { kind: "moved", fromOrgId: Number(fromOrgId), toOrgId: Number(toOrgId), ...where };
      });
    },
    async hasRoleAt(registry, orgId, account, role, blockNumber) {
      const [held] = decoded<[boolean]>(
        await read(registry, registryInterface, "hasRoleAt", [orgId, account, CHAIN_ROLES[role], blockNumber]),
      );
      return held;
    },
    async organization(registry, orgId) {
      const result = await nullWithoutAnswer(read(registry, registryInterface, "organization", [orgId]));
      if (result === null) return null;
      const [organization] = decoded<[{ parentId: bigint; committeeId: bigint }]>(result);
      return { parentId: Number(organization.parentId), committeeId: Number(organization.committeeId) };
    },
    async member(membershipLedger, memberKey) {
      const [member] = decoded<[{ orgId: bigint; stage: bigint; recordCount: bigint; head: string }]>(
        await read(membershipLedger, ledgerInterface, "member", [memberKey]),
      );
      return {
        orgId: Number(member.orgId),
        stage: Number(member.stage),
        recordCount: Number(member.recordCount),
        head: member.head,
      };
    },
    async registryOf(contract) {
      // MembershipLedger and CheckpointLog declare the same registry() function.
      const result = await nullWithoutAnswer(read(contract, checkpointLogInterface, "registry", []));
      return result === null ? null : getAddress(result[0] as string);
    },
  };
}

// A revert, or an empty answer from an address without code, means "no such thing here"; a node that cannot be reached
// still rejects, so that it is never mistaken for a negative answer.
async function nullWithoutAnswer<T>(call: Promise<T>): Promise<T | null> {
  try {
    return await call;
  } catch (error) {
    if (isError(error, "CALL_EXCEPTION") || isError(error, "BAD_DATA")) return null;
    throw error;
  }
}

const CHECKPOINT_RECORDED = checkpointLogInterface.getEvent("CheckpointRecorded");
const RECORD_APPENDED = ledgerInterface.getEvent("RecordAppended");
const MEMBER_MOVED = ledgerInterface.getEvent("MemberMoved");

export interface RecordedCheckpoint {
  readonly logId: number;
  readonly treeSize: number;
  readonly root: string;
  readonly attester: string;
}

/** The CheckpointRecorded events that `checkpointLog` emitted in a transaction. */
export function checkpointsRecordedIn(receipt: ChainReceipt, checkpointLog: string): RecordedCheckpoint[] {
  return logsOf(receipt, checkpointLog, CHECKPOINT_RECORDED.topicHash).map((log) => {
    const { logId, treeSize, root, attester } = decoded<{ logId: bigint; treeSize: bigint; root: string; attester: string }>(
      checkpointLogInterface.decodeEventLog(CHECKPOINT_RECORDED, log.data, log.topics),
    );
    return { logId: Number(logId), treeSize: Number(treeSize), root, attester: getAddress(attester) };
  });
}

export interface AppendedRecord {
  readonly memberKey: string;
  readonly recordHash: string;
}

/** The RecordAppended events that `membershipLedger` emitted in a transaction (one per record, batches included). */
export function recordsAppendedIn(receipt: ChainReceipt, membershipLedger: string): AppendedRecord[] {
  return logsOf(receipt, membershipLedger, RECORD_APPENDED.topicHash).map((log) => {
    const { memberKey, recordHash } = decoded<AppendedRecord>(ledgerInterface.decodeEventLog(RECORD_APPENDED, log.data, log.topics));
    return { memberKey, recordHash };
  });
}

/** The logs of one event (by its topic hash) that `contract` emitted in a transaction. */
function logsOf(receipt: ChainReceipt, contract: string, topicHash: string): { topics: string[]; data: string }[] {
  const emitter = contract.toLowerCase();
  return receipt.logs
    .filter((log) => log.address.toLowerCase() === emitter && log.topics[0] === topicHash)
    .map((log) => ({ topics: [...log.topics], data: log.data }));
}

export interface ChainReaderCacheOptions {
  readonly maxEntries: number;
  /**
   * How long a live answer (member(), latestBlock()) may be reused, and shared by concurrent callers. 0 (the default)
   * reads the node every time. A server verifying many bundles sets about one block time: a head that moved within
   * it is seen by the next verification after that.
   */
  readonly liveForMs?: number;
}

/**
 * Memoizes what cannot change once mined — receipts, roles at a block already mined, organizations' places in the
 * tree, ledgers' registries, the chain id — in a least-recently-used cache. member() and latestBlock() stay live:
 * a member's head moves on. "Not found" answers are never cached: the transaction or organization may come later.
 */
export function cachedChainReader(reader: ChainReader, options: ChainReaderCacheOptions): ChainReader {
  const cache = new LruCache(options.maxEntries);
  const live = new LiveAnswers(options.liveForMs ?? 0, options.maxEntries);
  // The highest block known to be mined: a role at a later block may still change.
  let minedUpTo = -1;
  const noteMined = (blockNumber: number) => {
    minedUpTo = Math.max(minedUpTo, blockNumber);
  };
  const remembered = async <T>(key: string, read: () => Promise<T>, keep: (value: T) => boolean): Promise<T> => {
    if (cache.has(key)) return cache.get(key) as T;
    const value = await read();
    if (keep(value)) cache.set(key, value);
    return value;
  };
  const found = (value: unknown) => value !== null;

  return {
    chainId: () =>
      remembered(
        "chainId",
        () => reader.chainId(),
        () => true,
      ),
    async receipt(transactionHash) {
      const receipt = await remembered(`receipt:${transactionHash.toLowerCase()}`, () => reader.receipt(transactionHash), found);
      if (receipt !== null) noteMined(receipt.blockNumber);
      return receipt;
    },
    async latestBlock(atLeast) {
      let latest = await live.read("latestBlock", () => reader.latestBlock());
      if (atLeast !== undefined && latest < atLeast) {
        live.forget("latestBlock");
        latest = await live.read("latestBlock", () => reader.latestBlock());
      }
      noteMined(latest);
      return latest;
    },
    blockTimestamp: (blockNumber) =>
      remembered(
        `blockTimestamp:${blockNumber}`,
        () => reader.blockTimestamp(blockNumber),
        () => blockNumber <= minedUpTo,
      ),
    // Keyed by its last block, a history never changes once that block is mined (the reader never asks beyond it).
    memberHistory: (membershipLedger, memberKey, toBlock) =>
      remembered(
        `history:${membershipLedger.toLowerCase()}:${memberKey.toLowerCase()}:${toBlock}`,
        () => reader.memberHistory(membershipLedger, memberKey, toBlock),
        () => toBlock <= minedUpTo,
      ),
    async hasRoleAt(registry, orgId, account, role, blockNumber) {
      const read = () => reader.hasRoleAt(registry, orgId, account, role, blockNumber);
      if (blockNumber > minedUpTo) noteMined(await reader.latestBlock());
      if (blockNumber > minedUpTo) return read();
      const key = `role:${registry.toLowerCase()}:${orgId}:${account.toLowerCase()}:${role}:${blockNumber}`;
      return remembered(key, read, () => true);
    },
    organization: (registry, orgId) =>
      remembered(`organization:${registry.toLowerCase()}:${orgId}`, () => reader.organization(registry, orgId), found),
    member: (membershipLedger, memberKey) =>
      live.read(`member:${membershipLedger.toLowerCase()}:${memberKey.toLowerCase()}`, () => reader.member(membershipLedger, memberKey)),
    registryOf: (contract) => remembered(`registryOf:${contract.toLowerCase()}`, () => reader.registryOf(contract), found),
  };
}

/** Answers that may change, each reused for `forMs` after it was asked for; a failed read is not kept. */
class LiveAnswers {
  private readonly answers: LruCache;

  constructor(
    private readonly forMs: number,
    maxEntries: number,
  ) {
    this.answers = new LruCache(maxEntries);
  }

  forget(key: string): void {
    this.answers.set(key, { at: 0, answer: undefined });
  }

  read<T>(key: string, read: () => Promise<T>): Promise<T> {
    if (this.forMs <= 0) return read();
    const now = Date.now();
    const kept = this.answers.has(key) ? (this.answers.get(key) as { at: number; answer: Promise<T> }) : undefined;
    if (kept && now - kept.at < this.forMs) return kept.answer;
    const answer = read();
    this.answers.set(key, { at: now, answer });
    answer.catch(() => this.answers.set(key, { at: 0, answer }));
    return answer;
  }
}

/** A Map keeps insertion order: re-inserting on every hit makes its first key the least recently used. */
class LruCache {
  private readonly entries = new Map<string, unknown>();

  constructor(private readonly maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`maxEntries must be a positive integer, got ${maxEntries}`);
    }
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  get(key: string): unknown {
    const value = this.entries.get(key);
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: unknown): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }
}

/** ethers decodes to an untyped Result; the ABI fixes its shape, which each call names. */
function decoded<T>(result: Result): T {
  return result as unknown as T;
}
