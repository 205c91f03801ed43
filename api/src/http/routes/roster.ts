// The roster import over HTTP: the file is the raw request body, read only after the caller is known to be an
// organization administrator or clerk, and only up to the roster limit. A dry run answers the report and writes
// nothing; without it the accepted rows are imported into the caller's organizations and the report says so.
import { z } from "zod";
import type { Institution } from "../../domain/institution";
import { ROSTER_COLUMNS, type RosterField } from "../../domain/roster/columns";
import { importRoster } from "../../domain/roster/import";
import { rosterTemplate } from "../../domain/roster/template";
import { authOf } from "../auth/authenticate";
import type { RouteModule } from "../deps";
import { rawBody } from "../middleware/body";
import { validationErrorFrom } from "../errors";
import { bearerSecurity, errorResponses } from "../openapi";

/** A roster of 100,000 rows is about 10 MB as .xlsx and 15 MB as .csv. */
export const ROSTER_BODY_LIMIT_BYTES = 32 * 1024 * 1024;
const FIELDS = ROSTER_COLUMNS.map((column) => column.field) as [RosterField, ...RosterField[]];

const importQuery = z.strictObject({
  fileName: z
    .string()
    .regex(/\.(xlsx|csv)$/i, "must end in .xlsx or .csv")
    .max(255),
  dryRun: z
    .enum(["true", "false"])
    .default("true")
    .transform((value) => value === "true"),
  /** JSON object: field → the file's header that holds it, where the headers are not recognized. */
  mapping: z
    .string()
    .max(4096)
    .optional()
    .transform((value, context) => {
      if (value === undefined) return {};
      try {
        return z.partialRecord(z.enum(FIELDS), z.string().max(128)).parse(JSON.parse(value));
      } catch {
        context.addIssue({ code: "custom", message: `must be a JSON object from a field (${FIELDS.join(", ")}) to a header` });
        return z.NEVER;
      }
    }),
});

const problem = z.object({ column: z.string(), rule: z.string(), message: z.object({ zh: z.string(), en: z.string() }) });
const report = z.object({
  file: z.object({ sha256: z.string(), rows: z.number().int(), encoding: z.string() }),
  headers: z.array(z.string()),
  mapping: z.record(z.string(), z.string()),
  dryRun: z.boolean(),
  fileProblems: z.array(problem),
  refused: z.array(z.object({ line: z.number().int(), problems: z.array(problem) })),
  skipped: z.array(z.object({ line: z.number().int(), rule: z.string() })),
  accepted: z.number().int(),
  imported: z.number().int(),
  byStage: z.record(z.string(), z.number().int()),
  findings: z.number().int(),
});

const columnsList = z.object({ items: z.array(z.object({ field: z.enum(FIELDS), title: z.string(), required: z.boolean() })) });

export function rosterRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate, requireRole }) => {
    openapi.registerPath({
      method: "post",
      path: "/api/roster-imports",
      summary:
        "Import a roster (.xlsx, or .csv in UTF-8 or GBK) into your organizations: a dry run (the default) reports every refused row, column and rule; dryRun=false imports the accepted rows as archival records",
      tags: ["members"],
      security: bearerSecurity,
      request: {
        query: importQuery,
        body: { required: true, content: { "application/octet-stream": { schema: z.string().meta({ format: "binary" }) } } },
      },
      responses: {
        200: { description: "The report", content: { "application/json": { schema: report } } },
        ...errorResponses(400, 401, 403, 409, 413, 422),
      },
    });
    router.post(
      "/roster-imports",
      authenticate,
      requireRole("importRosters"),
      // The query is checked before a byte of the file is read.
      (req, res, next) => {
        const parsed = importQuery.safeParse(req.query);
        if (!parsed.success) throw validationErrorFrom(parsed.error, "query");
        res.locals.query = parsed.data;
        next();
      },
      rawBody(ROSTER_BODY_LIMIT_BYTES),
      async (req, res) => {
        const bytes = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const { fileName, dryRun, mapping } = res.locals.query as z.output<typeof importQuery>;
        res.json(await importRoster(institution, authOf(req), { bytes, fileName, dryRun, mapping }));
      },
    );

    openapi.registerPath({
      method: "get",
      path: "/api/roster-imports/columns",
      summary: "The columns the import reads: each field, its Chinese title (as in the template) and whether every row needs it",
      tags: ["members"],
      security: bearerSecurity,
      responses: {
        200: { description: "The columns", content: { "application/json": { schema: columnsList } } },
        ...errorResponses(401, 403),
      },
    });
    // The portal's column mapping offers these, so it never keeps a copy of the import's fields.
    router.get("/roster-imports/columns", authenticate, requireRole("importRosters"), (_req, res) => {
      res.json({ items: ROSTER_COLUMNS.map(({ field, title, required }) => ({ field, title, required })) });
    });

    openapi.registerPath({
      method: "get",
      path: "/api/roster-imports/template",
      summary: "The roster template (.xlsx): one header row with every column the import reads",
      tags: ["members"],
      security: bearerSecurity,
      responses: { 200: { description: "The template" }, ...errorResponses(401, 403) },
    });
    router.get("/roster-imports/template", authenticate, requireRole("importRosters"), async (_req, res) => {
      res
        .attachment("党员名册模板.xlsx")
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .send(await rosterTemplate());
    });
  };
}
