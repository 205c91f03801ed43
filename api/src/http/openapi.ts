// OpenAPI 3.1 generated from the same zod schemas that validate requests. Route modules register
// their paths into the app's registry; the document is built once, on first request.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";

export const BEARER_AUTH = "bearerAuth";

export const errorResponseSchema = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "RULE_VIOLATION" }),
      rule: z.string().optional().meta({ description: "The rule that refused the request", example: "S7.afterS3OneYear" }),
      field: z.string().optional().meta({ description: "The offending field path", example: "effectiveDate" }),
      message: z.string(),
    }),
  })
  .meta({ id: "ErrorResponse" });

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The request does not match its schema",
  401: "Missing, invalid or expired credentials",
  403: "The caller may not do this; `rule` names why",
  404: "Not found",
  409: "Conflicts with the current state",
  422: "A hard rule refuses the request; nothing was written",
  429: "Too many attempts",
  503: "A dependency (the chain) is unavailable",
};

/** Response entries for registerPath: errorResponses(400, 401, 422). */
export function errorResponses(...statuses: number[]) {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: ERROR_DESCRIPTIONS[status] ?? "Error",
        content: { "application/json": { schema: errorResponseSchema } },
      },
    ]),
  );
}

/** For registerPath: marks an operation as needing `Authorization: Bearer <token>`. */
export const bearerSecurity = [{ [BEARER_AUTH]: [] }];

export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent("securitySchemes", BEARER_AUTH, { type: "http", scheme: "bearer", bearerFormat: "JWT" });
  return registry;
}

export function buildOpenApiDocument(registry: OpenAPIRegistry) {
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "cunzheng institution API",
      version: "0.1.0",
      description: "One institution's instance: membership-development records and transfers, anchored on the consortium chain.",
    },
  });
}
