// The service's own code lists that the portal's forms offer (reasons, file limits, the roles an account may have),
// read from where the domain defines them: the portal keeps no copy that could drift.
import { CANCEL_REASON_CODES, REJECT_REASON_CODES } from "../../domain/chain-writes";
import { EVIDENCE_CONTENT_TYPES, MAX_EVIDENCE_BYTES } from "../../domain/membership/evidence";
import { PERSONAL_DATA_REASON_CODES } from "../../domain/membership/personal-data";
import { CORRECTION_REASON_CODES, MAX_EVIDENCE_PER_RECORD } from "../../domain/membership/records";
import { ACCOUNT_ROLES } from "../../domain/vocabulary";
import type { RouteModule } from "../deps";
import { describe } from "./describe";
import { ROSTER_BODY_LIMIT_BYTES } from "./roster";

const VOCABULARY = {
  roles: ACCOUNT_ROLES,
  correctionReasons: CORRECTION_REASON_CODES,
  personalDataReasons: PERSONAL_DATA_REASON_CODES,
  transferReasons: { reject: REJECT_REASON_CODES, cancel: CANCEL_REASON_CODES },
  evidence: { maxBytes: MAX_EVIDENCE_BYTES, contentTypes: EVIDENCE_CONTENT_TYPES, maxPerRecord: MAX_EVIDENCE_PER_RECORD },
  rosterImport: { maxBytes: ROSTER_BODY_LIMIT_BYTES },
};

export function vocabularyRoutes(): RouteModule {
  return ({ router, openapi, authenticate }) => {
    describe(openapi, {
      method: "get",
      path: "/api/vocabulary",
      summary: "The code lists the portal's forms offer: roles, reasons, file limits",
      tag: "rules",
      errors: [],
    });
    router.get("/vocabulary", authenticate, (_req, res) => {
      res.json(VOCABULARY);
    });
  };
}
