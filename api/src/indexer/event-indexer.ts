// The chain event indexer: follows OrgRegistry and TransferLedger from a block cursor kept in this instance's database
// and hands each confirmed event to a handler. The events a batch applies and the cursor that moves past them commit in
// one transaction, so a restart neither misses nor repeats an event; chain_events' primary key makes a second
// indexer racing over the same database fail its batch rather than apply an event twice.
import { Indexed, type Interface, type Log, type LogDescription, type Provider } from "ethers";
import { OrgRegistry__factory } from "../../../typechain-types/factories/contracts/OrgRegistry__factory";
import { TransferLedger__factory } from "../../../typechain-types/factories/contracts/TransferLedger__factory";
import { isDatabaseUnavailable, type Repositories } from "../data-access";
import type { IndexedContract, IndexedEvent } from "../data-access/repositories/chain-index";
import { loggableError, type Logger } from "../lib/logger";
import { PollingLoop } from "../lib/polling-loop";
import { decodeChainError } from "../chain/errors";

export type { IndexedContract, IndexedEvent, StoredChainEvent } from "../data-access/repositories/chain-index";

/** What the indexer asks of a node (a JsonRpcApiProvider has it all). */
export type IndexerProvider = Pick<Provider, "getBlockNumber" | "getBlock" | "getLogs">;

export interface EventIndexerDependencies {
  provider: IndexerProvider;
  addresses: { registry: string; transfers: string };
  /** Runs work in one DB transaction with repositories bound to it (Institution.transaction / withTransaction). */
  transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
  /** Autocommit, for reading the cursor. */
  repositories: Repositories;
  /**
   * Applies one event inside the indexer's transaction; returns a short description of what it did ("ignored" when it
   * does not concern this instance). Throwing rolls back the whole batch (the cursor does not move) and the indexer
   * retries later.
   */
  apply(event: IndexedEvent, repositories: Repositories): Promise<string>;
  logger: Logger;
}

export interface EventIndexerOptions {
  /** The chain_cursor row this indexer owns, e.g. "consortium". */
  cursorName: string;
  /** The deployment block: the first block that can hold an event. */
  fromBlock: number;
  /**
   * Counted as the anchoring worker and the verifier count them (config.chainConfirmations): a block has
   * `latest - block + 1` confirmations, so 1 applies an event as soon as its block is mined.
   */
  confirmations: number;
  /** The most blocks one getLogs asks for (and one transaction covers). */
  batchBlocks: number;
  pollIntervalMs: number;
  /** The longest wait between attempts while the chain or the database fails. */
  maxBackoffMs: number;
}

/**
 * The block the cursor names is no longer on the chain: a reorganization deeper than the confirmations, or a node that
 * has not caught up (still syncing, restored from an older snapshot). Nothing more is applied until it is there again.
 */
export class ChainReorgedError extends Error {
  constructor(
    readonly blockNumber: number,
    readonly expectedHash: string,
    readonly actualHash: string | null,
  ) {
    super(`block ${blockNumber} is ${actualHash ?? "missing"} on the chain, the event index followed ${expectedHash}`);
    this.name = "ChainReorgedError";
  }
}

// Built once: parsing the ABI per batch would be wasted work.
const INTERFACES: Record<IndexedContract, Interface> = {
  registry: OrgRegistry__factory.createInterface(),
  transfers: TransferLedger__factory.createInterface(),
};

export class EventIndexer {
  private readonly contractAt: Map<string, IndexedContract>;
  private readonly loop: PollingLoop<number>;

