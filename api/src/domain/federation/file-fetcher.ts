// Fetches the member files of incoming transfers in the background: as soon as the indexer records a transfer, and
// again with growing pauses while the source's instance does not answer (the clerk sees the last error meanwhile).
import type { Logger } from "../../lib/logger";
import { PollingLoop } from "../../lib/polling-loop";
import type { Institution } from "../institution";
import { fetchMemberFile } from "./receive-file";

export interface FileFetcherOptions {
  pollIntervalMs: number;
  /** The pause after a failed attempt doubles up to this. */
  maxRetryMs: number;
}

const FILES_PER_ROUND = 20;

export class FileFetcher {
  private readonly loop: PollingLoop<number>;

  constructor(
    private readonly institution: Institution,
    private readonly logger: Logger,
    private readonly options: FileFetcherOptions,
  ) {
    // Each file keeps its own growing pause in the database; a failed round (the database down) just tries again,
    // and a lasting outage is logged once, not with every poll.
    this.loop = new PollingLoop(
      () => this.fetchDue(),
      { pollIntervalMs: options.pollIntervalMs, maxBackoffMs: options.pollIntervalMs },
      {
        failed: (error, retryInMs, alreadyFailing) => {
          if (!alreadyFailing)
            logger.warn(
              { reason: error instanceof Error ? error.message : String(error), retryInMs },
              "member file rounds failing: retrying until they succeed",
            );
        },
        recovered: () => logger.info("member file rounds succeed again"),
      },
    );
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  poke(): void {
    this.loop.poke();
  }

  /** One round over the files that are due; resolves with how many arrived. */
  runOnce(): Promise<number> {
    return this.loop.runOnce();
  }

  private async fetchDue(): Promise<number> {
    const { repositories } = this.institution;
    let received = 0;
    for (const due of await repositories.incomingFiles.due(this.institution.now(), FILES_PER_ROUND)) {
      const transfer = (await repositories.transfers.get(due.transferId))!;
      try {
        await fetchMemberFile(this.institution, transfer);
        received += 1;
        this.logger.info({ transferId: transfer.id }, "member file received");
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const pauseMs = Math.min(this.options.pollIntervalMs * 2 ** due.attempts, this.options.maxRetryMs);
        await repositories.incomingFiles.attemptFailed(transfer.id, message, new Date(this.institution.now().getTime() + pauseMs));
        this.logger.warn(
          { transferId: transfer.id, attempt: due.attempts + 1, retryInMs: pauseMs, reason: message },
          "member file not fetched",
        );
      }
    }
    return received;
  }
}
