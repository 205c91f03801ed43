// One background loop for every poller of the instance (anchoring worker, chain-event indexer, member-file fetcher):
// a round, then a pause of the poll interval — doubling up to a limit while rounds fail — which a poke or a stop cuts
// short. Rounds never overlap, whether the loop or a caller (a test, an operator) starts them: two at once would read
// the same cursor or sign the same nonce.

export interface PollingOptions {
  pollIntervalMs: number;
  /** The pause after failed rounds doubles up to this. */
  maxBackoffMs: number;
}

export interface RoundOutcomes {
  /** A round threw. `alreadyFailing`: the round before threw too, so a lasting outage can be logged once. */
  failed(error: unknown, retryInMs: number, alreadyFailing: boolean): void;
  /** A round succeeded after one or more failed. */
  recovered?(): void;
}

export class PollingLoop<T> {
  private running = false;
  private stopRequested = false;
  private stopped: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private previous: Promise<unknown> = Promise.resolve();
  private failing = false;

  constructor(
    private readonly round: () => Promise<T>,
    private readonly options: PollingOptions,
    private readonly outcomes: RoundOutcomes,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.stopped = this.loop();
  }

  /** Whether stop() was called: a long round checks it between steps, and ends early so the stop is quick. */
  get stopping(): boolean {
    return this.stopRequested;
  }

  async stop(): Promise<void> {
    this.stopRequested = true;
    this.running = false;
    this.wake?.();
    await this.stopped;
    // Stopped: a round run by hand afterwards (a test, an operator) goes to the end again.
    this.stopRequested = false;
  }

  /** Asks for a round now instead of at the next poll. */
  poke(): void {
    this.wake?.();
  }

  /** One round, once any round under way has finished. */
  runOnce(): Promise<T> {
    const round = this.previous.then(() => this.round());
    this.previous = round.catch(() => undefined);
    return round;
  }

  private async loop(): Promise<void> {
    const { pollIntervalMs, maxBackoffMs } = this.options;
    let backoffMs = pollIntervalMs;
    while (this.running) {
      try {
        await this.runOnce();
        if (this.failing) this.outcomes.recovered?.();
        this.failing = false;
        backoffMs = pollIntervalMs;
      } catch (error) {
        backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
        this.outcomes.failed(error, backoffMs, this.failing);
        this.failing = true;
      }
      if (!this.running) break;
      await this.sleep(this.failing ? backoffMs : pollIntervalMs);
    }
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
}
