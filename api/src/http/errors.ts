// The one place errors become HTTP responses: { error: { code, rule?, field?, message } }.
import type { ErrorRequestHandler, RequestHandler } from "express";
import { ZodError } from "zod";
import { isDatabaseUnavailable } from "../data-access/errors";
import { AppError, DatabaseUnavailable, NotFound, Unavailable, ValidationError, type ErrorBody } from "../domain/errors";
import { localizedError, preferredLanguage } from "../domain/messages";
import { loggableError } from "../lib/logger";
import { DATABASE_RETRY_AFTER_SECONDS, type DatabaseOutage } from "./outage";
import { RULES } from "../domain/refusals";

/** A zod failure as a 400 naming the first offending field path ('members.0.idNumber'). */
export function validationErrorFrom(error: ZodError, location?: "params" | "query" | "body"): ValidationError {
  const described = error.issues.map((issue) => ({
    field: issue.path.length > 0 ? issue.path.join(".") : (location ?? "request"),
    message: issue.message,
  }));
  return new ValidationError({
    field: described[0].field,
    message: described.map(({ field, message }) => `${field}: ${message}`).join("; "),
  });
}

// body-parser reports its own failures as http-errors with a `type`.
interface BodyParserError {
  type: string;
  status: number;
  expose: boolean;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === "object" && error !== null && "type" in error && "status" in error && "expose" in error;
}

function toResponse(error: unknown): { status: number; body: ErrorBody } {
  if (error instanceof AppError) return { status: error.status, body: error.toBody() };
  if (error instanceof ZodError) return toResponse(validationErrorFrom(error));
  if (isBodyParserError(error) && error.expose && error.status < 500) {
    if (error.type === "entity.parse.failed") {
      return { status: 400, body: { code: "MALFORMED_JSON", field: "body", message: "The request body is not valid JSON" } };
    }
    if (error.type === "entity.too.large") {
      return { status: 413, body: { code: "PAYLOAD_TOO_LARGE", rule: RULES.requestBodyLimit, message: "The request body is too large" } };
    }
    return { status: error.status, body: { code: "BAD_REQUEST", field: "body", message: "The request body cannot be read" } };
  }
  return { status: 500, body: { code: "INTERNAL_ERROR", message: "Internal server error" } };
}

/** `outage` hears of every request failed by an unreachable database, which is answered 503, not 500. */
export function errorHandler(outage?: DatabaseOutage): ErrorRequestHandler {
  return (thrown, req, res, next) => {
    if (res.headersSent) return next(thrown);
    let error: unknown = thrown;
    if (isDatabaseUnavailable(thrown)) {
      outage?.failed(thrown);
      error = new DatabaseUnavailable(DATABASE_RETRY_AFTER_SECONDS);
    }
    const { status, body } = toResponse(error);
    // Unexpected failures keep their stack in the server log only; the client gets the request id.
    if (status >= 500 && !(error instanceof Unavailable)) req.log.error({ err: loggableError(error) }, "request error");
    if (error instanceof Unavailable) res.set("Retry-After", String(error.retryAfterSeconds));
    // A body refused unread (no login, over the limit) is not drained: the connection closes after the answer.
    if (!req.complete) res.set("Connection", "close");
    res
      .status(status)
      .vary("Accept-Language")
      .json({ error: localizedError(body, preferredLanguage(req.get("accept-language"))) });
  };
}

export function notFoundHandler(): RequestHandler {
  return (req) => {
    throw new NotFound(`No route for ${req.method} ${req.path}`);
  };
}
