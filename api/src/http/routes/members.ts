// Members and their records: thin handlers over the domain services.
import { z } from "zod";
import type { Institution } from "../../domain/institution";
import { getMemberFile, listMembers, memberFilterSchema, memberSearchSchema } from "../../domain/membership/members";
import { enrollMember, enrollSchema, getRecord, listRecords, recordStep, recordStepSchema } from "../../domain/membership/records";
import { correctPersonalData, correctPersonalDataSchema, personalDataHistory } from "../../domain/membership/personal-data";
import type { RouteModule } from "../deps";
import { describe } from "./describe";
import { handle } from "./handle";

const memberParams = z.object({ memberId: z.uuid() });
const recordParams = z.object({ recordId: z.coerce.number().int().positive() });

export function memberRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate }) => {
    describe(openapi, {
      method: "post",
      path: "/api/members",
      summary: "Enter a new member with the application (S1)",
      tag: "members",
      body: enrollSchema,
      status: 201,
      errors: [400, 403, 409, 422],
    });
    router.post(
      "/members",
      authenticate,
      handle({ body: enrollSchema, status: 201 }, ({ actor, body }) => enrollMember(institution, actor, body)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/members",
      summary:
        "Members of your organization subtree (or a branch of it), filtered by stage, status, overdue and findings, newest or oldest first, each with the next step due and the number of findings",
      tag: "members",
      query: memberFilterSchema,
      errors: [400, 403],
    });
    router.get(
      "/members",
      authenticate,
      handle({ query: memberFilterSchema }, ({ actor, query }) => listMembers(institution, actor, query)),
    );

    describe(openapi, {
      method: "post",
      path: "/api/members/search",
      summary: "Find members by name (beginning or whole), 学号/工号 or ID number through keyed tokens, with the list's filters and paging",
      tag: "members",
      body: memberSearchSchema,
      errors: [400, 403],
    });
    router.post(
      "/members/search",
      authenticate,
      handle({ body: memberSearchSchema }, ({ actor, body }) => listMembers(institution, actor, body)),
    );

    describe(openapi, {
      method: "get",
      path: "/api/members/{memberId}",
      summary: "A member's file: stage, next steps due, findings",
      tag: "members",
      params: memberParams,
      errors: [400, 403, 404],
    });
    router.get(
      "/members/:memberId",
      authenticate,
      handle({ params: memberParams }, ({ actor, params }) => getMemberFile(institution, actor, params.memberId)),
    );

    describe(openapi, {
      method: "patch",
      path: "/api/members/{memberId}/personal-data",
      summary:
        "Correct a member's personal data (ID number checked by GB 11643 against the birth date and sex); the replaced version is kept in its history",
      tag: "members",
      params: memberParams,
      body: correctPersonalDataSchema,
      errors: [400, 403, 404, 409, 422],
    });
    router.patch(
      "/members/:memberId/personal-data",
      authenticate,
      handle({ params: memberParams, body: correctPersonalDataSchema }, ({ actor, params, body }) =>
        correctPersonalData(institution, actor, params.memberId, body),
      ),
    );

    describe(openapi, {
      method: "get",
      path: "/api/members/{memberId}/personal-data/history",
      summary: "The versions of a member's personal data that corrections replaced, oldest first, with who, when and why",
      tag: "members",
      params: memberParams,
      errors: [400, 403, 404],
    });
    router.get(
      "/members/:memberId/personal-data/history",
      authenticate,
      handle({ params: memberParams }, async ({ actor, params }) => ({
        items: await personalDataHistory(institution, actor, params.memberId),
      })),
    );

    describe(openapi, {
      method: "get",
      path: "/api/members/{memberId}/records",
      summary: "The member's record chain",
      tag: "records",
      params: memberParams,
      errors: [400, 403, 404],
    });
    router.get(
      "/members/:memberId/records",
      authenticate,
      handle({ params: memberParams }, async ({ actor, params }) => ({ items: await listRecords(institution, actor, params.memberId) })),
    );

    describe(openapi, {
      method: "post",
      path: "/api/members/{memberId}/records",
      summary: "Record a development step (S2–S25) or a correction; the record comes with its signed write receipt",
      tag: "records",
      params: memberParams,
      body: recordStepSchema,
      status: 201,
      errors: [400, 403, 404, 409, 422],
    });
    router.post(
      "/members/:memberId/records",
      authenticate,
      handle({ params: memberParams, body: recordStepSchema, status: 201 }, ({ actor, params, body }) =>
        recordStep(institution, actor, params.memberId, body),
      ),
    );

    describe(openapi, {
      method: "get",
      path: "/api/records/{recordId}",
      summary: "One record",
      tag: "records",
      params: recordParams,
      errors: [400, 403, 404],
    });
    router.get(
      "/records/:recordId",
      authenticate,
      handle({ params: recordParams }, ({ actor, params }) => getRecord(institution, actor, params.recordId)),
    );
  };
}
