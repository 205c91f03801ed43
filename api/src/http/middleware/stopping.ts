// A stopping instance refuses what arrives after the stop began (on a connection kept alive from before): a clean 503
// the client can retry elsewhere or later, and the connection closed so that the instance can drain.
import type { RequestHandler } from "express";
import { ShuttingDown } from "../../domain/errors";

/** A client refused for a shutdown is told to come back after a restart's usual time. */
const RETRY_AFTER_SECONDS = 10;

export function refuseWhenStopping(stopping: (() => boolean) | undefined): RequestHandler {
  return (_req, res, next) => {
    if (!stopping?.()) return next();
    res.set("Connection", "close");
    next(new ShuttingDown(RETRY_AFTER_SECONDS));
  };
}
