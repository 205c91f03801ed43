// What federation needs besides the database (FederationSources, in institution.ts), or a refusal naming why not.
import { Conflict } from "../errors";
import type { FederationSources, Institution } from "../institution";
import { RULES } from "../refusals";

export function federationOf(institution: Institution): FederationSources {
  if (!institution.federation) {
    throw new Conflict("this instance has no chain configured: it cannot exchange files with other institutions", {
      rule: RULES.federationNoChain,
    });
  }
  return institution.federation;
}
