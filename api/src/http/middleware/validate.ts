// zod schemas at the edge: a request that does not match never reaches a handler, and the handler
// sees the parsed (coerced, defaulted) values with types inferred from the same schemas. A body is read here (up to
// the small limit), so place `authenticate` before validate on a route that needs a login.
import type { RequestHandler } from "express";
import type { ParamsDictionary } from "express-serve-static-core";
import type { z } from "zod";
import { validationErrorFrom } from "../errors";
import { readJsonBody } from "./body";

type ParsedQuery = Record<string, unknown>;

export function validate<
  Params extends z.ZodType = z.ZodType<ParamsDictionary>,
  Body extends z.ZodType = z.ZodType<unknown>,
  Query extends z.ZodType = z.ZodType<ParsedQuery>,
>(schemas: { params?: Params; body?: Body; query?: Query }): RequestHandler<z.output<Params>, unknown, z.output<Body>, z.output<Query>> {
  return async (req, res, next) => {
    if (schemas.params) {
      const parsed = schemas.params.safeParse(req.params);
      if (!parsed.success) throw validationErrorFrom(parsed.error, "params");
      req.params = parsed.data;
    }
    if (schemas.query) {
      const parsed = schemas.query.safeParse(req.query);
      if (!parsed.success) throw validationErrorFrom(parsed.error, "query");
      // Express 5 computes req.query with a getter on each access; shadow it with the parsed value.
      Object.defineProperty(req, "query", { value: parsed.data, writable: true, configurable: true, enumerable: true });
    }
    if (schemas.body) {
      await readJsonBody(req, res);
      const parsed = schemas.body.safeParse(req.body);
      if (!parsed.success) throw validationErrorFrom(parsed.error, "body");
      req.body = parsed.data;
    }
    next();
  };
}
