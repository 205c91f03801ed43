// Registers one operation in the OpenAPI document from the same zod schemas that validate it.
import type { OpenAPIRegistry, RouteConfig } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { bearerSecurity, errorResponses } from "../openapi";

export interface Operation {
  method: "get" | "post" | "patch";
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** Response body schema; a JSON object when omitted. */
  response?: z.ZodType;
  /** The response's media type; application/json when omitted. */
  contentType?: string;
  status?: 200 | 201 | 202 | 204;
  errors: number[];
}

const jsonObject = z.record(z.string(), z.unknown());

export function describe(openapi: OpenAPIRegistry, operation: Operation): void {
  const request: RouteConfig["request"] = {
    ...(operation.params && { params: operation.params }),
    ...(operation.query && { query: operation.query }),
    ...(operation.body && { body: { required: true, content: { "application/json": { schema: operation.body } } } }),
  };
  openapi.registerPath({
    method: operation.method,
    path: operation.path,
    summary: operation.summary,
    tags: [operation.tag],
    security: bearerSecurity,
    request,
    responses: {
      [operation.status ?? 200]: {
        description: operation.summary,
        content: { [operation.contentType ?? "application/json"]: { schema: operation.response ?? jsonObject } },
      },
      ...errorResponses(401, ...operation.errors),
    },
  });
}
