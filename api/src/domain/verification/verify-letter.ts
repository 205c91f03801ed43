// POST /api/verify/letter: whoever holds a transfer letter (介绍信) — or only its transfer code — asks whether the ledger
// vouches for it: the transfer is on chain, its letter hash is the hash of the letter's contents (and of the document
// read from the PDF, when one is given), the key that issued it was an attester of the issuing committee then, and the
// letter is still good. The answer comes from the chain, apart from the organizations' public names; nothing in it is
// personal.
import { z } from "zod";
import type { ChainTransfer, FederationReader } from "../../chain/federation-reader";
import type { TransferState } from "../../data-access";
import { canonicalKeccak } from "../../lib/record-hash";
import { federationOf } from "../federation/sources";
import type { Institution } from "../institution";
import { ledgerLetter } from "../transfers";
import { ChainFacts } from "./chain-facts";
import type { StepStatus } from "./verdict";
import { chainProofSources, readingTheChain } from "./verify-request";

export const verifyLetterSchema = z.strictObject({
  transferId: z.string().regex(/^0x[0-9a-f]{64}$/, "must be a transfer id (0x + 64 lowercase hex)"),
  /** The letter's skeleton as read back from its PDF (Info key CunzhengLetter). */
  letter: z.record(z.string(), z.unknown()).optional(),
});
export type VerifyLetterRequest = z.infer<typeof verifyLetterSchema>;

export const LETTER_CHECKS = ["transfer", "letter", "document", "issuer", "state"] as const;
export type LetterCheck = (typeof LETTER_CHECKS)[number];

export interface LetterStep {
  check: LetterCheck;
  status: StepStatus;
  /** A stable dotted code the portal translates, e.g. "document.altered". */
  reason: `${LetterCheck}.${string}`;
  message: string;
}

export interface LetterFacts {
  kind: ChainTransfer["kind"];
  fromOrg: { id: number; name: string | null };
  toOrg: { id: number; name: string | null } | null;
  exported: boolean;
  validUntil: string;
  state: TransferState;
  /** The issuing block's timestamp. */
  issuedAt: string;
  issuedBlock: number | null;
  issuedTx: string | null;
  /** The account that sent the issuing transaction. */
  issuer: string | null;
}

export interface LetterVerdict {
  transferId: string;
  /** VALID exactly when no step failed. */
  verdict: "VALID" | "INVALID";
  steps: LetterStep[];
  /** The transfer as the ledger holds it; null when it holds none. */
  letter: LetterFacts | null;
}

export async function verifyLetter(institution: Institution, request: VerifyLetterRequest): Promise<LetterVerdict> {
  const { reader } = federationOf(institution);
  const proofs = chainProofSources(institution);
  return readingTheChain(async () => {
    const onChain = await reader.transfer(request.transferId);
    if (!onChain) return notOnChain(request.transferId);
    // No checkpoint is checked here, so the confirmations ChainFacts asks for do not matter.
    const issuer = await issuerStep(reader, new ChainFacts(proofs.reader, proofs.chain, 1), onChain);
    const steps = [
      step("passed", "transfer.onChain", `The transfer ledger holds transfer ${onChain.id}, issued by organization ${onChain.fromOrgId}.`),
      letterStep(onChain),
      documentStep(onChain, request.letter),
      issuer.step,
      stateStep(onChain),
    ];
    return {
      transferId: onChain.id,
      verdict: steps.some((result) => result.status === "failed") ? "INVALID" : "VALID",
      steps,
      letter: await factsOf(institution, onChain, issuer.issuance),
    };
  });
}

function notOnChain(transferId: string): LetterVerdict {
  const unchecked = LETTER_CHECKS.slice(1).map((check) =>
    step("skipped", `${check}.unchecked`, "Not checked: there is no transfer on chain to check against."),
  );
  const missing = step("failed", "transfer.notOnChain", `The transfer ledger holds no transfer ${transferId}: no letter with this code was ever issued.`);
  return { transferId, verdict: "INVALID", steps: [missing, ...unchecked], letter: null };
}

function letterStep(onChain: ChainTransfer): LetterStep {
  const rebuilt = canonicalKeccak(ledgerLetter(onChain));
  if (rebuilt === onChain.letterHash) {
    return step("passed", "letter.matches", `The letter hash on chain, ${onChain.letterHash}, is the hash of the letter the ledger's own fields describe.`);
  }
  return step("failed", "letter.mismatch", `The letter hash on chain is ${onChain.letterHash}, but the letter the ledger's fields describe hashes to ${rebuilt}.`);
}

