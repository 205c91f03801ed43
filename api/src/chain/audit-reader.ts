// What the audit sweep reads from the chain, in bulk and with plain JSON-RPC: a log's checkpoints and members' heads
// and record events. Every read names its block range or block, so one sweep sees one state of the chain. Reads go
// out in large pieces (hundreds of members per eth_call, a hundred members per eth_getLogs), several at once.
import type { Provider } from "ethers";
import { CheckpointLog__factory } from "../../../typechain-types/factories/contracts/CheckpointLog__factory";
import { MembershipLedger__factory } from "../../../typechain-types/factories/contracts/MembershipLedger__factory";
import { OrgRegistry__factory } from "../../../typechain-types/factories/contracts/OrgRegistry__factory";
import { TransferLedger__factory } from "../../../typechain-types/factories/contracts/TransferLedger__factory";

import type { ConsortiumAddresses } from "./deployment";
import type { TransferKind, TransferState } from "../domain/vocabulary";
import { transferKindFromChain, transferStateFromChain } from "./codec";

export interface ChainCheckpoint {
  readonly treeSize: number;
  readonly root: string;
  readonly blockNumber: number;
  readonly transactionHash: string;
  /** The key that wrote it. */
  readonly attester: string;
}

/** The contract's own summary of a log: its latest checkpoint and how many it has recorded. */
export interface CheckpointSummary {
  readonly treeSize: number;
  readonly root: string;
  readonly count: number;
}

export interface MemberHead {
  /** The organization holding the member on the ledger (0 for an unknown member). */
  readonly orgId: number;
  /** IMembershipLedger.Stage: 0 none, 1 applicant … 5 full, 6 cancelled. */
  readonly stage: number;
  readonly recordCount: number;
  /** The hash of the member's latest record; zero for an unknown member. */
  readonly head: string;
}

export interface AppendedRecordEvent {
  readonly memberKey: string;
  readonly recordHash: string;
  readonly blockNumber: number;
  readonly logIndex: number;
  readonly transactionHash: string;
}

/** A member arriving in an organization on the ledger: registered there (also from an archive) or moved there. */
export interface JoinedMemberEvent {
  readonly memberKey: string;
  readonly orgId: number;
  readonly blockNumber: number;
  readonly transactionHash: string;
}

export interface AuditChainReader {
  chainId(): Promise<number>;
  latestBlock(): Promise<number>;
  /** Every CheckpointRecorded event of `logId` in the block range, oldest first. */
  checkpoints(logId: number, fromBlock: number, toBlock: number): Promise<ChainCheckpoint[]>;
  checkpointSummary(logId: number, blockNumber: number): Promise<CheckpointSummary>;
  /** member(memberKey) of each key at `blockNumber`, keyed by the member key as given. */
  memberHeads(memberKeys: readonly string[], blockNumber: number): Promise<Map<string, MemberHead>>;
  /** Each transfer as TransferLedger holds it at `blockNumber` (null for one it does not hold), keyed by id as given. */
  transfers(transferIds: readonly string[], blockNumber: number): Promise<Map<string, AuditedTransfer | null>>;
  /** The committee (university) each organization belongs to at `blockNumber`, 0 for one the registry does not hold. */
  committeesOf(orgIds: readonly number[], blockNumber: number): Promise<Map<number, number>>;
  /** Every RecordAppended event of these members in the block range, in chain order. */
  recordsAppended(memberKeys: readonly string[], fromBlock: number, toBlock: number): Promise<AppendedRecordEvent[]>;
  /** Every MemberRegistered, MemberRegisteredFromArchive and MemberMoved (by its destination) in the range, in chain order. */
  membersJoined(fromBlock: number, toBlock: number): Promise<JoinedMemberEvent[]>;
  /** The key that sent each transaction, keyed by hash as given. */
  sendersOf(transactionHashes: readonly string[]): Promise<Map<string, string>>;
}

/** A transfer's facts the sweep compares: state (EXPIRED as stateOf reads it), parties and letter. */
export interface AuditedTransfer {
  readonly memberKey: string;
  readonly kind: TransferKind;
  readonly state: TransferState;
  readonly fromOrgId: number;
  /** 0 for an exported transfer. */
  readonly toOrgId: number;
  readonly letterHash: string;
  readonly destinationHash: string | null;
}

export interface AuditReaderOptions {
  /** The widest block range one eth_getLogs asks for (nodes limit it). */
  readonly maxBlockSpan: number;
  /** Member keys in one eth_getLogs topic OR-list. */
  readonly keysPerQuery: number;
  /** member() reads in one eth_call (each takes a few thousand gas of the node's eth_call gas cap). */
  readonly membersPerCall: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
}

