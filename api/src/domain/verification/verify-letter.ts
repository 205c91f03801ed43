// POST /api/verify/letter: whoever holds a transfer letter (介绍信) — or only its transfer code — asks whether the ledger
// vouches for it: the transfer is on chain, its letter hash is the hash of the letter's contents (and of the document
// read from the PDF, when one is given), the key that issued it was an attester of the issuing committee then, and the
// letter is still good. The answer comes from the chain, apart from the organizations' public names; nothing in it is
// personal.
import { z } from "zod";
import type { ChainTransfer, FederationReader } from "../../chain/federation-reader";
import { canonicalKeccak } from "../../lib/record-hash";
import { federationOf } from "../federation/sources";
import type { Institution } from "../institution";
import {
  HOLDER_SALT_PATTERN,
  holderHash,
  isLetterNumber,
  LETTER_NUMBER_PATTERN,
  normalizedDigits,
  transferIdOfNumber,
  type Holder,
} from "../transfers/letter/number";
import { ledgerLetter } from "../transfers/letter/format";
import { ChainFacts } from "./chain-facts";
import type { StepStatus } from "./verdict";
import { chainProofSources, readingTheChain } from "./verify-request";

export const verifyLetterSchema = z
  .strictObject({
    transferId: z
      .string()
      .regex(/^0x[0-9a-f]{64}$/, "must be a transfer id (0x + 64 lowercase hex)")
      .optional(),
    /** The 编号 printed on the letter: 15 digits, spaces and dashes allowed. */
    number: z
      .string()
      .transform(normalizedDigits)
      .refine((number) => LETTER_NUMBER_PATTERN.test(number), "must be the 15 digits of the letter number")
      .refine(isLetterNumber, "the check digit does not match: a digit was mistyped")
      .optional(),
    /** The letter's skeleton as read back from its PDF (Info key CunzhengLetter). */
    letter: z.record(z.string(), z.unknown()).optional(),
    /** What the reader copies from the paper: the name, the ID number's last four characters and the 核验码. */
    holder: z
      .strictObject({
        name: z.string().trim().min(1).max(64),
        idLast4: z
          .string()
          .trim()
          .regex(/^[0-9]{3}[0-9Xx]$/, "must be the last four characters of the ID number"),
        salt: z
          .string()
          .transform(normalizedDigits)
          .refine((salt) => HOLDER_SALT_PATTERN.test(salt), "must be the 12 digits of the 核验码"),
      })
      .optional(),
  })
  .refine((request) => (request.transferId === undefined) !== (request.number === undefined), {
    message: "give either the letter number or the transfer id",
    path: ["number"],
  });
export type VerifyLetterRequest = z.infer<typeof verifyLetterSchema>;

export const LETTER_CHECKS = ["transfer", "letter", "document", "holder", "issuer", "state"] as const;
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
  /** The committee (党委) whose attester issued the letter, as the registry names it. */
  issuingCommittee: { id: number; name: string | null } | null;
  toOrg: { id: number; name: string | null } | null;
  exported: boolean;
  validUntil: string;
  state: ChainTransfer["state"];
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
  const transferId = request.transferId ?? transferIdOfNumber(request.number!);
  return readingTheChain(async () => {
    const onChain = await reader.transfer(transferId);
    if (!onChain) return notOnChain(transferId);
    // No checkpoint is checked here, so the confirmations ChainFacts asks for do not matter.
    const issuer = await issuerStep(reader, new ChainFacts(proofs.reader, proofs.chain, 1), onChain);
    const steps = [
      step("passed", "transfer.onChain", `The transfer ledger holds transfer ${onChain.id}, issued by organization ${onChain.fromOrgId}.`),
      letterStep(onChain, request.letter),
      documentStep(onChain, request.letter),
      holderStep(onChain, request.holder),
      issuer.step,
      stateStep(onChain),
    ];
    return {
      transferId: onChain.id,
      verdict: steps.some((result) => result.status === "failed") ? "INVALID" : "VALID",
      steps,
      letter: await factsOf(institution, onChain, issuer),
    };
  });
}

function notOnChain(transferId: string): LetterVerdict {
  const unchecked = LETTER_CHECKS.slice(1).map((check) =>
    step("skipped", `${check}.unchecked`, "Not checked: there is no transfer on chain to check against."),
  );
  const missing = step(
    "failed",
    "transfer.notOnChain",
    `The transfer ledger holds no transfer ${transferId}: no letter with this code was ever issued.`,
  );
  return { transferId, verdict: "INVALID", steps: [missing, ...unchecked], letter: null };
}

/**
 * The letter hash on chain is the hash of a letter the ledger's fields describe. A version 1 letter is rebuilt from
 * the ledger alone; a version 2 letter also needs its holder commitment, which the PDF carries (or the holder check
 * below proves with what the reader typed).
 */
