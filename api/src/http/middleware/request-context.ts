import { randomUUID } from "node:crypto";
import type { RequestHandler } from "express";
import type { Logger } from "../../lib/logger";
import "../express-request";
import { trackMatchedRoute } from "./route-label";

// A caller-supplied id (from a proxy or another instance) is kept so a request can be followed
// across services; anything else is replaced, so the header cannot inject text into the logs.
const ACCEPTED_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get("x-request-id");
    req.requestId = incoming !== undefined && ACCEPTED_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ requestId: req.requestId });
    trackMatchedRoute(req);
    res.setHeader("X-Request-Id", req.requestId);
    next();
  };
}
