// Audit sweeps by API (AUDITOR, ORG_ADMIN): start one, follow its progress, download its report.
import { z } from "zod";
import type { AuditJobs } from "../../domain/audit/jobs";
import { auditReportWorkbook } from "../../domain/exports/audit-report";
import { XLSX_CONTENT_TYPE } from "../../domain/exports/sheet";
import { authOf } from "../auth/authenticate";
import type { RouteModule } from "../deps";
import { validate } from "../middleware/validate";
import { describe } from "./describe";
import { xlsxFile } from "./exports";
import { handle } from "./handle";

const auditParams = z.object({ auditId: z.uuid() });

export function auditRoutes(jobs: AuditJobs): RouteModule {
  return ({ router, openapi, authenticate }) => {
    describe(openapi, {
      method: "post",
      path: "/api/audits",
      summary: "Start an audit sweep of this institution (AUDITOR)",
      tag: "audit",
      status: 202,
      errors: [403, 409],
    });
    router.post(
      "/audits",
      authenticate,
      handle({ status: 202 }, async ({ actor }) => jobs.start(actor)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/audits",
      summary: "Recent audit sweeps, newest first (reports without findings)",
      tag: "audit",
      errors: [403],
    });
    router.get(
      "/audits",
      authenticate,
      handle({}, async ({ actor }) => ({ items: jobs.list(actor) })),
    );

    describe(openapi, {
      method: "get",
      path: "/api/audits/{auditId}",
      summary: "An audit sweep: its progress, then its report",
      tag: "audit",
      params: auditParams,
      errors: [400, 403, 404],
    });
    router.get(
      "/audits/:auditId",
      authenticate,
      handle({ params: auditParams }, async ({ actor, params }) => jobs.get(actor, params.auditId)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/audits/{auditId}/report",
      summary: "The machine-readable report, as a file to download",
      tag: "audit",
      params: auditParams,
      errors: [400, 403, 404, 409],
    });
    router.get(
      "/audits/:auditId/report",
      authenticate,
      handle({ params: auditParams }, async ({ actor, params, req }) => {
        const report = jobs.report(actor, params.auditId);
        req.res!.setHeader("Content-Disposition", `attachment; filename="audit-${params.auditId}.json"`);
        return report;
      }),
    );

    describe(openapi, {
      method: "get",
      path: "/api/audits/{auditId}/report.xlsx",
      summary: "The report as a spreadsheet to read: a summary, then one row per finding",
      tag: "audit",
      params: auditParams,
      contentType: XLSX_CONTENT_TYPE,
      response: xlsxFile,
      errors: [400, 403, 404, 409],
    });
    router.get("/audits/:auditId/report.xlsx", authenticate, validate({ params: auditParams }), async (req, res) => {
      const file = await auditReportWorkbook(req.params.auditId, jobs.report(authOf(req), req.params.auditId));
      res.attachment(file.fileName).type(XLSX_CONTENT_TYPE).send(file.content);
    });
  };
}
