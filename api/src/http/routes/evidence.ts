// Evidence upload (raw file body, its content type in the header) and download. The upload's body is read only after
// the caller is known to be allowed to upload, and only up to the evidence limit.
import { z } from "zod";
import {
  downloadEvidence,
  EVIDENCE_CONTENT_TYPES,
  evidenceFileName,
  MAX_EVIDENCE_BYTES,
  uploadEvidence,
} from "../../domain/membership/evidence";
import type { Institution } from "../../domain/institution";
import { authOf } from "../auth/authenticate";
import type { RouteModule } from "../deps";
import { rawBody } from "../middleware/body";
import { validate } from "../middleware/validate";
import { bearerSecurity, errorResponses } from "../openapi";

const sha256Params = z.object({ sha256: z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x + 64 lowercase hex digits") });
const evidenceMeta = z.object({ sha256: z.string(), contentType: z.string(), size: z.number().int() });

export function evidenceRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate, requireRole }) => {
    openapi.registerPath({
      method: "post",
      path: "/api/evidence",
      summary: "Upload an evidence file (PDF, PNG or JPEG, ≤ 10 MiB); records reference it by SHA-256",
      tags: ["evidence"],
      security: bearerSecurity,
      request: {
        body: {
          required: true,
          content: Object.fromEntries(EVIDENCE_CONTENT_TYPES.map((type) => [type, { schema: z.string().meta({ format: "binary" }) }])),
        },
      },
      responses: {
        201: {
          description: "Stored (the same answer whether or not the bytes were stored before)",
          content: { "application/json": { schema: evidenceMeta } },
        },
        ...errorResponses(400, 401, 403, 413),
      },
    });
    router.post("/evidence", authenticate, requireRole("handleEvidence"), rawBody(MAX_EVIDENCE_BYTES), async (req, res) => {
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const contentType = (req.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
      res.status(201).json(await uploadEvidence(institution, authOf(req), contentType, content));
    });

    openapi.registerPath({
      method: "get",
      path: "/api/evidence/{sha256}",
      summary: "Download an evidence file held by your organization's records (needs personal-data access); always as an attachment",
      tags: ["evidence"],
      security: bearerSecurity,
      request: { params: sha256Params },
      responses: { 200: { description: "The file" }, ...errorResponses(400, 401, 403, 404) },
    });
    router.get("/evidence/:sha256", authenticate, validate({ params: sha256Params }), async (req, res) => {
      const file = await downloadEvidence(institution, authOf(req), req.params.sha256);
      // An attachment of its checked type, never rendered in the portal's origin (a crafted PDF or image stays inert).
      res.attachment(evidenceFileName(req.params.sha256, file.contentType)).type(file.contentType).send(file.content);
    });
  };
}
