// What the frame's middleware adds to every request.
import type { Logger } from "../lib/logger";
import type { AuthContext } from "./auth/roles";

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express declares its Request type in this namespace
  namespace Express {
    interface Request {
      requestId: string;
      /** A child logger carrying requestId. */
      log: Logger;
      /** Set by `authenticate`. */
      auth?: AuthContext;
      /** The session the token names, set with `auth`. */
      sessionId?: string;
    }
  }
}

export {};
