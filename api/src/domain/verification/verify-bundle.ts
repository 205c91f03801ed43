// Verifies a proof bundle against the chain alone: the bundle's claims are checked one by one against what any node
// of the consortium's chain answers, so that an outsider needs neither our server nor our word.
import type { ChainReader } from "../../chain/chain-reader";
import { parseProofBundle, type MemberProof, type MemberProofRecord, type ProofBundle, type RecordProof } from "../../lib/proof-bundle";
import { recordBodySchema, recordHash, type RecordBody } from "../../lib/record-hash";
import { ChainFacts } from "./chain-facts";
import { continuitySteps, headSteps, ledgerStep, positionStep } from "./member-chain";
import { anchorSignerStep, anchorStep, checkpointSignerStep, checkpointStep } from "./chain-checks";
import { hashStep, inclusionStep, nameOf, type RecordClaim } from "./record-checks";
import { step, verdictOf, type Reason, type StepResult, type Verdict, type VerifyOptions } from "./verdict";

/** IOrgRegistry: the consortium is always organization 1, so any registry answers for it. */
const CONSORTIUM_ORG_ID = 1;

/** Never rejects for a bad bundle (that is an INVALID verdict); rejects only when the node cannot be read. */
export async function verifyBundle(input: unknown, reader: ChainReader, options: VerifyOptions = {}): Promise<Verdict> {
  const confirmations = options.confirmations ?? 1;
  if (!Number.isSafeInteger(confirmations) || confirmations < 1) {
    throw new RangeError(`confirmations must be a positive integer, got ${confirmations}`);
  }
  const parsed = parseProofBundle(input);
  if (parsed.kind === "invalid") {
    const issues = parsed.issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message)).join("; ");
    return verdictOf(formatNamedIn(input), { recordIds: [] }, [
      step("failed", "format.invalid", `The file is not a valid proof bundle: ${issues}.`),
    ]);
  }
  const { bundle } = parsed;
  const subject =
    parsed.kind === "record"
      ? { memberKey: parsed.bundle.memberChain.memberKey, recordIds: [parsed.bundle.record.id] }
      : { memberKey: parsed.bundle.memberKey, recordIds: parsed.bundle.records.map((record) => record.id) };
  const facts = new ChainFacts(reader, bundle.chain, confirmations, newestBlockNamedIn(bundle));
  const format =
    options.chain && !sameChain(bundle.chain, options.chain) ? otherChainStep(bundle.chain, options.chain) : await chainStep(bundle, facts);
  if (parsed.kind === "member") {
    const steps = format.status === "failed" ? [] : await memberProofSteps(parsed.bundle, facts, options.record);
    return verdictOf(bundle.format, subject, [format, ...steps]);
  }
  const steps = format.status === "failed" ? [] : await recordProofSteps(parsed.bundle, facts, options.record);
  // The bundle has one record: every step, the format's and the checkpoint's included, is about it.
  const { id, recordHash: hash } = parsed.bundle.record;
  const aboutTheRecord = [format, ...steps].map((result) => ({ ...result, recordId: id, recordHash: hash }));
  return verdictOf(bundle.format, subject, aboutTheRecord);
}

function newestBlockNamedIn(bundle: ProofBundle): number {
  if ("record" in bundle) return Math.max(bundle.memberChain.anchor.blockNumber, bundle.checkpoint.blockNumber);
  const anchors = bundle.records.map((record) => record.anchor?.blockNumber ?? 0);
  return Math.max(bundle.head.blockNumber, bundle.checkpoint?.blockNumber ?? 0, ...anchors);
}

function sameChain(named: ProofBundle["chain"], pinned: NonNullable<VerifyOptions["chain"]>): boolean {
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  return (
    named.chainId === pinned.chainId &&
    same(named.registry, pinned.registry) &&
    same(named.membershipLedger, pinned.membershipLedger) &&
    same(named.checkpointLog, pinned.checkpointLog)
  );
}

function otherChainStep(named: ProofBundle["chain"], pinned: NonNullable<VerifyOptions["chain"]>): StepResult {
  const describe = (chain: ProofBundle["chain"]) =>
    `chain ${chain.chainId}, registry ${chain.registry}, MembershipLedger ${chain.membershipLedger}, CheckpointLog ${chain.checkpointLog}`;
  return step("failed", "format.otherContracts", `The bundle names ${describe(named)}; this verifier accepts only ${describe(pinned)}.`);
}