function documentStep(onChain: ChainTransfer, document: Record<string, unknown> | undefined): LetterStep {
  if (document === undefined) return step("skipped", "document.notGiven", "No letter document was given: only the transfer code was checked.");
  if (document.transferId !== onChain.id) {
    return step("failed", "document.otherTransfer", `The document is the letter of transfer ${String(document.transferId)}, not of transfer ${onChain.id}.`);
  }
  if (hashOf(document) === onChain.letterHash) {
    return step("passed", "document.matches", `The document hashes to the letter hash on chain, ${onChain.letterHash}: it is the letter as issued.`);
  }
  const expected: Record<string, unknown> = ledgerLetter(onChain);
  const differing = [...new Set([...Object.keys(expected), ...Object.keys(document)])].filter(
    (key) => JSON.stringify(expected[key]) !== JSON.stringify(document[key]),
  );
  const which = differing.length > 0 ? `; it differs from the issued letter in ${differing.join(", ")}` : "";
  return step("failed", "document.altered", `The document does not hash to the letter hash on chain, ${onChain.letterHash}${which}: it was altered.`);
}

// A string no canonical JSON can hold (a lone surrogate) cannot be the issued letter either.
function hashOf(document: Record<string, unknown>): string | null {
  try {
    return canonicalKeccak(document);
  } catch {
    return null;
  }
}

/** Whether the key that sent the issuing transaction was an attester of the issuing organization's committee then. */
async function issuerStep(reader: FederationReader, facts: ChainFacts, onChain: ChainTransfer) {
  const issuance = await reader.issuance(onChain);
  const receipt = issuance && (await facts.receipt(issuance.transactionHash));
  if (!issuance || !receipt) {
    const missing = step("failed", "issuer.notFound", `No transaction issuing transfer ${onChain.id} was found in the block of its issue time.`);
    return { step: missing, issuance: null };
  }
  const found = { ...issuance, issuer: receipt.from };
  const committee = (await facts.attestingOrganizations(onChain.fromOrgId))?.at(-1);
  const attester = committee !== undefined && (await facts.attesterOrganizationAt(committee, receipt.from, issuance.blockNumber)) !== null;
  const sent = `Account ${receipt.from}, which issued the letter in transaction ${issuance.transactionHash} (block ${issuance.blockNumber}),`;
  const whose = committee === undefined ? `any committee above organization ${onChain.fromOrgId}` : `committee ${committee}`;
  return {
    issuance: found,
    step: attester
      ? step("passed", "issuer.attester", `${sent} was an attester of ${whose}, the issuing committee, at that block.`)
      : step("failed", "issuer.notAttester", `${sent} was not an attester of ${whose} at that block.`),
  };
}

function stateStep(onChain: ChainTransfer): LetterStep {
  const until = new Date(onChain.validUntil * 1000).toISOString();
  switch (onChain.state) {
    case "ISSUED":
      return step("passed", "state.open", `The letter is open: the destination may accept it until ${until}.`);
    case "ACCEPTED":
      return step("passed", "state.accepted", "The destination accepted the transfer: the letter has been used.");
    case "REJECTED":
      return step("failed", "state.rejected", "The destination rejected the transfer: the letter is no longer valid.");
    case "CANCELLED":
      return step("failed", "state.cancelled", "The issuing committee cancelled the letter: it is no longer valid.");
    case "EXPIRED":
      return step("failed", "state.expired", `The letter expired unopened at ${until}.`);
  }
}

async function factsOf(
  institution: Institution,
  onChain: ChainTransfer,
  issuance: { blockNumber: number; transactionHash: string; issuer: string } | null,
): Promise<LetterFacts> {
  const organization = async (id: number) => ({ id, name: (await institution.repositories.organizations.get(id))?.name ?? null });
  return {
    kind: onChain.kind,
    fromOrg: await organization(onChain.fromOrgId),
    toOrg: onChain.toOrgId === 0 ? null : await organization(onChain.toOrgId),
    exported: onChain.toOrgId === 0,
    validUntil: new Date(onChain.validUntil * 1000).toISOString(),
    state: onChain.state,
    issuedAt: new Date(onChain.issuedAt * 1000).toISOString(),
    issuedBlock: issuance?.blockNumber ?? null,
    issuedTx: issuance?.transactionHash ?? null,
    issuer: issuance?.issuer ?? null,
  };
}

function step(status: StepStatus, reason: LetterStep["reason"], message: string): LetterStep {
  return { check: reason.slice(0, reason.indexOf(".")) as LetterCheck, status, reason, message };
}
