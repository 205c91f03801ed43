// One line per request: method, path, route, status, duration, caller. Never the body, the query
// string or headers, which may carry personal data or credentials.
import type { RequestHandler } from "express";
import { routeLabel } from "./route-label";

export function requestLogger(): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const entry = {
        method: req.method,
        path: req.originalUrl.split("?")[0],
        route: routeLabel(req),
        status: res.statusCode,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        accountId: req.auth?.accountId,
      };
      // A 503 is a deliberate refusal (an outage, a shutdown) whose cause is logged once, not with every request.
      if (res.statusCode >= 500 && res.statusCode !== 503) req.log.error(entry, "request failed");
      else req.log.info(entry, "request completed");
    });
    next();
  };
}