// The bundle names the contracts; they are trusted only once the node confirms they are one consortium's.
async function chainStep(bundle: ProofBundle, facts: ChainFacts): Promise<StepResult> {
  const { chain } = bundle;
  const fail = (reason: Reason, message: string) => step("failed", reason, message);
  const nodeChainId = await facts.reader.chainId();
  if (nodeChainId !== chain.chainId) {
    return fail("format.chainIdMismatch", `The bundle is for chain ${chain.chainId}, but the node serves chain ${nodeChainId}.`);
  }
  if ((await facts.reader.organization(chain.registry, CONSORTIUM_ORG_ID)) === null) {
    return fail("format.registryNotFound", `No OrgRegistry answers at ${chain.registry}, the bundle's registry.`);
  }
  const ledgers = [
    ["MembershipLedger", chain.membershipLedger],
    ["CheckpointLog", chain.checkpointLog],
  ] as const;
  for (const [contract, address] of ledgers) {
    const registry = await facts.reader.registryOf(address);
    if (registry === null) return fail("format.ledgerNotFound", `No ${contract} answers at ${address}, the bundle's ${contract}.`);
    if (registry !== chain.registry) {
      return fail(
        "format.registryMismatch",
        `${contract} ${address} takes its organizations from registry ${registry}, not from the bundle's registry ${chain.registry}.`,
      );
    }
  }
  const contracts = `MembershipLedger ${chain.membershipLedger} and CheckpointLog ${chain.checkpointLog}`;
  return step(
    "passed",
    "format.valid",
    `The bundle is a well-formed ${bundle.format} for chain ${chain.chainId}; its ${contracts} use its registry ${chain.registry}.`,
  );
}

async function recordProofSteps(bundle: RecordProof, facts: ChainFacts, suppliedBody: unknown): Promise<StepResult[]> {
  const claim: RecordClaim = { ...bundle.record, ...bundle.memberChain, inclusion: bundle.inclusion };
  const [anchorReceipt, checkpointReceipt] = await Promise.all([
    facts.receipt(bundle.memberChain.anchor.transactionHash),
    facts.receipt(bundle.checkpoint.transactionHash),
  ]);
  const checkpoint = await checkpointStep(bundle.checkpoint, checkpointReceipt, facts);
  const signers = [
    await anchorSignerStep(claim, anchorReceipt, facts),
    await checkpointSignerStep(bundle.checkpoint, checkpoint.recorded, facts),
  ];
  return [
    hashStep(claim, suppliedBody),
    inclusionStep(claim, bundle.checkpoint),
    checkpoint.step,
    mergedStep(signers),
    await memberChainStep(claim, anchorStep(claim, anchorReceipt, facts), facts),
    recordStatusStep(claim, bundle.status),
  ];
}

async function memberProofSteps(bundle: MemberProof, facts: ChainFacts, suppliedBody: unknown): Promise<StepResult[]> {
  const { checkpoint, memberKey } = bundle;
  const steps: StepResult[] = [];
  if (checkpoint === null) {
    steps.push(
      step("skipped", "checkpoint.none", `The bundle names no checkpoint: no record of member ${memberKey} is proven in the log.`),
    );
  } else {
    const checked = await checkpointStep(checkpoint, await facts.receipt(checkpoint.transactionHash), facts);
    steps.push(checked.step, await checkpointSignerStep(checkpoint, checked.recorded, facts));
  }
  steps.push(...continuitySteps(bundle), ...(await headSteps(bundle, facts)));

  const supplied = suppliedBodyOf(bundle, suppliedBody);
  if (supplied.problem) steps.push(supplied.problem);
  for (const record of bundle.records) {
    const claim: RecordClaim = { ...record, memberKey };
    const receipt = record.anchor === null ? null : await facts.receipt(record.anchor.transactionHash);
    const body = record.recordHash === supplied.recordHash ? supplied.body : undefined;
    steps.push(
      hashStep(claim, body),
      inclusionStep(claim, checkpoint),
      await anchorSignerStep(claim, receipt, facts),
      await ledgerStep(claim, anchorStep(claim, receipt, facts), facts),
      supersessionStep(bundle, record, body ?? record.body),
    );
  }
  return steps;
}

/**
 * A member bundle's supersession, checked both ways: a record's `supersededBy` names a later record of the file whose
 * body (when given) says it supersedes it, and a body's `supersedes` names an earlier record marked superseded by it.
 */