const DEFAULT_OPTIONS: AuditReaderOptions = { maxBlockSpan: 50_000, keysPerQuery: 100, membersPerCall: 500, concurrency: 8 };

const checkpointLogInterface = CheckpointLog__factory.createInterface();
const membershipInterface = MembershipLedger__factory.createInterface();

export function createAuditChainReader(
  provider: Provider,
  contracts: Pick<ConsortiumAddresses, "registry" | "membership" | "checkpoints" | "transfers">,
  options: Partial<AuditReaderOptions> = {},
): AuditChainReader {
  const { maxBlockSpan, keysPerQuery, membersPerCall, concurrency } = { ...DEFAULT_OPTIONS, ...options };
  const checkpointLog = CheckpointLog__factory.connect(contracts.checkpoints, provider);
  const transferLedger = TransferLedger__factory.connect(contracts.transfers, provider);
  const registry = OrgRegistry__factory.connect(contracts.registry, provider);

  const logsInRange = async (topics: (string | string[])[], address: string, fromBlock: number, toBlock: number) => {
    const ranges = blockRanges(fromBlock, toBlock, maxBlockSpan);
    const pages = await mapConcurrently(ranges, concurrency, ([from, to]) =>
      provider.getLogs({ address, topics, fromBlock: from, toBlock: to }),
    );
    return pages.flat();
  };

  return {
    async chainId() {
      return Number((await provider.getNetwork()).chainId);
    },
    latestBlock: () => provider.getBlockNumber(),
    async checkpoints(logId, fromBlock, toBlock) {
      const topics = checkpointLogInterface.encodeFilterTopics("CheckpointRecorded", [logId]) as string[];
      const logs = await logsInRange(topics, contracts.checkpoints, fromBlock, toBlock);
      return inChainOrder(logs).map((log) => {
        const event = checkpointLogInterface.decodeEventLog("CheckpointRecorded", log.data, log.topics);
        return {
          treeSize: Number(event.treeSize),
          root: event.root as string,
          blockNumber: log.blockNumber,
          transactionHash: log.transactionHash,
          attester: event.attester as string,
        };
      });
    },
    async checkpointSummary(logId, blockNumber) {
      const latest = await checkpointLog.latestCheckpoint(logId, { blockTag: blockNumber });
      return { treeSize: Number(latest.treeSize), root: latest.root, count: Number(latest.count) };
    },
    async committeesOf(orgIds, blockNumber) {
      const count = Number(await registry.organizationCount({ blockTag: blockNumber }));
      const answers = await mapConcurrently([...new Set(orgIds)], concurrency, async (orgId) => {
        if (!Number.isInteger(orgId) || orgId < 1 || orgId > count) return [orgId, 0] as const;
        return [orgId, Number((await registry.organization(orgId, { blockTag: blockNumber })).committeeId)] as const;
      });
      return new Map(answers);
    },
    async memberHeads(memberKeys, blockNumber) {
      // Many member() reads in one eth_call, through the ledger's own multicall (its writes are discarded by eth_call).
      const answers = await mapConcurrently(chunks(memberKeys, membersPerCall), concurrency, async (keys) => {
        const result = await provider.call({ to: contracts.membership, data: multicallOfMembers(keys), blockTag: blockNumber });
        return memberHeadsIn(result, keys.length).map((head, index) => [keys[index], head] as const);
      });
      return new Map(answers.flat());
    },
    async transfers(transferIds, blockNumber) {
      const answers = await mapConcurrently(transferIds, concurrency, async (id) => {
        const blockTag = { blockTag: blockNumber };
        const state = transferStateFromChain(Number(await transferLedger.stateOf(id, blockTag)));
        if (state === null) return [id, null] as const;
        const stored = await transferLedger.transfer(id, blockTag);
        const transfer: AuditedTransfer = {
          memberKey: stored.memberKey.toLowerCase(),
          kind: transferKindFromChain(Number(stored.kind)),
          state,
          fromOrgId: Number(stored.fromOrgId),
          toOrgId: Number(stored.toOrgId),
          letterHash: stored.letterHash.toLowerCase(),
          destinationHash: /^0x0+$/.test(stored.destinationHash) ? null : stored.destinationHash.toLowerCase(),
        };
        return [id, transfer] as const;
      });
      return new Map(answers);
    },
    async recordsAppended(memberKeys, fromBlock, toBlock) {
      const topic = membershipInterface.getEvent("RecordAppended").topicHash;
      const groups = chunks([...new Set(memberKeys)], keysPerQuery);
      const pages = await mapConcurrently(groups, concurrency, (keys) =>
        logsInRange([topic, keys], contracts.membership, fromBlock, toBlock),
      );
      // RecordAppended(bytes32 indexed memberKey, bytes32 recordHash): the key is the indexed topic, the hash the one
      // data word. Read directly: a sweep may read a whole log's events, and ethers' decoder is slow at that.
      return inChainOrder(pages.flat()).map((log) => ({
        memberKey: log.topics[1].toLowerCase(),
        recordHash: log.data.toLowerCase(),
        blockNumber: log.blockNumber,
        logIndex: log.index,
        transactionHash: log.transactionHash.toLowerCase(),
      }));
    },
    async membersJoined(fromBlock, toBlock) {
      const [registered, archived, moved] = (["MemberRegistered", "MemberRegisteredFromArchive", "MemberMoved"] as const).map(
        (name) => membershipInterface.getEvent(name).topicHash,
      );
      const logs = await logsInRange([[registered, archived, moved]], contracts.membership, fromBlock, toBlock);
      // The organization is an indexed topic: the second for a registration, the third (toOrgId) for a move.
      return inChainOrder(logs).map((log) => ({
        memberKey: log.topics[1].toLowerCase(),
        orgId: Number(log.topics[log.topics[0] === moved ? 3 : 2]),
        blockNumber: log.blockNumber,
        transactionHash: log.transactionHash.toLowerCase(),
      }));
    },
    async sendersOf(transactionHashes) {
      const answers = await mapConcurrently([...new Set(transactionHashes)], concurrency, async (hash) => {
        const transaction = await provider.getTransaction(hash);
        if (transaction === null) throw new Error(`the node does not return transaction ${hash}, whose event it returned`);
        return [hash, transaction.from] as const;
      });
      return new Map(answers);
    },
  };
}