  constructor(
    private readonly deps: EventIndexerDependencies,
    private readonly options: EventIndexerOptions,
  ) {
    for (const [key, minimum] of [
      ["fromBlock", 0],
      ["confirmations", 1],
      ["batchBlocks", 1],
    ] as const) {
      if (!Number.isSafeInteger(options[key]) || options[key] < minimum) {
        throw new RangeError(`${key} must be an integer ≥ ${minimum}, got ${options[key]}`);
      }
    }
    this.contractAt = new Map([
      [deps.addresses.registry.toLowerCase(), "registry"],
      [deps.addresses.transfers.toLowerCase(), "transfers"],
    ]);
    this.loop = new PollingLoop(() => this.indexRound(), options, {
      failed: (error, retryInMs, alreadyFailing) => this.report(error, retryInMs, alreadyFailing),
      recovered: () => deps.logger.info({ cursor: options.cursorName }, "chain event indexing resumed"),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Asks for a round now instead of at the next poll (after sending a transaction whose events matter here, say). */
  poke(): void {
    this.loop.poke();
  }

  /** Indexes from the cursor up to the confirmed head in batches; resolves with the number of events applied. */
  runOnce(): Promise<number> {
    // A caller arriving mid-round waits for it: two rounds at once would read the same cursor and apply a batch twice.
    return this.loop.runOnce();
  }

  private async indexRound(): Promise<number> {
    let applied = 0;
    for (;;) {
      const batch = await this.nextBatch();
      if (batch === null) return applied;
      applied += batch;
    }
  }

  /** Applies the next batch of blocks; null when the cursor is at the confirmed head. */
  private async nextBatch(): Promise<number | null> {
    const { provider, repositories } = this.deps;
    const { cursorName, confirmations, batchBlocks } = this.options;
    const latest = await provider.getBlockNumber();
    const head = latest - (confirmations - 1);
    const cursor = await repositories.chainIndex.cursor(cursorName);
    const after = cursor?.blockNumber ?? this.options.fromBlock - 1;
    if (after >= head) return null;
    if (cursor) await this.checkOnChain(cursor.blockNumber, cursor.blockHash);

    const toBlock = Math.min(head, after + batchBlocks);
    // Confirmed blocks are taken not to change; should one (a reorganization deeper than the confirmations), the next
    // batch finds the hash kept with the cursor off the chain and stops there instead of building on it.
    const toBlockHash = (await provider.getBlock(toBlock))?.hash;
    if (!toBlockHash) throw new Error(`the node reports block ${latest} as latest but cannot return block ${toBlock}`);
    const logs = await provider.getLogs({
      address: [this.deps.addresses.registry, this.deps.addresses.transfers],
      fromBlock: after + 1,
      toBlock,
    });
    const events = logs
      .filter((log) => !log.removed)
      .sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index)
      .flatMap((log) => this.parse(log) ?? []);

    const applied = await this.deps.transaction(async (tx) => {
      let count = 0;
      for (const event of events) {
        if (await tx.chainIndex.hasEvent(event.blockNumber, event.logIndex)) continue;
        await tx.chainIndex.recordEvent(event, await this.deps.apply(event, tx));
        count += 1;
      }
      await tx.chainIndex.advanceCursor(cursorName, toBlock, toBlockHash);
      return count;
    });
    this.deps.logger.debug({ cursor: cursorName, fromBlock: after + 1, toBlock, applied }, "chain events indexed");
    return applied;
  }

  private async checkOnChain(blockNumber: number, blockHash: string): Promise<void> {
    const actual = (await this.deps.provider.getBlock(blockNumber))?.hash?.toLowerCase() ?? null;
    if (actual !== blockHash.toLowerCase()) throw new ChainReorgedError(blockNumber, blockHash, actual);
  }

  /** The log as an event of ours, or null for a log neither interface knows (an event added in a later version). */
  private parse(log: Log): IndexedEvent | null {
    const contract = this.contractAt.get(log.address.toLowerCase());
    if (contract === undefined) return null;
    let description: LogDescription | null;
    try {
      description = INTERFACES[contract].parseLog({ topics: [...log.topics], data: log.data });
    } catch {
      // A known topic whose data does not decode: not an event this ABI emits.
      return null;
    }
    if (description === null) return null;
    return {
      blockNumber: log.blockNumber,
      logIndex: log.index,
      blockHash: log.blockHash.toLowerCase(),
      transactionHash: log.transactionHash.toLowerCase(),
      contract,
      name: description.name,
      args: Object.fromEntries(description.fragment.inputs.map((input, i) => [input.name, jsonSafe(input.type, description.args[i])])),
    };
  }

  private report(error: unknown, retryInMs: number, alreadyFailing: boolean): void {
    const cursor = this.options.cursorName;
    if (error instanceof ChainReorgedError) {
      const { blockNumber, expectedHash, actualHash } = error;
      this.deps.logger.error(
        { cursor, blockNumber, expectedHash, actualHash, retryInMs },
        "the block the event index stands on is not on the chain (a reorganization deeper than the confirmations, or a node behind): no event is applied until it is",
      );
      return;
    }
    if (decodeChainError(error).kind === "unavailable" || isDatabaseUnavailable(error)) {
      if (!alreadyFailing) this.deps.logger.warn({ cursor, retryInMs }, "chain or database unreachable: chain events wait");
      return;
    }
    // The handler's or the database's message may quote personal data: log the error's type and frames only.
    this.deps.logger.error({ cursor, retryInMs, error: loggableError(error) }, "indexing chain events failed");
  }
}

/** An event argument as the IndexedEvent contract promises it (see IndexedEvent.args). */
function jsonSafe(type: string, value: unknown): string | number | boolean {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (typeof value === "boolean") return value;
  // An indexed string, bytes, array or tuple is only its keccak256 hash in the topic.
  if (Indexed.isIndexed(value)) return (value.hash ?? "").toLowerCase();
  if (typeof value === "string") return type === "string" ? value : value.toLowerCase();
  throw new TypeError(`event argument of type ${type} cannot be indexed as a JSON scalar`);
}