function supersessionStep(bundle: MemberProof, record: MemberProofRecord, body: RecordBody | null): StepResult {
  const claim = { id: record.id, recordHash: record.recordHash };
  const name = `Record ${record.id} (${record.recordHash})`;
  const fail = (reason: Reason, message: string) => step("failed", reason, message, claim);
  const find = (hash: string) => bundle.records.find((candidate) => candidate.recordHash === hash);
  const supersedes = body?.supersedes?.recordHash;
  if (supersedes !== undefined) {
    const corrected = find(supersedes);
    if (corrected === undefined || corrected.sequence >= record.sequence) {
      return fail("status.supersededMissing", `${name}'s body supersedes ${supersedes}, which is no earlier record of the file.`);
    }
    if (corrected.supersededBy !== record.recordHash) {
      return fail(
        "status.supersessionHidden",
        `${name}'s body supersedes record ${corrected.id} (${supersedes}), but the file marks that record superseded by ${corrected.supersededBy ?? "nothing"}.`,
      );
    }
  }
  if (record.supersededBy === null) return step("passed", "status.current", `${name} is not superseded by any record of the file.`, claim);
  const superseder = find(record.supersededBy);
  if (superseder === undefined || superseder.sequence <= record.sequence) {
    return fail(
      "status.supersederMissing",
      `${name} is marked superseded by ${record.supersededBy}, which is no later record of the file.`,
    );
  }
  const saysSo = superseder.body === null || superseder.body.supersedes?.recordHash === record.recordHash;
  if (!saysSo) {
    return fail(
      "status.inconsistent",
      `${name} is marked superseded by ${record.supersededBy}, whose body supersedes ${superseder.body?.supersedes?.recordHash ?? "nothing"}.`,
    );
  }
  return step("warning", "status.superseded", `${name} was superseded by ${record.supersededBy}; it stays proven as recorded.`, claim);
}

async function memberChainStep(claim: RecordClaim, anchored: StepResult, facts: ChainFacts): Promise<StepResult> {
  if (anchored.status !== "passed") return anchored;
  const position = await positionStep(claim, facts);
  return position.status === "passed" ? { ...position, message: `${anchored.message} ${position.message}` } : position;
}

/** The chain records no supersession: a record bundle's status is its maker's dated statement, checked for consistency. */
function recordStatusStep(claim: RecordClaim, { superseded, supersededBy, asOf }: RecordProof["status"]): StepResult {
  if (superseded !== (supersededBy !== null)) {
    const message = `${nameOf(claim)}: the status says superseded ${superseded} but names ${supersededBy === null ? "no" : `record ${supersededBy.recordId} as the`} superseding record.`;
    return step("failed", "status.inconsistent", message, claim);
  }
  if (supersededBy !== null && (supersededBy.recordId <= claim.id || supersededBy.recordHash === claim.recordHash)) {
    const message = `${nameOf(claim)} is said to be superseded by record ${supersededBy.recordId} (${supersededBy.recordHash}), which is not a later record.`;
    return step("failed", "status.supersederMissing", message, claim);
  }
  if (!superseded) {
    return step("passed", "status.current", `${nameOf(claim)} was not superseded as of ${asOf}, by the bundle maker's statement.`, claim);
  }
  const by = supersededBy === null ? "" : ` by record ${supersededBy.recordId} (${supersededBy.recordHash})`;
  return step(
    "warning",
    "status.superseded",
    `${nameOf(claim)} was superseded${by} as of ${asOf}; it is still proven as it was recorded.`,
    claim,
  );
}

// One step for a check made twice (the anchor's and the checkpoint's signer): the first failure, else all passed.
function mergedStep(parts: StepResult[]): StepResult {
  const failed = parts.find((part) => part.status === "failed");
  if (failed) return failed;
  const status = parts.every((part) => part.status === "passed") ? "passed" : "skipped";
  const { reason } = parts.find((part) => part.status === status)!;
  return { ...parts[0], status, reason, message: parts.map((part) => part.message).join(" ") };
}

interface SuppliedBody {
  readonly body?: RecordBody;
  /** The hash of the record the body belongs to; null when no usable body was supplied. */
  readonly recordHash: string | null;
  readonly problem: StepResult | null;
}

// A member bundle takes a supplied body as that of the record it hashes to.
function suppliedBodyOf(bundle: MemberProof, supplied: unknown): SuppliedBody {
  if (supplied === undefined) return { recordHash: null, problem: null };
  const parsed = recordBodySchema.safeParse(supplied);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
    const problem = step("failed", "hash.bodyInvalid", `The supplied body is not a version-1 record body: ${issues}.`);
    return { recordHash: null, problem };
  }
  const body = supplied as RecordBody;
  const hash = recordHash(body);
  if (!bundle.records.some((record) => record.recordHash === hash)) {
    const problem = step("failed", "hash.suppliedBodyUnmatched", `The supplied body hashes to ${hash}, none of the bundle's records.`);
    return { recordHash: null, problem };
  }
  return { body, recordHash: hash, problem: null };
}

function formatNamedIn(input: unknown): string | null {
  const format = typeof input === "object" && input !== null ? (input as { format?: unknown }).format : undefined;
  return typeof format === "string" ? format : null;
}
