// GET /metrics in Prometheus text: process metrics plus requests by route and status. The labels
// are route patterns, never raw paths, so no identifier ends up in a metric.
import { Router, type RequestHandler } from "express";
import { collectDefaultMetrics, Counter, Histogram, Registry } from "prom-client";
import { routeLabel } from "./middleware/route-label";

export interface HttpMetrics {
  middleware: RequestHandler;
  router: Router;
}

export function createHttpMetrics(register: Registry = new Registry()): HttpMetrics {
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
  router.get("/metrics", async (_req, res) => {
    res.type(register.contentType).send(await register.metrics());
  });
  return { middleware, router };
}
