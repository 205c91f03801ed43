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
import { createHttpMetrics } from "./metrics";
import { requestContext } from "./middleware/request-context";
import { requestLogger } from "./middleware/request-logger";
import { buildOpenApiDocument, createOpenApiRegistry } from "./openapi";
import { portalRouter } from "./portal";

// Requests are small JSON documents: evidence files are referenced by hash, not uploaded here. The one exception is a
// member's export package from another institution, which carries the member's evidence files with it.
const JSON_BODY_LIMIT = "100kb";
const PACKAGE_BODY_LIMIT = "64mb";
const PACKAGE_IMPORT_PATH = /^\/api\/transfers\/[^/]+\/import-package$/;

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");

  const openapi = createOpenApiRegistry();
  const metrics = createHttpMetrics(deps.metricsRegistry);
  const authenticate = createAuthenticate(deps.config);

  app.use(requestContext(deps.logger));
  app.use(requestLogger());
  app.use(metrics.middleware);
  app.use(
    helmet({
      // The embedded default serves plain http on localhost; upgrading its asset requests to https would break /docs.
      contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
    }),
  );
  app.use(PACKAGE_IMPORT_PATH, express.json({ limit: PACKAGE_BODY_LIMIT }));
  app.use(express.json({ limit: JSON_BODY_LIMIT }));

  app.use(healthRouter(deps.health, openapi));
  app.use(metrics.router);

  const api = Router();
  api.use(authRouter(deps, authenticate, openapi));
  const context: RouteContext = {
    router: api,
    openapi,
    deps,
    authenticate,
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
  app.use(errorHandler());
  return app;
}
