// Proof bundles out, verdicts back: thin handlers over the domain's proof builder and verifier.
import { z } from "zod";
import { anchoringStatus } from "../../domain/anchoring-state";
import type { Institution } from "../../domain/institution";
import { memberProof, recordProof } from "../../domain/proofs";
import { verifyLetter, verifyLetterSchema } from "../../domain/verification/verify-letter";
import { verifyProof, verifyRequestSchema } from "../../domain/verification/verify-request";
import type { RouteModule } from "../deps";
import { describe } from "./describe";
import { handle, handlePublic } from "./handle";

/**
 * A member's whole file checks in one request: about 1.5 KB a record (body, anchor, inclusion proof), so this admits
 * files of 2,000 records or more, while a larger body is refused before it is read.
 */
export const VERIFY_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

const memberParams = z.object({ memberId: z.uuid() });
const recordParams = z.object({ recordId: z.coerce.number().int().positive() });

export function proofRoutes(institution: Institution, options: { confirmations: number }): RouteModule {
  return ({ router, openapi, authenticate }) => {
    describe(openapi, {
      method: "get",
      path: "/api/records/{recordId}/proof",
      summary: "A final record's self-contained proof bundle",
      tag: "proofs",
      params: recordParams,
      errors: [400, 403, 404, 409],
    });
    router.get(
      "/records/:recordId/proof",
      authenticate,
      handle({ params: recordParams }, ({ actor, params }) => recordProof(institution, actor, params.recordId)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/members/{memberId}/proof",
      summary: "The member's whole file as a proof bundle, up to the on-chain head",
      tag: "proofs",
      params: memberParams,
      errors: [400, 403, 404, 409],
    });
    router.get(
      "/members/:memberId/proof",
      authenticate,
      handle({ params: memberParams }, ({ actor, params }) => memberProof(institution, actor, params.memberId)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/anchoring",
      summary: "Anchoring at a glance: outbox states, lag, checkpoints",
      tag: "proofs",
      errors: [401],
    });
    router.get(
      "/anchoring",
      authenticate,
      handle({}, () => anchoringStatus(institution.repositories, institution.now())),
    );

    describe(openapi, {
      method: "post",
      path: "/api/verify",
      summary: "Check a proof bundle against the chain, step by step (no login)",
      tag: "proofs",
      body: verifyRequestSchema,
      errors: [400, 503],
    });
    router.post(
      "/verify",
      handlePublic({ body: verifyRequestSchema, bodyLimitBytes: VERIFY_BODY_LIMIT_BYTES }, ({ body }) =>
        verifyProof(institution, body, options.confirmations),
      ),
    );

    describe(openapi, {
      method: "post",
      path: "/api/verify/letter",
      summary:
        "Check a transfer letter (介绍信) against the chain by its transfer code, and the letter read from its PDF if given (no login)",
      tag: "proofs",
      body: verifyLetterSchema,
      errors: [400, 409, 503],
    });
    router.post(
      "/verify/letter",
      handlePublic({ body: verifyLetterSchema }, ({ body }) => verifyLetter(institution, body)),
    );
  };
}
