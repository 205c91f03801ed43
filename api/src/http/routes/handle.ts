// One JSON operation: validate params, query and body with their zod schemas, call the domain with the parsed
// values and the caller, answer with the result. Handlers stay one line and fully typed. A JSON body is read here, after
// the route's `authenticate` (when it has one), up to the small limit unless the route declares its own.
import type { Request, RequestHandler } from "express";
import type { z } from "zod";
import type { AuthContext } from "../auth/roles";
import { authOf } from "../auth/authenticate";
import { validationErrorFrom } from "../errors";
import { readJsonBody } from "../middleware/body";

type Schema = z.ZodType | undefined;
type Out<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

export interface Input<P extends Schema, Q extends Schema, B extends Schema> {
  params: Out<P>;
  query: Out<Q>;
  body: Out<B>;
  actor: AuthContext;
  req: Request;
}

function parse<S extends Schema>(schema: S, value: unknown, location: "params" | "query" | "body"): Out<S> {
  if (!schema) return undefined as Out<S>;
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationErrorFrom(parsed.error, location);
  return parsed.data as Out<S>;
}

export interface Schemas<P extends Schema, Q extends Schema, B extends Schema> {
  params?: P;
  query?: Q;
  body?: B;
  /** The largest JSON body this route reads; SMALL_BODY_LIMIT_BYTES when omitted. */
  bodyLimitBytes?: number;
  status?: number;
}

export function handle<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined>(
  schemas: Schemas<P, Q, B>,
  run: (input: Input<P, Q, B>) => Promise<unknown>,
): RequestHandler {
  return handlePublic(schemas, (input) => run({ ...input, actor: authOf(input.req) }));
}

/** The same for an operation anyone may call (no `authenticate` before it): there is no actor. */
export function handlePublic<P extends Schema = undefined, Q extends Schema = undefined, B extends Schema = undefined>(
  schemas: Schemas<P, Q, B>,
  run: (input: Omit<Input<P, Q, B>, "actor">) => Promise<unknown>,
): RequestHandler {
  return async (req, res) => {
    if (schemas.body) await readJsonBody(req, res, schemas.bodyLimitBytes);
    const input = {
      params: parse(schemas.params, req.params, "params"),
      query: parse(schemas.query, req.query, "query"),
      body: parse(schemas.body, req.body, "body"),
      req,
    } as Omit<Input<P, Q, B>, "actor">;
    res.status(schemas.status ?? 200).json(await run(input));
  };
}
