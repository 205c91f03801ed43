// The portal: static pages and modules served by this instance itself, framework included, so the public
// verification page works on an isolated network and the CSP stays 'self'. Every portal path answers with the one
// page shell; the browser-side router picks the page.
import path from "node:path";
import express, { Router } from "express";
import { REPOSITORY_ROOT } from "../lib/repository-root";

const WEB_DIR = path.join(REPOSITORY_ROOT, "api", "web");
// Preact with hooks and htm in one ES module with no bare imports: no build step and no import map.
const FRAMEWORK_MODULE = path.join(path.dirname(require.resolve("htm/preact")), "standalone.module.js");
const PORTAL_PATHS = ["/", "/verify", "/login", "/console", "/console/*rest"];

export function portalRouter(): Router {
  const router = Router();
  router.get("/portal/vendor/preact-htm.js", (_req, res) => {
    res.sendFile(FRAMEWORK_MODULE, { maxAge: "1d" });
  });
  router.use("/portal/assets", express.static(path.join(WEB_DIR, "assets")));
  router.get(PORTAL_PATHS, (_req, res) => {
    res.sendFile(path.join(WEB_DIR, "index.html"));
  });
  return router;
}
