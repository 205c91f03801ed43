// POST /api/verify: anyone may ask this instance to check a bundle against the chain (the public verification page
// does). The verdict comes from the chain alone, exactly as the offline CLI would give it.
import { z } from "zod";
import { decodeChainError } from "../../chain/errors";
import { ChainUnavailable, Conflict } from "../errors";
import type { Institution, ProofSources } from "../institution";
import type { Verdict } from "./verdict";
import { verifyBundle } from "./verify-bundle";
import { RULES } from "../refusals";

export const verifyRequestSchema = z.strictObject({
  /** A record or member proof bundle (docs/formats.md); checked by the verifier itself, step by step. */
  bundle: z.unknown(),
  /** A record body held by the caller, checked against a bundle whose body is withheld. */
  record: z.unknown().optional(),
});
export type VerifyRequest = z.infer<typeof verifyRequestSchema>;

export async function verifyProof(institution: Institution, request: VerifyRequest, confirmations: number): Promise<Verdict> {
  const { reader } = chainProofSources(institution);
  return readingTheChain(() => verifyBundle(request.bundle, reader, { record: request.record, confirmations }));
}

export function chainProofSources(institution: Institution): ProofSources {
  if (!institution.proofs) throw new Conflict("this instance has no chain configured: it cannot verify", { rule: RULES.proofNoChain });
  return institution.proofs;
}

/** A verification that reads the chain: a node that cannot be reached is a 503 to retry, never a verdict. */
export async function readingTheChain<T>(verify: () => Promise<T>): Promise<T> {
  try {
    return await verify();
  } catch (error) {
    if (decodeChainError(error).kind === "unavailable")
      throw new ChainUnavailable("the chain node cannot be reached to verify; try again later");
    throw error;
  }
}
