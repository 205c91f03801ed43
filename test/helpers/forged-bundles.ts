// The holes issue 14 closed, as forged bundles an outsider would send: each is made from genuine bundles and says
// which verdict and which reason the verifier must give. API, CLI and portal tests share them.
import type { MemberProof, RecordProof } from "../../api/src/lib/proof-bundle";
import { newSalt, recordHash } from "../../api/src/lib/record-hash";

export interface Forgery {
  readonly name: string;
  readonly bundle: MemberProof | RecordProof;
  readonly verdict: "INVALID" | "INCOMPLETE";
  /** A reason some step must give, failed for INVALID, skipped for INCOMPLETE. */
  readonly reason: string;
}

/**
 * `file`: a genuine member file of at least three final records with bodies; `stranger`: another member's genuine
 * file, checkpointed by the same checkpoint; `record`: a genuine record bundle of `file`'s second record.
 */
export function forgeries(file: MemberProof, stranger: MemberProof, record: RecordProof): Forgery[] {
  const withheld = (bundle: MemberProof) => {
    for (const entry of bundle.records) entry.body = null;
    return bundle;
  };

  const swapped = structuredClone(file);
  const foreign = stranger.records[0];
  swapped.records[1] = { ...foreign, sequence: 2, prevHash: swapped.records[0].recordHash, anchor: null, supersededBy: null };
  swapped.records[2].prevHash = foreign.recordHash;
  withheld(swapped);

  const unproven = structuredClone(file);
  unproven.checkpoint = null;
  for (const entry of unproven.records) entry.inclusion = null;

  const pending = structuredClone(file);
  const last = pending.records.at(-1)!;
  const body = { ...last.body!, sequence: last.sequence + 1, prevHash: last.recordHash, salt: newSalt() };
  pending.records.push({
    ...last,
    id: last.id + 1_000,
    recordHash: recordHash(body),
    body,
    sequence: body.sequence,
    prevHash: last.recordHash,
    anchor: null,
    inclusion: null,
  });

  const hiddenCorrection = structuredClone(file);
  hiddenCorrection.records[0].supersededBy = hiddenCorrection.records[1].recordHash;

  const falseHead = structuredClone(file);
  falseHead.head = { ...falseHead.head, recordHash: falseHead.records[0].recordHash, recordCount: 1 };

  const wrongSequence = structuredClone(record);
  wrongSequence.record.body = null;
  wrongSequence.memberChain.sequence += 1;

  const wrongPrevious = structuredClone(record);
  wrongPrevious.record.body = null;
  wrongPrevious.memberChain.prevHash = newSalt();

  return [
    {
      name: "another member's record swapped into the middle, bodies withheld",
      bundle: swapped,
      verdict: "INVALID",
      reason: "memberChain.notOnLedger",
    },
    { name: "no checkpoint and no inclusion proofs", bundle: unproven, verdict: "INCOMPLETE", reason: "checkpoint.none" },
    { name: "a fabricated pending record at the end", bundle: pending, verdict: "INCOMPLETE", reason: "memberChain.notAnchored" },
    { name: "a supersession no record's body states", bundle: hiddenCorrection, verdict: "INVALID", reason: "status.inconsistent" },
    { name: "a false head", bundle: falseHead, verdict: "INVALID", reason: "memberChain.headClaimFalse" },
    { name: "a withheld body's wrong sequence", bundle: wrongSequence, verdict: "INVALID", reason: "memberChain.notOnLedger" },
    { name: "a withheld body's wrong previous hash", bundle: wrongPrevious, verdict: "INVALID", reason: "memberChain.brokenLink" },
  ];
}

/** Whether a verdict is the one a forgery expects, naming its reason with the right status. */
export function judgedAsExpected(
  forgery: Forgery,
  verdict: { verdict: string; steps: readonly { status: string; reason: string }[] },
): boolean {
  const status = forgery.verdict === "INVALID" ? "failed" : "skipped";
  return verdict.verdict === forgery.verdict && verdict.steps.some((step) => step.reason === forgery.reason && step.status === status);
}
