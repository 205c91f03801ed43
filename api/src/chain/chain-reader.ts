// Everything a proof verifier reads from the chain, behind one small interface: the CLI reads a node directly, the API
// puts a cache in front (most of what a proof names can never change once mined).
import { getAddress, isError, type JsonRpcApiProvider } from "ethers";
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

/**
 * Contract reads take the contract's address: a verifier must read the contracts its bundle names (after checking
 * them), not the ones its own deployment uses. A node that cannot be reached makes every method reject.
 */
export interface ChainReader {
  /** The chain id the node itself reports (never a provider's pinned value). */
  chainId(): Promise<number>;
  /** null when the node knows no mined transaction with this hash. */
  receipt(transactionHash: string): Promise<ChainReceipt | null>;
  latestBlock(): Promise<number>;
  /** Whether `account` held `role` in organization `orgId` at the end of block `blockNumber`. */
  hasRoleAt(registry: string, orgId: number, account: string, role: ChainRole, blockNumber: number): Promise<boolean>;
  /** null when the registry does not know the organization, or no registry answers at that address. */
  organization(registry: string, orgId: number): Promise<ChainOrganizationLink | null>;
  member(membershipLedger: string, memberKey: string): Promise<ChainMember>;
  /** The registry a ledger (MembershipLedger, CheckpointLog) takes organizations and roles from; null if none answers. */
  registryOf(contract: string): Promise<string | null>;
}

export function createChainReader(provider: JsonRpcApiProvider): ChainReader {
  return {
    async chainId() {
      return Number(BigInt(await provider.send("eth_chainId", [])));
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
    async hasRoleAt(registry, orgId, account, role, blockNumber) {
      return OrgRegistry__factory.connect(registry, provider).hasRoleAt(orgId, account, CHAIN_ROLES[role], blockNumber);
    },
    async organization(registry, orgId) {
      const organization = await nullWithoutAnswer(OrgRegistry__factory.connect(registry, provider).organization(orgId));
      return organization === null
        ? null
        : { parentId: Number(organization.parentId), committeeId: Number(organization.committeeId) };
    },
    async member(membershipLedger, memberKey) {
      const member = await MembershipLedger__factory.connect(membershipLedger, provider).member(memberKey);
      return {
        orgId: Number(member.orgId),
        stage: Number(member.stage),
        recordCount: Number(member.recordCount),
        head: member.head,
      };
    },
    async registryOf(contract) {
      // MembershipLedger and CheckpointLog declare the same registry() function.
      const registry = await nullWithoutAnswer(CheckpointLog__factory.connect(contract, provider).registry());
      return registry === null ? null : getAddress(registry);
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

const checkpointLogEvents = CheckpointLog__factory.createInterface();
const membershipLedgerEvents = MembershipLedger__factory.createInterface();

export interface RecordedCheckpoint {
  readonly logId: number;
  readonly treeSize: number;
  readonly root: string;
  readonly attester: string;
}

/** The CheckpointRecorded events that `checkpointLog` emitted in a transaction. */
export function checkpointsRecordedIn(receipt: ChainReceipt, checkpointLog: string): RecordedCheckpoint[] {
  return logsOf(receipt, checkpointLog).flatMap((log) => {
    const event = checkpointLogEvents.parseLog(log);
    if (event?.name !== "CheckpointRecorded") return [];
    const { logId, treeSize, root, attester } = event.args;
    return [{ logId: Number(logId), treeSize: Number(treeSize), root, attester: getAddress(attester) }];
  });
}

export interface AppendedRecord {
  readonly memberKey: string;
  readonly recordHash: string;
}

/** The RecordAppended events that `membershipLedger` emitted in a transaction (one per record, batches included). */
export function recordsAppendedIn(receipt: ChainReceipt, membershipLedger: string): AppendedRecord[] {
  return logsOf(receipt, membershipLedger).flatMap((log) => {
    const event = membershipLedgerEvents.parseLog(log);
    if (event?.name !== "RecordAppended") return [];
    return [{ memberKey: event.args.memberKey, recordHash: event.args.recordHash }];
  });
}

function logsOf(receipt: ChainReceipt, contract: string): { topics: string[]; data: string }[] {
  const emitter = getAddress(contract);
  return receipt.logs
    .filter((log) => getAddress(log.address) === emitter)
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
    chainId: () => remembered("chainId", () => reader.chainId(), () => true),
    async receipt(transactionHash) {
      const receipt = await remembered(`receipt:${transactionHash.toLowerCase()}`, () => reader.receipt(transactionHash), found);
      if (receipt !== null) noteMined(receipt.blockNumber);
      return receipt;
    },
    async latestBlock() {
      const latest = await live.read("latestBlock", () => reader.latestBlock());
      noteMined(latest);
      return latest;
    },
    async hasRoleAt(registry, orgId, account, role, blockNumber) {
      const read = () => reader.hasRoleAt(registry, orgId, account, role, blockNumber);
      if (blockNumber > minedUpTo) noteMined(await reader.latestBlock());
      if (blockNumber > minedUpTo) return read();
      const key = `role:${getAddress(registry)}:${orgId}:${getAddress(account)}:${role}:${blockNumber}`;
      return remembered(key, read, () => true);
    },
    organization: (registry, orgId) =>
      remembered(`organization:${getAddress(registry)}:${orgId}`, () => reader.organization(registry, orgId), found),
    member: (membershipLedger, memberKey) =>
      live.read(`member:${getAddress(membershipLedger)}:${memberKey.toLowerCase()}`, () => reader.member(membershipLedger, memberKey)),
    registryOf: (contract) => remembered(`registryOf:${getAddress(contract)}`, () => reader.registryOf(contract), found),
  };
}

/** Answers that may change, each reused for `forMs` after it was asked for; a failed read is not kept. */
class LiveAnswers {
  private readonly answers: LruCache;

  constructor(private readonly forMs: number, maxEntries: number) {
    this.answers = new LruCache(maxEntries);
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
