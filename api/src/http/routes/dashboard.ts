// The dashboard: a thin handler over the domain's summary of one organization subtree.
import { z } from "zod";
import { getDashboard } from "../../domain/dashboard";
import type { Institution } from "../../domain/institution";
import type { RouteModule } from "../deps";
import { describe } from "./describe";
import { handle } from "./handle";

const dashboardQuery = z.object({ orgId: z.coerce.number().int().positive().optional() });

export function dashboardRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate }) => {
    describe(openapi, {
      method: "get",
      path: "/api/dashboard",
      summary: "Your organization subtree at a glance: members by stage and overdue, those who left, transfers by state, anchoring",
      tag: "dashboard",
      query: dashboardQuery,
      errors: [400, 403],
    });
    router.get(
      "/dashboard",
      authenticate,
      handle({ query: dashboardQuery }, ({ actor, query }) => getDashboard(institution, actor, query)),
    );
  };
}
