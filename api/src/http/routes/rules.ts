// The rule set in force: its version, its hash (anchored so auditors know what was applied) and its steps.
import type { Institution } from "../../domain/institution";
import type { RouteModule } from "../deps";
import { describe } from "./describe";

export function ruleRoutes(institution: Institution): RouteModule {
  return ({ router, openapi, authenticate }) => {
    describe(openapi, {
      method: "get",
      path: "/api/rules",
      summary: "The rule set new records are checked against",
      tag: "rules",
      errors: [],
    });
    router.get("/rules", authenticate, (_req, res) => {
      const { version, hash, definition } = institution.ruleSet;
      res.json({ version, hash, definition });
    });
  };
}
