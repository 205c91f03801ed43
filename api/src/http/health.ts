// GET /health: a 200 'ok' when both the database and the chain answer. A chain outage is
// 'degraded' but still 200 — records are stored and anchored later from the outbox; a database
// outage is 'degraded' with 503, since nothing can be served.
import { Router } from "express";
import { z } from "zod";
import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import type { HealthPort } from "./deps";

const CHECK_TIMEOUT_MS = 3000;

export const healthResponseSchema = z
  .object({
    status: z.enum(["ok", "degraded"]),
    database: z.object({ ok: z.boolean(), latencyMs: z.number() }),
    chain: z.object({ ok: z.boolean(), blockNumber: z.number().int().optional() }),
  })
  .meta({ id: "Health" });

type Health = z.infer<typeof healthResponseSchema>;

// A hanging dependency must not hang the health check, which is what would detect it.
async function withTimeout<T>(check: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function checkDatabase(health: HealthPort): Promise<Health["database"]> {
  const started = performance.now();
  try {
    await withTimeout(() => health.database());
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { ok: false, latencyMs: Math.round(performance.now() - started) };
  }
}

async function checkChain(health: HealthPort): Promise<Health["chain"]> {
  try {
    const { blockNumber } = await withTimeout(() => health.chain());
    return { ok: true, blockNumber };
  } catch {
    return { ok: false };
  }
}

export function healthRouter(health: HealthPort, openapi: OpenAPIRegistry): Router {
  openapi.registerPath({
    method: "get",
    path: "/health",
    summary: "Liveness of the database and the chain",
    responses: {
      200: {
        description: "Serving (status may be 'degraded' if the chain is down)",
        content: { "application/json": { schema: healthResponseSchema } },
      },
      503: { description: "The database is down", content: { "application/json": { schema: healthResponseSchema } } },
    },
  });
  const router = Router();
  router.get("/health", async (_req, res) => {
    const [database, chain] = await Promise.all([checkDatabase(health), checkChain(health)]);
    const body: Health = { status: database.ok && chain.ok ? "ok" : "degraded", database, chain };
    res.status(database.ok ? 200 : 503).json(body);
  });
  return router;
}
