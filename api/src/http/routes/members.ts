// Members and their records: thin handlers over the domain services.
import { z } from "zod";
import type { Institution } from "../../domain/institution";
import { findMembersByIdNumber, getMemberFile, listMembers, memberStageSchema } from "../../domain/members";
import { enrollMember, enrollSchema, getRecord, listRecords, recordStep, recordStepSchema } from "../../domain/records";
import type { RouteModule } from "../deps";
import { describe } from "./describe";
import { handle } from "./handle";

const memberParams = z.object({ memberId: z.uuid() });
const recordParams = z.object({ recordId: z.coerce.number().int().positive() });
const listQuery = z.object({
  orgId: z.coerce.number().int().positive().optional(),
  stage: memberStageSchema.optional(),
  cursor: z.string().max(512).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const searchBody = z.strictObject({ idNumber: z.string().max(32) });

export function memberRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate }) => {
    describe(openapi, { method: "post", path: "/api/members", summary: "Enter a new member with the application (S1)", tag: "members", body: enrollSchema, status: 201, errors: [400, 403, 409, 422] });
    router.post("/members", authenticate, handle({ body: enrollSchema, status: 201 }, ({ actor, body }) => enrollMember(institution, actor, body)));

    describe(openapi, { method: "get", path: "/api/members", summary: "Members of your organization subtree, newest first, each with the next step due and the number of findings", tag: "members", query: listQuery, errors: [400, 403] });
    router.get("/members", authenticate, handle({ query: listQuery }, ({ actor, query }) => listMembers(institution, actor, query)));

    describe(openapi, { method: "post", path: "/api/members/search", summary: "Find members by ID number (through its blind index)", tag: "members", body: searchBody, errors: [400, 403] });
    router.post(
      "/members/search",
      authenticate,
      handle({ body: searchBody }, async ({ actor, body }) => ({ items: await findMembersByIdNumber(institution, actor, body.idNumber) })),
    );

    describe(openapi, { method: "get", path: "/api/members/{memberId}", summary: "A member's file: stage, next steps due, findings", tag: "members", params: memberParams, errors: [400, 403, 404] });
    router.get("/members/:memberId", authenticate, handle({ params: memberParams }, ({ actor, params }) => getMemberFile(institution, actor, params.memberId)));

    describe(openapi, { method: "get", path: "/api/members/{memberId}/records", summary: "The member's record chain", tag: "records", params: memberParams, errors: [400, 403, 404] });
    router.get(
      "/members/:memberId/records",
      authenticate,
      handle({ params: memberParams }, async ({ actor, params }) => ({ items: await listRecords(institution, actor, params.memberId) })),
    );

    describe(openapi, { method: "post", path: "/api/members/{memberId}/records", summary: "Record a development step (S2–S25) or a correction", tag: "records", params: memberParams, body: recordStepSchema, status: 201, errors: [400, 403, 404, 409, 422] });
    router.post(
      "/members/:memberId/records",
      authenticate,
      handle({ params: memberParams, body: recordStepSchema, status: 201 }, ({ actor, params, body }) =>
        recordStep(institution, actor, params.memberId, body),
      ),
    );

    describe(openapi, { method: "get", path: "/api/records/{recordId}", summary: "One record", tag: "records", params: recordParams, errors: [400, 403, 404] });
    router.get("/records/:recordId", authenticate, handle({ params: recordParams }, ({ actor, params }) => getRecord(institution, actor, params.recordId)));
  };
}
