// The one place errors become HTTP responses: { error: { code, rule?, field?, message } }.
import type { ErrorRequestHandler, RequestHandler } from "express";
import { ZodError } from "zod";
import { AppError, NotFound, ValidationError, type ErrorBody } from "../domain/errors";
import { loggableError } from "../lib/logger";

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
      return { status: 400, body: { code: "MALFORMED_JSON", message: "The request body is not valid JSON" } };
    }
    if (error.type === "entity.too.large") {
      return { status: 413, body: { code: "PAYLOAD_TOO_LARGE", message: "The request body is too large" } };
    }
    return { status: error.status, body: { code: "BAD_REQUEST", message: "The request body cannot be read" } };
  }
  return { status: 500, body: { code: "INTERNAL_ERROR", message: "Internal server error" } };
}

export function errorHandler(): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const { status, body } = toResponse(error);
    // Unexpected failures keep their stack in the server log only; the client gets the request id.
    if (status >= 500) req.log.error({ err: loggableError(error) }, "request error");
    res.status(status).json({ error: body });
  };
}

export function notFoundHandler(): RequestHandler {
  return (req) => {
    throw new NotFound(`No route for ${req.method} ${req.path}`);
  };
}
