// Spreadsheets to download: the roster (党员名册) and the development statistics (发展党员统计) of the caller's
// organization subtree. Thin handlers: the domain authorizes, reads and builds the workbook.
import { z } from "zod";
import { exportRoster } from "../../domain/exports/roster";
import { XLSX_CONTENT_TYPE } from "../../domain/exports/sheet";
import { exportStatistics } from "../../domain/exports/statistics";
import type { Institution } from "../../domain/institution";
import { isIsoDate } from "../../lib/calendar";
import { authOf } from "../auth/authenticate";
import type { RouteModule } from "../deps";
import { validate } from "../middleware/validate";
import { describe } from "./describe";

const tag = "exports";
export const xlsxFile = z.string().meta({ format: "binary" });
const orgId = z.coerce.number().int().positive().optional();
const day = z.string().refine(isIsoDate, "must be a calendar date YYYY-MM-DD").optional();
const rosterQuery = z.object({ orgId });
const statisticsQuery = z.object({ orgId, from: day, to: day });

export function exportRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate }) => {
    describe(openapi, {
      method: "get",
      path: "/api/exports/roster.xlsx",
      summary:
        "The roster (党员名册) of your organization subtree as .xlsx, in the import template's columns; the personal columns only with personal-data access",
      tag,
      query: rosterQuery,
      contentType: XLSX_CONTENT_TYPE,
      response: xlsxFile,
      errors: [400, 403],
    });
    router.get("/exports/roster.xlsx", authenticate, validate({ query: rosterQuery }), async (req, res) => {
      const file = await exportRoster(institution, authOf(req), req.query);
      res.attachment(file.fileName).type(XLSX_CONTENT_TYPE).send(file.content);
    });

    describe(openapi, {
      method: "get",
      path: "/api/exports/statistics.xlsx",
      summary:
        "The development statistics (发展党员统计) of your organization subtree as .xlsx: members by stage and branch, the overdue, transfers issued in the period by state, steps recorded in the period (from 1 January to today by default)",
      tag,
      query: statisticsQuery,
      contentType: XLSX_CONTENT_TYPE,
      response: xlsxFile,
      errors: [400, 403],
    });
    router.get("/exports/statistics.xlsx", authenticate, validate({ query: statisticsQuery }), async (req, res) => {
      const file = await exportStatistics(institution, authOf(req), req.query);
      res.attachment(file.fileName).type(XLSX_CONTENT_TYPE).send(file.content);
    });
  };
}
