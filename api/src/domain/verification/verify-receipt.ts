// Checks a write receipt against the chain: the instance signed it with a key that may write for the record's
// organization, and the ledger holds exactly the promised record hash at the promised place, anchored by the deadline.
// A different hash there, or nothing there after the deadline, is a broken promise.
import type { ChainReader } from "../../chain/chain-reader";
import { receiptSignerOf, writeReceiptSchema, type WriteReceipt } from "../../lib/write-receipt";
import { ChainFacts } from "./chain-facts";
import { verdictWordOf, type StepStatus, type VerdictWord } from "./verdict";

export const RECEIPT_CHECKS = ["format", "signature", "signer", "promise"] as const;
export type ReceiptCheck = (typeof RECEIPT_CHECKS)[number];

export interface ReceiptStep {
  readonly check: ReceiptCheck;
  readonly status: StepStatus;
  /** e.g. "promise.broken". */
  readonly reason: `${ReceiptCheck}.${string}`;
  readonly message: string;
}

export interface ReceiptVerdict {
  /** VALID: the promise was kept; INCOMPLETE: not due yet; INVALID: forged, or broken. */
  readonly verdict: VerdictWord;
  readonly receipt: WriteReceipt["promise"] | null;
  readonly steps: readonly ReceiptStep[];
}

/** Never rejects for a bad receipt (that is an INVALID verdict); rejects only when the node cannot be read. */
export async function verifyReceipt(input: unknown, reader: ChainReader): Promise<ReceiptVerdict> {
  const parsed = writeReceiptSchema.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "receipt"}: ${issue.message}`).join("; ");
    return verdict(null, [step("failed", "format.invalid", `The file is not a write receipt: ${issues}.`)]);
  }
  const receipt = parsed.data;
  const { promise, chain } = receipt;
  const nodeChainId = await reader.chainId();
  if (nodeChainId !== chain.chainId) {
    return verdict(promise, [
      step("failed", "format.chainIdMismatch", `The receipt is for chain ${chain.chainId}, but the node serves chain ${nodeChainId}.`),
    ]);
  }
  const registry = await reader.registryOf(chain.membershipLedger);
  if (registry === null) {
    return verdict(promise, [
      step("failed", "format.ledgerNotFound", `No MembershipLedger answers at ${chain.membershipLedger}, the receipt's ledger.`),
    ]);
  }
  const steps: ReceiptStep[] = [
    step("passed", "format.valid", `A well-formed write receipt for MembershipLedger ${chain.membershipLedger} on chain ${chain.chainId}.`),
  ];
  const recovered = receiptSignerOf(receipt);
  if (recovered !== receipt.signer) {
    steps.push(
      step(
        "failed",
        "signature.invalid",
        `The signature recovers to ${recovered ?? "no address"}, not to the signer ${receipt.signer} the receipt names: the receipt was altered or forged.`,
      ),
    );
    return verdict(promise, steps);
  }
  steps.push(step("passed", "signature.valid", `The EIP-712 signature over the promise is ${receipt.signer}'s.`));

  const facts = new ChainFacts(reader, { registry, membershipLedger: chain.membershipLedger }, 1);
  const latest = await facts.latestBlock();
  const appended = (await facts.memberHistory(promise.memberKey)).filter((event) => event.kind === "appended");
  const atSequence = appended[promise.sequence - 1];
  steps.push(await signerStep(facts, receipt, atSequence?.blockNumber ?? latest));
  steps.push(await promiseStep(reader, promise, atSequence, latest));
  return verdict(promise, steps);
}

async function signerStep(
  facts: ChainFacts<{ registry: string; membershipLedger: string }>,
  receipt: WriteReceipt,
  blockNumber: number,
): Promise<ReceiptStep> {
  const { signer, promise } = receipt;
  const attesterOf = await facts.attesterOrganizationAt(promise.orgId, signer, blockNumber);
  if (attesterOf === null) {
    return step(
      "failed",
      "signer.notAttester",
      `${signer}, which signed the receipt, was no Attester of organization ${promise.orgId} or of an organization above it up to its committee at block ${blockNumber}: it cannot write for it.`,
    );
  }
  return step(
    "passed",
    "signer.attester",
    `${signer} was an Attester of organization ${attesterOf} at block ${blockNumber}: the receipt is the promise of a key that writes for organization ${promise.orgId}.`,
  );
}

async function promiseStep(
  reader: ChainReader,
  promise: WriteReceipt["promise"],
  atSequence: { recordHash: string; blockNumber: number; transactionHash: string } | undefined,
  latest: number,
): Promise<ReceiptStep> {
  const place = `member ${promise.memberKey}'s record of sequence ${promise.sequence}`;
  const deadline = new Date(promise.anchorBy * 1000).toISOString();
  if (atSequence === undefined) {
    const now = await reader.blockTimestamp(latest);
    if (now > promise.anchorBy) {
      return step(
        "failed",
        "promise.overdue",
        `Broken promise: ${place} is not on the ledger, and the deadline ${deadline} has passed (block ${latest}).`,
      );
    }
    return step("skipped", "promise.pending", `${place} is not on the ledger yet; the promise falls due at ${deadline}. Check again then.`);
  }
  if (atSequence.recordHash !== promise.recordHash) {
    return step(
      "failed",
      "promise.broken",
      `Broken promise: the receipt promises ${promise.recordHash} as ${place}, but transaction ${atSequence.transactionHash} (block ${atSequence.blockNumber}) anchored ${atSequence.recordHash} there.`,
    );
  }
  const anchoredAt = await reader.blockTimestamp(atSequence.blockNumber);
  if (anchoredAt > promise.anchorBy) {
    return step(
      "failed",
      "promise.late",
      `Broken promise: ${promise.recordHash} was anchored as ${place} in block ${atSequence.blockNumber}, after the deadline ${deadline}.`,
    );
  }
  return step(
    "passed",
    "promise.kept",
    `Kept: transaction ${atSequence.transactionHash} anchored ${promise.recordHash} as ${place} in block ${atSequence.blockNumber}, before the deadline ${deadline}.`,
  );
}

function verdict(promise: WriteReceipt["promise"] | null, steps: ReceiptStep[]): ReceiptVerdict {
  return { verdict: verdictWordOf(steps), receipt: promise, steps };
}

function step(status: StepStatus, reason: ReceiptStep["reason"], message: string): ReceiptStep {
  return { check: reason.slice(0, reason.indexOf(".")) as ReceiptCheck, status, reason, message };
}
