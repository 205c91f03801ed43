// Transfers (组织关系转接): issue, accept, reject, cancel, reissue, export receipt, the two lists, and the printable letter.
import { z } from "zod";
import type { Institution } from "../../domain/institution";
import {
  acceptTransfer,
  cancelTransfer,
  closeTransferSchema,
  exportReceiptSchema,
  getTransfer,
  issueTransfer,
  issueTransferSchema,
  listTransfers,
  recordExportReceipt,
  rejectTransfer,
  reissueTransfer,
  reissueTransferSchema,
  transferLetterPdf,
} from "../../domain/transfers";
import { authOf } from "../auth/authenticate";
import type { RouteModule } from "../deps";
import { validate } from "../middleware/validate";
import { describe } from "./describe";
import { handle } from "./handle";

const transferParams = z.object({ transferId: z.string().regex(/^0x[0-9a-f]{64}$/, "must be a transfer id (0x + 64 hex)") });
const pdfFile = z.string().meta({ format: "binary" });
const listQuery = z.object({
  direction: z.enum(["incoming", "outgoing"]),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

export function transferRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate, deps }) => {
    const tag = "transfers";
    describe(openapi, {
      method: "post",
      path: "/api/transfers",
      summary: "Issue a transfer letter (介绍信)",
      tag,
      body: issueTransferSchema,
      status: 201,
      errors: [400, 403, 404, 409, 422],
    });
    router.post(
      "/transfers",
      authenticate,
      handle({ body: issueTransferSchema, status: 201 }, ({ actor, body }) => issueTransfer(institution, actor, body)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/transfers",
      summary: "Incoming or outgoing transfers of your organization subtree",
      tag,
      query: listQuery,
      errors: [400, 403],
    });
    router.get(
      "/transfers",
      authenticate,
      handle({ query: listQuery }, ({ actor, query: { direction, ...page } }) => listTransfers(institution, actor, direction, page)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/transfers/{transferId}",
      summary: "One transfer",
      tag,
      params: transferParams,
      errors: [400, 403, 404],
    });
    router.get(
      "/transfers/:transferId",
      authenticate,
      handle({ params: transferParams }, ({ actor, params }) => getTransfer(institution, actor, params.transferId)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/transfers/{transferId}/letter.pdf",
      summary: "The printable letter (介绍信) of a transfer issued here, naming the member (needs personal-data access)",
      tag,
      params: transferParams,
      contentType: "application/pdf",
      response: pdfFile,
      errors: [400, 403, 404],
    });
    router.get("/transfers/:transferId/letter.pdf", authenticate, validate({ params: transferParams }), async (req, res) => {
      const letter = await transferLetterPdf(institution, authOf(req), req.params.transferId, {
        publicBaseUrl: deps.config.publicBaseUrl,
        issuerContact: deps.config.letterIssuer,
      });
      res.attachment(letter.fileName).type("application/pdf").send(letter.content);
    });

    describe(openapi, {
      method: "post",
      path: "/api/transfers/{transferId}/accept",
      summary: "Accept an incoming transfer (the receipt, 回执)",
      tag,
      params: transferParams,
      errors: [400, 403, 404, 409],
    });
    router.post(
      "/transfers/:transferId/accept",
      authenticate,
      handle({ params: transferParams }, ({ actor, params }) => acceptTransfer(institution, actor, params.transferId)),
    );

    describe(openapi, {
      method: "post",
      path: "/api/transfers/{transferId}/reject",
      summary: "Reject an incoming transfer with a reason code",
      tag,
      params: transferParams,
      body: closeTransferSchema,
      errors: [400, 403, 404, 409],
    });
    router.post(
      "/transfers/:transferId/reject",
      authenticate,
      handle({ params: transferParams, body: closeTransferSchema }, ({ actor, params, body }) =>
        rejectTransfer(institution, actor, params.transferId, body.reasonCode),
      ),
    );

    describe(openapi, {
      method: "post",
      path: "/api/transfers/{transferId}/cancel",
      summary: "Cancel an outgoing transfer with a reason code",
      tag,
      params: transferParams,
      body: closeTransferSchema,
      errors: [400, 403, 404, 409],
    });
    router.post(
      "/transfers/:transferId/cancel",
      authenticate,
      handle({ params: transferParams, body: closeTransferSchema }, ({ actor, params, body }) =>
        cancelTransfer(institution, actor, params.transferId, body.reasonCode),
      ),
    );

    describe(openapi, {
      method: "post",
      path: "/api/transfers/{transferId}/reissue",
      summary: "Reissue after rejection, cancellation, expiry or a lost letter",
      tag,
      params: transferParams,
      body: reissueTransferSchema,
      status: 201,
      errors: [400, 403, 404, 409, 422],
    });
    router.post(
      "/transfers/:transferId/reissue",
      authenticate,
      handle({ params: transferParams, body: reissueTransferSchema, status: 201 }, ({ actor, params, body }) =>
        reissueTransfer(institution, actor, params.transferId, body),
      ),
    );

    describe(openapi, {
      method: "post",
      path: "/api/transfers/{transferId}/export-receipt",
      summary: "Close an exported transfer with the outside organization's receipt",
      tag,
      params: transferParams,
      body: exportReceiptSchema,
      errors: [400, 403, 404, 409],
    });
    router.post(
      "/transfers/:transferId/export-receipt",
      authenticate,
      handle({ params: transferParams, body: exportReceiptSchema }, ({ actor, params, body }) =>
        recordExportReceipt(institution, actor, params.transferId, body.reference),
      ),
    );
  };
}