function letterStep(onChain: ChainTransfer, document: Record<string, unknown> | undefined): LetterStep {
  const legacy = canonicalKeccak(ledgerLetter(onChain, null));
  if (legacy === onChain.letterHash) {
    return step(
      "passed",
      "letter.matches",
      `The letter hash on chain, ${onChain.letterHash}, is the hash of the letter the ledger's own fields describe.`,
    );
  }
  const committed = typeof document?.holderHash === "string" && /^0x[0-9a-f]{64}$/.test(document.holderHash) ? document.holderHash : null;
  if (committed === null) {
    return step(
      "skipped",
      "letter.holderBound",
      "The letter hash also covers the holder's name: it is checked with the letter's PDF or with the name, ID digits and 核验码 printed on the paper.",
    );
  }
  const rebuilt = canonicalKeccak(ledgerLetter(onChain, committed));
  if (rebuilt === onChain.letterHash) {
    return step(
      "passed",
      "letter.matches",
      `The letter hash on chain, ${onChain.letterHash}, is the hash of the letter the ledger's own fields and the PDF's holder commitment describe.`,
    );
  }
  return step(
    "failed",
    "letter.mismatch",
    `The letter hash on chain is ${onChain.letterHash}, but the letter the ledger's fields describe hashes to ${rebuilt}.`,
  );
}

/** The name and ID digits typed from the paper, salted with its 核验码, are those the letter was issued for. */
function holderStep(onChain: ChainTransfer, holder: Holder | undefined): LetterStep {
  if (holder === undefined)
    return step(
      "skipped",
      "holder.notGiven",
      "No name was typed: whether the paper names the person the letter was issued for was not checked.",
    );
  const rebuilt = canonicalKeccak(ledgerLetter(onChain, holderHash(holder)));
  if (rebuilt === onChain.letterHash) {
    return step("passed", "holder.matches", "The name, ID digits and 核验码 typed are those the letter was issued for.");
  }
  return step(
    "failed",
    "holder.mismatch",
    "The name, ID digits and 核验码 typed are not those the letter was issued for: the paper names someone else, or one of them was mistyped.",
  );
}

function documentStep(onChain: ChainTransfer, document: Record<string, unknown> | undefined): LetterStep {
  if (document === undefined)
    return step("skipped", "document.notGiven", "No letter document was given: only the transfer code was checked.");
  if (document.transferId !== onChain.id) {
    return step(
      "failed",
      "document.otherTransfer",
      `The document is the letter of transfer ${String(document.transferId)}, not of transfer ${onChain.id}.`,
    );
  }
  if (hashOf(document) === onChain.letterHash) {
    return step(
      "passed",
      "document.matches",
      `The document hashes to the letter hash on chain, ${onChain.letterHash}: it is the letter as issued.`,
    );
  }
  const expected: Record<string, unknown> = ledgerLetter(onChain, typeof document.holderHash === "string" ? document.holderHash : null);
  const differing = [...new Set([...Object.keys(expected), ...Object.keys(document)])].filter(
    (key) => JSON.stringify(expected[key]) !== JSON.stringify(document[key]),
  );
  const which = differing.length > 0 ? `; it differs from the issued letter in ${differing.join(", ")}` : "";
  return step(
    "failed",
    "document.altered",
    `The document does not hash to the letter hash on chain, ${onChain.letterHash}${which}: it was altered.`,
  );
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
    const missing = step(
      "failed",
      "issuer.notFound",
      `No transaction issuing transfer ${onChain.id} was found in the block of its issue time.`,
    );
    return { step: missing, issuance: null, committee: null };
  }
  const found = { ...issuance, issuer: receipt.from };
  const committee = (await facts.attestingOrganizations(onChain.fromOrgId))?.at(-1);
  const attester = committee !== undefined && (await facts.attesterOrganizationAt(committee, receipt.from, issuance.blockNumber)) !== null;
  const sent = `Account ${receipt.from}, which issued the letter in transaction ${issuance.transactionHash} (block ${issuance.blockNumber}),`;
  const whose = committee === undefined ? `any committee above organization ${onChain.fromOrgId}` : `committee ${committee}`;
  return {
    issuance: found,
    committee: committee ?? null,
    step: attester
      ? step("passed", "issuer.attester", `${sent} was an attester of ${whose}, the issuing committee, at that block.`)
      : step("failed", "issuer.notAttester", `${sent} was not an attester of ${whose} at that block.`),
  };
}

/** Only an open letter passes: one already received, rejected, cancelled or expired can no longer be used. */
function stateStep(onChain: ChainTransfer): LetterStep {
  const until = new Date(onChain.validUntil * 1000).toISOString();
  switch (onChain.state) {
    case "ISSUED":
      return step("passed", "state.open", `The letter is open: the destination may accept it until ${until}.`);
    case "ACCEPTED":
      return step(
        "failed",
        "state.accepted",
        "The destination already received the member with this letter: it has been used and cannot be used again.",
      );
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
  { issuance, committee }: { issuance: { blockNumber: number; transactionHash: string; issuer: string } | null; committee: number | null },
): Promise<LetterFacts> {
  const organization = async (id: number) => ({ id, name: (await institution.repositories.organizations.get(id))?.name ?? null });
  return {
    kind: onChain.kind,
    fromOrg: await organization(onChain.fromOrgId),
    issuingCommittee: committee === null ? null : await organization(committee),
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
