// Between institutions: the member-file endpoint another instance calls with a signed request (no login: the chain
// says who may ask), the review of an incoming transfer, fetching its file again, export packages both ways, and the
// chain events the indexer applied.
import type { RequestHandler } from "express";
import { z } from "zod";
import {
  exportMemberPackage,
  fetchMemberFile,
  importMemberPackage,
  incomingTransfer,
  listChainEvents,
  MEMBER_FILE_PATH,
  reviewTransfer,
  serveMemberFile,
} from "../../domain/federation";
import { requireApprover } from "../../domain/access";
import type { Actor, Institution } from "../../domain/institution";
import { signedFileRequestSchema } from "../../lib/file-request";
import { authOf } from "../auth/authenticate";
import type { RouteModule } from "../deps";
import { describe } from "./describe";
import { handle, handlePublic } from "./handle";

const transferParams = z.object({ transferId: z.string().regex(/^0x[0-9a-f]{64}$/, "must be a transfer id (0x + 64 hex)") });
const importPackageSchema = z.strictObject({
  /** The export package (cunzheng.member-package/1) as the source's approver downloaded it. */
  memberPackage: z.unknown(),
  packageKey: z.string().min(1).max(128),
});
/** A package carries the member's evidence files (each ≤ 10 MiB), base64-encoded: read only once the caller may import. */
const PACKAGE_BODY_LIMIT_BYTES = 64 * 1024 * 1024;
const eventsQuery = z.object({
  all: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  beforeBlock: z.coerce.number().int().min(0).optional(),
  beforeLogIndex: z.coerce.number().int().min(0).optional(),
});

async function fetchAgain(institution: Institution, actor: Actor, transferId: string) {
  const transfer = await incomingTransfer(institution, transferId);
  await requireApprover(institution.repositories, actor, transfer.toOrgId!);
  await fetchMemberFile(institution, transfer);
  return reviewTransfer(institution, actor, transferId);
}

/** Before a package's body is read: the caller must approve for the transfer's destination. */
function mayImport(institution: Institution): RequestHandler {
  return async (req, _res, next) => {
    const { transferId } = transferParams.parse(req.params);
    const transfer = await incomingTransfer(institution, transferId);
    await requireApprover(institution.repositories, authOf(req), transfer.toOrgId!);
    next();
  };
}

export function federationRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate }) => {
    const tag = "federation";
    describe(openapi, {
      method: "post",
      path: MEMBER_FILE_PATH,
      summary: "Another institution's instance fetches a member's file (EIP-712 signed by the destination committee's attester; no login)",
      tag,
      body: signedFileRequestSchema,
      errors: [400, 403, 404, 409],
    });
    router.post(
      "/federation/member-files",
      handlePublic({ body: signedFileRequestSchema }, ({ body }) => serveMemberFile(institution, body)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/federation/events",
      summary: "The indexer's cursor and the chain events that concerned this instance",
      tag,
      query: eventsQuery,
      errors: [400, 403],
    });
    router.get(
      "/federation/events",
      authenticate,
      handle({ query: eventsQuery }, ({ actor, query }) => listChainEvents(institution, actor, query)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/transfers/{transferId}/review",
      summary: "The verdict on an incoming transfer's member file, computed from the chain",
      tag,
      params: transferParams,
      errors: [400, 403, 404],
    });
    router.get(
      "/transfers/:transferId/review",
      authenticate,
      handle({ params: transferParams }, ({ actor, params }) => reviewTransfer(institution, actor, params.transferId)),
    );

    describe(openapi, {
      method: "post",
      path: "/api/transfers/{transferId}/fetch",
      summary: "Fetch an incoming transfer's member file from the source's instance now",
      tag,
      params: transferParams,
      errors: [400, 403, 404, 502],
    });
    router.post(
      "/transfers/:transferId/fetch",
      authenticate,
      handle({ params: transferParams }, ({ actor, params }) => fetchAgain(institution, actor, params.transferId)),
    );

    describe(openapi, {
      method: "post",
      path: "/api/transfers/{transferId}/export-package",
      summary: "Export the member's file as an encrypted package, with its key (shown once)",
      tag,
      params: transferParams,
      errors: [400, 403, 404, 409],
    });
    router.post(
      "/transfers/:transferId/export-package",
      authenticate,
      handle({ params: transferParams }, ({ actor, params }) => exportMemberPackage(institution, actor, params.transferId)),
    );

    describe(openapi, {
      method: "post",
      path: "/api/transfers/{transferId}/import-package",
      summary: "Import an incoming transfer's member file from the source's export package",
      tag,
      params: transferParams,
      body: importPackageSchema,
      errors: [400, 403, 404, 409],
    });
    router.post(
      "/transfers/:transferId/import-package",
      authenticate,
      mayImport(institution),
      handle(
        { params: transferParams, body: importPackageSchema, bodyLimitBytes: PACKAGE_BODY_LIMIT_BYTES },
        async ({ actor, params, body }) => {
          await importMemberPackage(institution, actor, params.transferId, body);
          return reviewTransfer(institution, actor, params.transferId);
        },
      ),
    );
  };
}
