// The consortium's organizations as mirrored from the chain's OrgRegistry: public institutional facts (DESIGN §2), so
// no login — the public verification page names the organizations a proof or a letter comes from. Behind the login:
// the caller's committee's tree with member counts, and an ORG_ADMIN adding, renaming and closing branches (each sent
// to the chain, pending until it confirms).
import { z } from "zod";
import type { Institution } from "../../domain/institution";
import { chainRefusalText, preferredLanguage } from "../../domain/messages";
import { listOrganizationRequests, organizationTree, requestBranch, requestClose, requestRename } from "../../domain/organizations";
import type { RouteModule } from "../deps";
import { describe } from "./describe";
import { handle, handlePublic } from "./handle";

export const branchRequestSchema = z
  .strictObject({
    parentId: z.number().int().positive(),
    kind: z.enum(["GENERAL_BRANCH", "BRANCH"]),
    name: z.string().trim().min(1).max(64),
  })
  .meta({ id: "BranchRequest" });

export const renameSchema = z.strictObject({ name: z.string().trim().min(1).max(64) }).meta({ id: "OrganizationRename" });

const orgParams = z.object({ orgId: z.coerce.number().int().positive() });

export function organizationRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate, requireRole }) => {
    describe(openapi, {
      method: "get",
      path: "/api/organizations",
      summary: "The consortium's organizations as mirrored from chain, by id (no login)",
      tag: "organizations",
      errors: [],
    });
    router.get(
      "/organizations",
      handlePublic({}, async () => ({ items: await institution.repositories.organizations.list() })),
    );

    describe(openapi, {
      method: "get",
      path: "/api/organizations/tree",
      summary: "Your committee's organizations with the number of active members of each",
      tag: "organizations",
      errors: [],
    });
    router.get(
      "/organizations/tree",
      authenticate,
      handle({}, async ({ actor }) => ({ items: await organizationTree(institution, actor) })),
    );

    describe(openapi, {
      method: "get",
      path: "/api/organizations/requests",
      summary: "Your committee's organization changes sent to the chain (register, rename, close), pending, done or refused",
      tag: "organizations",
      errors: [403],
    });
    router.get(
      "/organizations/requests",
      authenticate,
      requireRole("administerOrganizations"),
      handle({}, async ({ actor, req }) => {
        // A refusal by the chain reads in plain words, in the reader's language.
        const language = preferredLanguage(req.headers["accept-language"]);
        const items = await listOrganizationRequests(institution, actor);
        return {
          items: items.map((item) =>
            item.error ? { ...item, error: { ...item.error, message: chainRefusalText(item.error, language) } } : item,
          ),
        };
      }),
    );

    describe(openapi, {
      method: "post",
      path: "/api/organizations",
      summary: "Register a general branch or branch under your committee (sent to the chain; pending until it confirms)",
      tag: "organizations",
      body: branchRequestSchema,
      status: 202,
      errors: [400, 403, 422],
    });
    router.post(
      "/organizations",
      authenticate,
      requireRole("administerOrganizations"),
      handle({ body: branchRequestSchema, status: 202 }, ({ actor, body }) => requestBranch(institution, actor, body)),
    );

    describe(openapi, {
      method: "patch",
      path: "/api/organizations/{orgId}",
      summary: "Rename a general branch or branch below your organization (sent to the chain; pending until it confirms)",
      tag: "organizations",
      params: orgParams,
      body: renameSchema,
      status: 202,
      errors: [400, 403, 404, 409, 422],
    });
    router.patch(
      "/organizations/:orgId",
      authenticate,
      requireRole("administerOrganizations"),
      handle({ params: orgParams, body: renameSchema, status: 202 }, ({ actor, params, body }) =>
        requestRename(institution, actor, params.orgId, body.name),
      ),
    );

    describe(openapi, {
      method: "post",
      path: "/api/organizations/{orgId}/close",
      summary: "Close an empty general branch or branch below your organization for good (sent to the chain; pending until it confirms)",
      tag: "organizations",
      params: orgParams,
      status: 202,
      errors: [400, 403, 404, 409, 422],
    });
    router.post(
      "/organizations/:orgId/close",
      authenticate,
      requireRole("administerOrganizations"),
      handle({ params: orgParams, status: 202 }, ({ actor, params }) => requestClose(institution, actor, params.orgId)),
    );
  };
}
