// Request bodies are read by the route that wants them, after the route has authenticated and authorized the caller:
// an anonymous caller can make the server read at most a small JSON document (public routes), never a large upload.
// A body whose declared length is over the route's limit is refused before a byte of it is read.
import express, { type Request, type RequestHandler, type Response } from "express";
import { AppError } from "../../domain/errors";
import { RULES } from "../../domain/refusals";

/** Every JSON body, unless its route declares more (and reads it only after authorizing). */
export const SMALL_BODY_LIMIT_BYTES = 100 * 1024;

export class PayloadTooLarge extends AppError {
  constructor(limitBytes: number) {
    super("PAYLOAD_TOO_LARGE", 413, `The request body is larger than this route's limit of ${limitBytes} bytes`, {
      rule: RULES.requestBodyLimit,
    });
  }
}

// Any route's request: the parsers do not care what its params, query or body are typed as.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- unknown would not accept every route's Request
type AnyRequest = Request<any, any, any, any>;

function refuseDeclaredOverLimit(req: AnyRequest, limitBytes: number): void {
  const declared = Number(req.get("content-length"));
  if (Number.isFinite(declared) && declared > limitBytes) throw new PayloadTooLarge(limitBytes);
}

function run(middleware: RequestHandler, req: AnyRequest, res: Response): Promise<void> {
  return new Promise((resolve, reject) =>
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- passes on what the parser gave next()
    middleware(req, res, (error?: unknown) => (error ? reject(error) : resolve())),
  );
}

const jsonParsers = new Map<number, RequestHandler>();

/** Reads a JSON body of at most limitBytes into req.body (an absent or non-JSON body leaves it undefined). */
export async function readJsonBody(req: AnyRequest, res: Response, limitBytes = SMALL_BODY_LIMIT_BYTES): Promise<void> {
  refuseDeclaredOverLimit(req, limitBytes);
  let parser = jsonParsers.get(limitBytes);
  if (!parser) {
    parser = express.json({ limit: limitBytes });
    jsonParsers.set(limitBytes, parser);
  }
  await run(parser, req, res);
}

/** readJsonBody as a middleware, for routes that validate their body themselves. */
export function jsonBody(limitBytes = SMALL_BODY_LIMIT_BYTES): RequestHandler {
  return async (req, res, next) => {
    await readJsonBody(req, res, limitBytes);
    next();
  };
}

/** Reads the raw body (any content type) of at most limitBytes into req.body as a Buffer. */
export function rawBody(limitBytes: number): RequestHandler {
  const parser = express.raw({ type: () => true, limit: limitBytes });
  return async (req, res, next) => {
    refuseDeclaredOverLimit(req, limitBytes);
    await run(parser, req, res);
    next();
  };
}
