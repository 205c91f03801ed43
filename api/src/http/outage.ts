// A database outage as the HTTP tier reports it: each request it fails is answered 503 with Retry-After, and the log
// says once that the database is unreachable and once that it is back (found by probing it), not once per request.
import type { Logger } from "../lib/logger";

/** What a client refused for a database outage is told to wait; the outage is probed at the same pace. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

export class DatabaseOutage {
  private probing: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    /** Resolves when the database answers. */
    private readonly probe: () => Promise<void>,
  ) {}

  /** A request failed because the database is unreachable: the first one of an outage is logged. */
  failed(error: unknown): void {
    if (this.probing) return;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(
      { reason, retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS },
      "database unreachable: requests are answered 503 until it is back",
    );
    this.probeLater();
  }

  private probeLater(): void {
    this.probing = setTimeout(() => void this.probeNow(), DATABASE_RETRY_AFTER_SECONDS * 1000);
    // An outage being watched must not keep a stopping process alive.
    this.probing.unref();
  }

  private async probeNow(): Promise<void> {
    try {
      await this.probe();
    } catch {
      this.probeLater();
      return;
    }
    this.probing = undefined;
    this.logger.info("database reachable again: serving requests");
  }
}