// multicall(member(k₁), member(k₂), …) written and read by hand: ethers' ABI coder takes longer than the node to answer
// (a few hundred microseconds per member). Both shapes are fixed: each call is member()'s selector and one bytes32, each
// answer member()'s static tuple of words.
const WORD = 32;
const MEMBER_CALL_BYTES = 4 + WORD;
const MEMBER_SELECTOR = membershipInterface.getFunction("member").selector;
const MULTICALL_SELECTOR = membershipInterface.getFunction("multicall").selector;
const memberFields = membershipInterface.getFunction("member").outputs[0].components!.map((field) => field.name);
const RECORD_COUNT_WORD = memberFields.indexOf("recordCount");
const ORG_WORD = memberFields.indexOf("orgId");
const STAGE_WORD = memberFields.indexOf("stage");
const HEAD_WORD = memberFields.indexOf("head");

/**
 * multicall(bytes[]) calldata: the array's offset; at the array its length, each element's offset (from just after the
 * length), then each element as its length and its bytes, padded to whole words.
 */
function multicallOfMembers(memberKeys: readonly string[]): string {
  const word = (value: number) => value.toString(16).padStart(2 * WORD, "0");
  const elementWords = 1 + Math.ceil(MEMBER_CALL_BYTES / WORD);
  const offsets = memberKeys.map((_, index) => word(WORD * (memberKeys.length + elementWords * index)));
  const elements = memberKeys.map(
    (memberKey) => word(MEMBER_CALL_BYTES) + `${MEMBER_SELECTOR.slice(2)}${memberKey.slice(2)}`.padEnd(2 * WORD * (elementWords - 1), "0"),
  );
  return `${MULTICALL_SELECTOR}${word(WORD)}${word(memberKeys.length)}${offsets.join("")}${elements.join("")}`;
}

/** The heads in a multicall's answer (a bytes[] laid out as above) to member() calls. */
function memberHeadsIn(result: string, count: number): MemberHead[] {
  // Slicing the hex: ethers' dataSlice would convert the whole answer to bytes for every word.
  const word = (offset: number) => `0x${result.slice(2 + 2 * offset, 2 + 2 * (offset + WORD))}`;
  const array = Number(word(0));
  if (Number(word(array)) !== count) throw new Error(`multicall answered ${Number(word(array))} member() calls of ${count}`);
  const elements = array + WORD;
  return Array.from({ length: count }, (_, index) => {
    const tuple = elements + Number(word(elements + WORD * index)) + WORD;
    return {
      orgId: Number(word(tuple + WORD * ORG_WORD)),
      stage: Number(word(tuple + WORD * STAGE_WORD)),
      recordCount: Number(word(tuple + WORD * RECORD_COUNT_WORD)),
      head: word(tuple + WORD * HEAD_WORD),
    };
  });
}

function inChainOrder<T extends { blockNumber: number; index: number }>(logs: T[]): T[] {
  return logs.sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
}

function blockRanges(fromBlock: number, toBlock: number, span: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (let from = fromBlock; from <= toBlock; from += span) ranges.push([from, Math.min(toBlock, from + span - 1)]);
  return ranges;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}

/** `work` over every item with at most `limit` in flight; results in the items' order. */
async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
