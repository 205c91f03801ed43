// The consortium's organizations as mirrored from the chain's OrgRegistry: public institutional facts (DESIGN §2), so
// no login — the public verification page names the organizations a proof or a letter comes from.
import type { Institution } from "../../domain/institution";
import type { RouteModule } from "../deps";
import { describe } from "./describe";
import { handlePublic } from "./handle";

export function organizationRoutes(institution: Institution): RouteModule {
  return ({ router, openapi }) => {
    describe(openapi, { method: "get", path: "/api/organizations", summary: "The consortium's organizations as mirrored from chain, by id (no login)", tag: "organizations", errors: [] });
    router.get("/organizations", handlePublic({}, async () => ({ items: await institution.repositories.organizations.list() })));
  };
}
