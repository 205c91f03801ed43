// The anchoring worker: follows up journaled transactions, queues checkpoints, and sends pending outbox items in
// batches. When the chain is unreachable it backs off and tries again; nothing is lost, writes stay pending.
import type { Signer } from "ethers";
import { decodeChainError, type ConsortiumAddresses } from "../chain";
import { isDatabaseUnavailable, type Repositories } from "../data-access";
import type { Logger } from "../lib/logger";
import { PollingLoop } from "../lib/polling-loop";
import { nextBatch, preflight } from "./batches";
import { adminCheckpointIfDue, checkpointIfDue, type CheckpointPolicy } from "./checkpointer";
import type { ChainProvider } from "../chain/provider";
import { followUp, signJournalAndSend, type JournalContext } from "./journal";
import { LogTree } from "./log-tree";
import { reexamineFailed, settleRefusal, type Reexamination } from "./recovery";

/** How often failed items are looked at again (their write may have appeared on chain, their reason passed). */
const REEXAMINE_FAILED_EVERY_MS = 30_000;

export interface AnchoringOptions extends CheckpointPolicy {
  confirmations: number;
  batchSize: number;
  pollIntervalMs: number;
  /** The longest wait between attempts while the chain is unreachable. */
  maxBackoffMs: number;
}

export interface WorkerDependencies {
  repositories: Repositories;
  transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
  provider: ChainProvider;
  signer: Signer;
  addresses: ConsortiumAddresses;
  chainId: number;
  logger: Logger;
  now(): Date;
  /** Shared with the API's proof builder when both run in one process. */
  tree?: LogTree;
  /** The consortium's deployment block, where searches of the chain's events start (0: from genesis). */
  fromBlock?: number;
}

export class AnchoringWorker {
  private readonly tree: LogTree;
  private readonly lastBroadcast = new Map<string, number>();
  private readonly nonceUsedSince = new Map<string, { block: number; at: number }>();
  /** Failed items are first looked at in the first round, so that a new version heals what an old one left. */
  private lastReexamined = 0;
  private readonly loop: PollingLoop<number>;

  constructor(
    private readonly deps: WorkerDependencies,
    private readonly options: AnchoringOptions,
  ) {
    this.tree = deps.tree ?? new LogTree(deps.repositories);
    this.loop = new PollingLoop(() => this.sendRound(), options, {
      failed: (error, retryInMs, alreadyFailing) => this.report(error, retryInMs, alreadyFailing),
      recovered: () => deps.logger.info("chain reachable again: anchoring resumed"),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Asks for a round now instead of at the next poll (after a write, say). */
  poke(): void {
    this.loop.poke();
  }

  /**
   * One round: until nothing more can go, follow up what was sent, queue a checkpoint if due, and send the next
   * batch. Returns how many items it sent.
   */
  runOnce(): Promise<number> {
    // A caller arriving mid-round waits for it, then runs its own: two rounds at once would sign the same nonce.
    return this.loop.runOnce();
  }

  private async sendRound(): Promise<number> {
    const context = await this.journalContext();
    let sent = 0;
    if (Date.now() - this.lastReexamined >= REEXAMINE_FAILED_EVERY_MS) await this.reexamine(context);
    for (;;) {
      await followUp(context);
      await checkpointIfDue(this.deps.repositories, this.deps.transaction, this.tree, this.options, this.deps.now());
      await adminCheckpointIfDue(this.deps.repositories, this.deps.transaction, this.options, this.deps.now());
      // Stopping: what was sent is followed up; the rest stays pending for the next start.
      if (this.loop.stopping) return sent;
      const batch = await nextBatch(this.deps.repositories, this.options.batchSize);
      if (batch.length === 0) return sent;
      const checked = await preflight(this.deps.provider, this.deps.addresses, context.sender, batch);
      if (!checked.ok) {
        for (const { item, error } of checked.refused) await settleRefusal(context, item, error);
        continue;
      }
      await signJournalAndSend(
        context,
        { ...checked.transaction, gasLimit: checked.gasLimit },
        checked.items.map((item) => item.id),
      );
      sent += checked.items.length;
    }
  }

  /** Looks at every failed item again now (an operator's request, a test); the worker also does so every while. */
  async reexamineNow(): Promise<Reexamination> {
    return this.reexamine(await this.journalContext());
  }

  private async reexamine(context: JournalContext): Promise<Reexamination> {
    const result = await reexamineFailed(context);
    this.lastReexamined = Date.now();
    if (result.settled.length + result.requeued.length > 0) this.deps.logger.info(result, "failed outbox items looked at again");
    return result;
  }

  /** Queues a checkpoint of the whole log now, whatever the policy (an operator closing the day, a test). */
  async checkpointNow(): Promise<number | null> {
    const policy = { ...this.options, everyRecords: 1 };
    return checkpointIfDue(this.deps.repositories, this.deps.transaction, this.tree, policy, this.deps.now());
  }

  /** Queues a checkpoint of the administrative log's head now, whatever the policy; returns its size, or null. */
  async adminCheckpointNow(): Promise<number | null> {
    const policy = { ...this.options, everyRecords: 1 };
    return adminCheckpointIfDue(this.deps.repositories, this.deps.transaction, policy, this.deps.now());
  }

  private report(error: unknown, retryInMs: number, alreadyFailing: boolean): void {
    if (isDatabaseUnavailable(error)) {
      if (!alreadyFailing) this.deps.logger.warn({ retryInMs, reason: (error as Error).message }, "database unreachable: anchoring waits");
      return;
    }
    const decoded = decodeChainError(error);
    if (decoded.kind === "unavailable") {
      if (!alreadyFailing) this.deps.logger.warn({ retryInMs, reason: decoded.message }, "chain unreachable: writes stay pending");
      return;
    }
    this.deps.logger.error({ retryInMs, error: error instanceof Error ? error.message : String(error) }, "anchoring round failed");
  }

  private async journalContext(): Promise<JournalContext> {
    return {
      provider: this.deps.provider,
      signer: this.deps.signer,
      sender: await this.deps.signer.getAddress(),
      chainId: this.deps.chainId,
      confirmations: this.options.confirmations,
      transaction: this.deps.transaction,
      repositories: this.deps.repositories,
      logger: this.deps.logger,
      lastBroadcast: this.lastBroadcast,
      addresses: this.deps.addresses,
      fromBlock: this.deps.fromBlock ?? 0,
      nonceUsedSince: this.nonceUsedSince,
    };
  }
}
