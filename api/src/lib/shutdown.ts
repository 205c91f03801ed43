// Stopping within a bound: what the entry points use on SIGTERM to let work in flight finish, and no longer than that.
import type { Server } from "node:http";

/** How often a draining server closes connections that became idle (a keep-alive one whose request just finished). */
const IDLE_SWEEP_MS = 50;

/** Resolves true when `work` settles within `ms`, false when the time ran out first (the work goes on unawaited). */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops listening and closes every connection as soon as it is idle, so that requests in flight finish and nothing
 * new arrives on a kept-alive connection. Resolves true once every connection is closed, false when `ms` ran out
 * first, in which case the connections still open are cut.
 */
export async function drainServer(server: Server, ms: number): Promise<boolean> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
  server.closeIdleConnections();
  try {
    const drained = await settlesWithin(closed, ms);
    if (!drained) server.closeAllConnections();
    return drained;
  } finally {
    clearInterval(sweep);
  }
}
