// What the frame's middleware adds to every request.
import type { Logger } from "../lib/logger";
import type { AuthContext } from "./auth/roles";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      requestId: string;
      /** A child logger carrying requestId. */
      log: Logger;
      /** Set by `authenticate`. */
      auth?: AuthContext;
    }
  }
}

export {};
