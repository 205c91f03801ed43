// GET /docs: Swagger UI from the installed swagger-ui-dist, served by this instance (no CDN, so
// the viewer works on an isolated network and the CSP can stay 'self').
import path from "node:path";
import { Router } from "express";
import { NotFound } from "../domain/errors";

const SWAGGER_UI_DIR = path.dirname(require.resolve("swagger-ui-dist/package.json"));
const SERVED_ASSETS = new Set([
  "swagger-ui.css",
  "swagger-ui-bundle.js",
  "swagger-ui-standalone-preset.js",
  "favicon-16x16.png",
  "favicon-32x32.png",
]);

// A file of its own rather than an inline <script>, which the default CSP forbids.
const INIT_SCRIPT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout",
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>cunzheng API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;

export function docsRouter(): Router {
  const router = Router();
  router.get("/docs", (_req, res) => {
    res.type("html").send(PAGE);
  });
  router.get("/docs/assets/init.js", (_req, res) => {
    res.type("js").send(INIT_SCRIPT);
  });
  router.get("/docs/assets/:file", (req, res) => {
    if (!SERVED_ASSETS.has(req.params.file)) throw new NotFound(`No asset ${req.params.file}`);
    res.sendFile(path.join(SWAGGER_UI_DIR, req.params.file), { maxAge: "1d" });
  });
  return router;
}
