// createApp(deps): the Express app every route shares — security headers, request ids, request
// logging, metrics, JSON bodies, auth, OpenAPI, and one error format.
import express, { Router, type Express } from "express";
import helmet from "helmet";
import { assertOrgInScope } from "./auth/org-scope";
import { createAuthenticate, requireRole } from "./auth/authenticate";
import { authRouter } from "./auth/login";
import type { AppDeps, RouteContext } from "./deps";
import { docsRouter } from "./docs";
import { errorHandler, notFoundHandler } from "./errors";
import { healthRouter } from "./health";
import { DatabaseOutage } from "./outage";
import { createHttpMetrics } from "./metrics";
import { compression } from "./middleware/compression";
import { requestContext } from "./middleware/request-context";
import { requestLogger } from "./middleware/request-logger";
import { refuseWhenStopping } from "./middleware/stopping";
import { buildOpenApiDocument, createOpenApiRegistry } from "./openapi";
import { portalRouter } from "./portal";

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  // Behind a reverse proxy, req.ip (which the login limits count by) is the client's only if the proxy is trusted.
  app.set("trust proxy", deps.config.trustProxy);

  const openapi = createOpenApiRegistry();
  const metrics = createHttpMetrics(deps.metricsRegistry, { token: deps.config.metricsToken });
  const authenticate = createAuthenticate(deps.config, deps.sessions);
  const authenticateForPasswordChange = createAuthenticate(deps.config, deps.sessions, { allowPasswordChange: true });

  app.use(requestContext(deps.logger));
  app.use(requestLogger());
  app.use(refuseWhenStopping(deps.stopping));
  app.use(metrics.middleware);
  app.use(
    helmet({
      // The embedded default serves plain http on localhost; upgrading its asset requests to https would break /docs.
      // img-src adds blob: so the portal can preview an image the clerk picked or downloaded (its own object URLs).
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null, imgSrc: ["'self'", "data:", "blob:"] } },
    }),
  );
  app.use(compression());
  // No body parser here: each route reads its body after authorizing the caller, up to its own limit (middleware/body.ts).

  app.use(healthRouter(deps.health, openapi));
  app.use(metrics.router);

  const api = Router();
  api.use(authRouter(deps, authenticateForPasswordChange, openapi));
  const context: RouteContext = {
    router: api,
    openapi,
    deps,
    authenticate,
    authenticateForPasswordChange,
    requireRole,
    assertOrgInScope: (auth, orgId) => assertOrgInScope(deps.orgs, auth, orgId),
  };
  for (const registerRoutes of deps.routes ?? []) registerRoutes(context);
  app.use("/api", api);

  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get("/openapi.json", (_req, res) => {
    document ??= buildOpenApiDocument(openapi);
    res.json(document);
  });
  app.use(docsRouter());
  app.use(portalRouter());

  app.use(notFoundHandler());
  app.use(errorHandler(new DatabaseOutage(deps.logger, deps.health.database)));
  return app;
}
