// GET /metrics in Prometheus text: process metrics plus requests by route and status. The labels
// are route patterns, never raw paths, so no identifier ends up in a metric. The API's listener serves it only to a
// caller with the metrics token; without a token configured, only the loopback listener of metricsApp serves it.
import { createHash, timingSafeEqual } from "node:crypto";
import express, { Router, type Express, type RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { Unauthorized } from "../domain/errors";
import { routeLabel } from "./middleware/route-label";

export interface HttpMetrics {
  middleware: RequestHandler;
  router: Router;
}

const BEARER = /^Bearer (\S+)$/;

function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function serveMetrics(register: Registry): RequestHandler {
  return async (_req, res) => {
    res.type(register.contentType).send(await register.metrics());
  };
}

export function createHttpMetrics(register: Registry = new Registry(), options: { token?: string } = {}): HttpMetrics {
  collectDefaultMetrics({ register });
  const labelNames = ["method", "route", "status"] as const;
  const requests = new Counter({
    name: "http_requests_total",
    help: "HTTP requests answered, by method, route pattern and status",
    labelNames,
    registers: [register],
  });
  const duration = new Histogram({
    name: "http_request_duration_seconds",
    help: "HTTP request duration in seconds, by method, route pattern and status",
    labelNames,
    registers: [register],
  });

  const middleware: RequestHandler = (req, res, next) => {
    const stopTimer = duration.startTimer();
    res.on("finish", () => {
      const labels = { method: req.method, route: routeLabel(req), status: String(res.statusCode) };
      requests.inc(labels);
      stopTimer(labels);
    });
    next();
  };

  const router = Router();
  const { token } = options;
  if (token !== undefined) {
    router.get(
      "/metrics",
      (req, res, next) => {
        const given = BEARER.exec(req.get("authorization") ?? "")?.[1];
        if (given === undefined || !sameSecret(given, token)) {
          res.setHeader("WWW-Authenticate", 'Bearer realm="metrics"');
          throw new Unauthorized("/metrics needs the metrics token (METRICS_TOKEN)");
        }
        next();
      },
      serveMetrics(register),
    );
  }
  return { middleware, router };
}

/** The loopback listener's app (METRICS_PORT): /metrics and nothing else, no token. */
export function metricsApp(register: Registry): Express {
  const app = express();
  app.disable("x-powered-by");
  app.get("/metrics", serveMetrics(register));
  return app;
}
