// The checks of one record that need no chain: its hash, and its place in the checkpointed log. Each returns one step
// naming the record and the values it compared.
import { recordLeaf, verifyInclusion } from "../../lib/merkle";
import type { ProofBundleAnchor, ProofBundleCheckpoint, ProofBundleInclusion } from "../../lib/proof-bundle";
import { recordBodySchema, recordHash, type Hex32, type RecordBody } from "../../lib/record-hash";
import { step, type Reason, type StepResult } from "./verdict";

/** What a bundle says about one record. */
export interface RecordClaim {
  readonly id: number;
  readonly recordHash: Hex32;
  readonly body: RecordBody | null;
  readonly memberKey: Hex32;
  readonly orgId: number;
  readonly sequence: number;
  readonly prevHash: Hex32 | null;
  readonly anchor: ProofBundleAnchor | null;
  readonly inclusion: ProofBundleInclusion | null;
}

export const nameOf = (claim: RecordClaim): string => `Record ${claim.id} (${claim.recordHash})`;

/** The body hashes to the record hash, and says the same as the bundle about the record's place in the member chain. */
export function hashStep(claim: RecordClaim, suppliedBody: unknown): StepResult {
  const fail = (reason: Reason, message: string) => step("failed", reason, message, claim);
  let body = claim.body;
  let source = "the bundle's body";
  if (suppliedBody !== undefined) {
    const parsed = recordBodySchema.safeParse(suppliedBody);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "body"}: ${issue.message}`).join("; ");
      return fail("hash.bodyInvalid", `The body supplied for ${nameOf(claim)} is not a version-1 record body: ${issues}.`);
    }
    body = suppliedBody as RecordBody;
    source = "the supplied body";
  }
  if (body === null) {
    return step(
      "skipped",
      "hash.bodyWithheld",
      `${nameOf(claim)}: the bundle withholds its body, so the hash was not recomputed; supply the body to check it.`,
      claim,
    );
  }
  const computed = recordHash(body);
  if (computed !== claim.recordHash) {
    return fail(
      "hash.mismatch",
      `${nameOf(claim)}: ${source} hashes to ${computed}, not to the record hash ${claim.recordHash} the bundle names.`,
    );
  }
  const fields = [
    ["memberKey", "member key", body.memberKey, claim.memberKey],
    ["orgId", "organization", body.orgId, claim.orgId],
    ["sequence", "sequence", body.sequence, claim.sequence],
    ["prevHash", "previous hash", body.prevHash, claim.prevHash],
  ] as const;
  for (const [field, label, inBody, inBundle] of fields) {
    if (inBody !== inBundle) {
      return fail(
        `hash.${field}Mismatch`,
        `${nameOf(claim)}: its body gives ${label} ${String(inBody)}, but the bundle's member chain gives ${String(inBundle)}.`,
      );
    }
  }
  return step(
    "passed",
    "hash.matches",
    `${nameOf(claim)}: ${source} hashes to ${computed}, and its member key, organization, sequence and previous hash agree with the member chain.`,
    claim,
  );
}

/** The record is leaf `id − 1` of the checkpointed tree. */
export function inclusionStep(claim: RecordClaim, checkpoint: ProofBundleCheckpoint | null): StepResult {
  const fail = (reason: Reason, message: string) => step("failed", reason, message, claim);
  const { inclusion } = claim;
  if (inclusion === null) {
    if (checkpoint === null) {
      return step(
        "skipped",
        "inclusion.noCheckpoint",
        `${nameOf(claim)}: no checkpoint covers it yet, so its place in the log is not proven.`,
        claim,
      );
    }
    if (claim.id <= checkpoint.treeSize) {
      return fail(
        "inclusion.proofMissing",
        `${nameOf(claim)} lies within the checkpoint's ${checkpoint.treeSize} records, but the bundle gives no inclusion proof for it.`,
      );
    }
    return step(
      "skipped",
      "inclusion.afterCheckpoint",
      `${nameOf(claim)} came after the checkpoint's ${checkpoint.treeSize} records, so its place in the log is not proven yet.`,
      claim,
    );
  }
  if (checkpoint === null) {
    return fail(
      "inclusion.checkpointMissing",
      `${nameOf(claim)}: the bundle gives an inclusion proof but no checkpoint to check it against.`,
    );
  }
  if (inclusion.logId !== checkpoint.logId) {
    return fail(
      "inclusion.logIdMismatch",
      `${nameOf(claim)}: the inclusion proof is for log ${inclusion.logId}, but the checkpoint is of log ${checkpoint.logId}.`,
    );
  }
  if (inclusion.treeSize !== checkpoint.treeSize) {
    return fail(
      "inclusion.treeSizeMismatch",
      `${nameOf(claim)}: the inclusion proof is for a tree of ${inclusion.treeSize} records, but the checkpoint covers ${checkpoint.treeSize}.`,
    );
  }
  if (inclusion.leafIndex !== claim.id - 1) {
    return fail(
      "inclusion.leafIndexMismatch",
      `${nameOf(claim)} must be leaf ${claim.id - 1} of the log (record id − 1), but the inclusion proof is for leaf ${inclusion.leafIndex}.`,
    );
  }
  const proven = verifyInclusion({
    leafHash: recordLeaf(claim.recordHash),
    leafIndex: inclusion.leafIndex,
    treeSize: inclusion.treeSize,
    proof: inclusion.proof,
    root: checkpoint.root,
  });
  if (!proven) {
    return fail(
      "inclusion.proofInvalid",
      `${nameOf(claim)}: the inclusion proof for leaf ${inclusion.leafIndex} does not lead to root ${checkpoint.root} of log ${checkpoint.logId}'s tree of ${checkpoint.treeSize} records.`,
    );
  }
  return step(
    "passed",
    "inclusion.proven",
    `${nameOf(claim)} is leaf ${inclusion.leafIndex} of log ${checkpoint.logId}'s tree of ${checkpoint.treeSize} records with root ${checkpoint.root}.`,
    claim,
  );
}
