// What federation needs besides the database: the chain as the directory of organizations, roles and endpoints, this
// instance's own key (it signs member-file requests), and a way to reach another instance over HTTP.
import type { Signer } from "ethers";
import type { FederationReader } from "../../chain/federation-reader";
import type { FileRequestChain } from "../../lib/file-request";
import { Conflict } from "../errors";
import type { Institution } from "../institution";

export interface FederationSources {
  reader: FederationReader;
  signer: Signer;
  /** The EIP-712 domain's chain and TransferLedger. */
  requestChain: FileRequestChain;
  /** A signed request older (or further in the future) than this is refused: a captured one cannot be replayed later. */
  requestMaxAgeSeconds: number;
  /** How a member file is fetched from another instance; global fetch in production. */
  fetch: typeof fetch;
  /** How long a fetch may take before it counts as unreachable. */
  fetchTimeoutMs: number;
}

export function federationOf(institution: Institution): FederationSources {
  if (!institution.federation) {
    throw new Conflict("this instance has no chain configured: it cannot exchange files with other institutions", { rule: "federation.noChain" });
  }
  return institution.federation;
}
