// The chain writes the chain refused (ORG_ADMIN): list them, send one again.
import { z } from "zod";
import { listFailedWrites, requeueFailedWrite } from "../../domain/failed-writes";
import type { Institution } from "../../domain/institution";
import type { RouteModule } from "../deps";
import { describe } from "./describe";
import { handle } from "./handle";

const outboxParams = z.object({ outboxId: z.coerce.number().int().positive() });

export function failedWriteRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate }) => {
    describe(openapi, {
      method: "get",
      path: "/api/anchoring/failed",
      summary: "Writes of your organization subtree the chain refused, with the chain's reason (ORG_ADMIN)",
      tag: "anchoring",
      errors: [403],
    });
    router.get(
      "/anchoring/failed",
      authenticate,
      handle({}, ({ actor }) => listFailedWrites(institution, actor)),
    );

    describe(openapi, {
      method: "post",
      path: "/api/anchoring/failed/{outboxId}/requeue",
      summary: "Send a refused write again: anchored if the chain already holds it, else sent or refused afresh (ORG_ADMIN)",
      tag: "anchoring",
      params: outboxParams,
      errors: [400, 403, 404, 409],
    });
    router.post(
      "/anchoring/failed/:outboxId/requeue",
      authenticate,
      handle({ params: outboxParams }, ({ actor, params }) => requeueFailedWrite(institution, actor, params.outboxId)),
    );
  };
}
