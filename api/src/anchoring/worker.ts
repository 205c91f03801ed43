// The anchoring worker: follows up journaled transactions, queues checkpoints, and sends pending outbox items in
// batches. When the chain is unreachable it backs off and tries again; nothing is lost, writes stay pending.
import type { Signer } from "ethers";
import { decodeChainError, type ConsortiumAddresses } from "../chain";
import type { Repositories } from "../data-access";
import type { Logger } from "../lib/logger";
import { nextBatch, preflight } from "./batches";
import { checkpointIfDue, type CheckpointPolicy } from "./checkpointer";
import { followUp, signJournalAndSend, type ChainProvider, type JournalContext } from "./journal";
import { LogTree } from "./log-tree";

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
}

export class AnchoringWorker {
  private running = false;
  private stopped: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private readonly tree: LogTree;
  private chainDown = false;
  private readonly lastBroadcast = new Map<string, number>();
  private round: Promise<void> = Promise.resolve();

  constructor(private readonly deps: WorkerDependencies, private readonly options: AnchoringOptions) {
    this.tree = deps.tree ?? new LogTree(deps.repositories);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = this.loop();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.stopped;
  }

  /** Asks for a round now instead of at the next poll (after a write, say). */
  poke(): void {
    this.wake?.();
  }

  /**
   * One round: until nothing more can go, follow up what was sent, queue a checkpoint if due, and send the next
   * batch. Returns how many items it sent.
   */
  async runOnce(): Promise<number> {
    // Rounds never overlap: two would sign the same nonce. A caller arriving mid-round waits for it, then runs its own.
    const previous = this.round;
    const round = previous.catch(() => undefined).then(() => this.sendRound());
    this.round = round.then(() => undefined, () => undefined);
    return round;
  }

  private async sendRound(): Promise<number> {
    const context = await this.journalContext();
    let sent = 0;
    for (;;) {
      await followUp(context);
      await checkpointIfDue(this.deps.repositories, this.deps.transaction, this.tree, this.options, this.deps.now());
      const batch = await nextBatch(this.deps.repositories, this.options.batchSize);
      if (batch.length === 0) return sent;
      const checked = await preflight(this.deps.provider, this.deps.addresses, context.sender, batch);
      if (!checked.ok) {
        for (const { item, error } of checked.refused) {
          this.deps.logger.warn({ outboxId: item.id, error: error.name }, "the chain refuses an outbox item");
          await this.deps.repositories.outbox.markFailed(item.id, error);
        }
        continue;
      }
      await signJournalAndSend(context, { ...checked.transaction, gasLimit: checked.gasLimit }, checked.items.map((item) => item.id));
      sent += checked.items.length;
    }
  }

  /** Queues a checkpoint of the whole log now, whatever the policy (an operator closing the day, a test). */
  async checkpointNow(): Promise<number | null> {
    const policy = { ...this.options, everyRecords: 1 };
    return checkpointIfDue(this.deps.repositories, this.deps.transaction, this.tree, policy, this.deps.now());
  }

  private async loop(): Promise<void> {
    let backoffMs = this.options.pollIntervalMs;
    while (this.running) {
      try {
        await this.runOnce();
        if (this.chainDown) this.deps.logger.info("chain reachable again: anchoring resumed");
        this.chainDown = false;
        backoffMs = this.options.pollIntervalMs;
      } catch (error) {
        backoffMs = Math.min(backoffMs * 2, this.options.maxBackoffMs);
        this.report(error, backoffMs);
      }
      await this.sleep(this.chainDown ? backoffMs : this.options.pollIntervalMs);
    }
  }

  private report(error: unknown, retryInMs: number): void {
    const decoded = decodeChainError(error);
    if (decoded.kind === "unavailable") {
      if (!this.chainDown) this.deps.logger.warn({ retryInMs, reason: decoded.message }, "chain unreachable: writes stay pending");
      this.chainDown = true;
      return;
    }
    this.chainDown = true;
    this.deps.logger.error({ retryInMs, error: error instanceof Error ? error.message : String(error) }, "anchoring round failed");
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
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
    };
  }
}
