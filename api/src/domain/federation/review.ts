// The destination's verdict on an incoming transfer, computed by this instance from the chain alone: the letter hash,
// the member's file complete up to the on-chain head, every record in a confirmed checkpoint, every anchor signed by
// a key that was an attester then, the rules replayed over the file (hard rules must hold; soft findings are listed),
// and the evidence files the records name. A clerk reads it before accepting; accepting recomputes it, and the file
// it verified is imported once the chain's acceptance is final.
import { canonicalKeccak, recordHash } from "../../lib/record-hash";
import type { ChainTransfer } from "../../chain/federation-reader";
import type { Transfer } from "../../data-access";
import { evidenceSha256 } from "../membership/evidence";
import type { Actor, Institution } from "../institution";
import { requireInScope, requireRole } from "../access";
import { replayReceivedFile } from "../rules";
import { ledgerLetter } from "../transfers/letter/format";
import { verifyBundle } from "../verification/verify-bundle";
import type { StepResult } from "../verification/verdict";
import type { MemberFileDocument } from "./member-file";
import { chainProofSources } from "../verification/verify-request";
import { incomingTransfer, openStoredFile } from "./receive-file";
import { federationOf } from "./sources";
import { RULES } from "../refusals";

export const REVIEW_CHECKS = ["letter", "transfer", "file", "checkpoints", "signers", "rules", "evidence"] as const;
export type ReviewCheck = (typeof REVIEW_CHECKS)[number];

export interface ReviewStep {
  check: ReviewCheck;
  status: "passed" | "failed" | "warning";
  /** A stable dotted code, e.g. "file.incomplete". */
  reason: string;
  message: string;
}

export interface TransferReview {
  transferId: string;
  /** ACCEPTABLE: every check passed (soft-rule findings may be listed). */
  verdict: "ACCEPTABLE" | "NOT_ACCEPTABLE" | "WAITING_FOR_FILE";
  file: {
    state: "WAITING" | "RECEIVED";
    receivedVia: string | null;
    attempts: number;
    lastError: string | null;
    receivedAt: string | null;
  };
  steps: ReviewStep[];
  /** Soft-rule findings of the replayed file, by the member's sequence. */
  findings: { sequence: number; step: string; rule: string; message: string }[];
  /** The member as the verified file describes it; personal data only for callers granted it. */
  member: {
    memberKey: string;
    stage: string;
    recordCount: number;
    head: string | null;
    personal?: MemberFileDocument["member"]["personal"];
  } | null;
}

/** What importing needs: the file, and the stage and findings the rules' replay computed over it. */
export interface ReplayedFile {
  file: MemberFileDocument;
  stage: string | null;
  findingsBySequence: Map<number, { rule: string; message: string }[]>;
}

/** The review, and the file it reviewed once the file arrived. */
export interface ReviewedFile {
  review: TransferReview;
  file: MemberFileDocument | null;
}

export async function reviewTransfer(institution: Institution, actor: Actor, transferId: string): Promise<TransferReview> {
  requireRole(actor, "readTransfers");
  const transfer = await incomingTransfer(institution, transferId);
  await requireInScope(institution.repositories, actor, transfer.toOrgId!);
  const { review } = await reviewFile(institution, transfer);
  if (review.member && !actor.canReadPersonalData) delete review.member.personal;
  return review;
}

export async function reviewFile(institution: Institution, transfer: Transfer): Promise<ReviewedFile> {
  const stored = await institution.repositories.incomingFiles.get(transfer.id);
  const fileState = {
    state: stored?.state ?? "WAITING",
    receivedVia: stored?.receivedVia ?? null,
    attempts: stored?.attempts ?? 0,
    lastError: stored?.lastError ?? null,
    receivedAt: stored?.receivedAt?.toISOString() ?? null,
  } as const;
  const file = stored?.content ? openStoredFile(institution, transfer.id, stored.content) : null;
  const steps: ReviewStep[] = [...(await transferSteps(institution, transfer, file))];
  let findings: TransferReview["findings"] = [];
  let stage: string | null = null;
  if (file) {
    steps.push(...(await fileSteps(institution, file)));
    const replay = replayRules(institution, file);
    steps.push(replay.step, evidenceStep(file));
    ({ findings, stage } = replay);
  }
  const failed = steps.some((result) => result.status === "failed");
  const records = file?.proof.records ?? [];
  return {
    file,
    review: {
      transferId: transfer.id,
      verdict: failed ? "NOT_ACCEPTABLE" : file ? "ACCEPTABLE" : "WAITING_FOR_FILE",
      file: fileState,
      steps,
      findings,
      member: file && {
        memberKey: file.member.memberKey,
        stage: stage ?? file.member.stage,
        recordCount: records.length,
        head: records.at(-1)?.recordHash ?? null,
        personal: file.member.personal,
      },
    },
  };
}

async function transferSteps(institution: Institution, transfer: Transfer, file: MemberFileDocument | null): Promise<ReviewStep[]> {
  const { reader } = federationOf(institution);
  const onChain = await reader.transfer(transfer.id);
  if (!onChain) return [failed("transfer", "transfer.notOnChain", `The ledger holds no transfer ${transfer.id}.`)];
  const steps: ReviewStep[] = [letterStep(onChain, file)];
  const open = onChain.state === "ISSUED" && onChain.toOrgId === transfer.toOrgId && onChain.memberKey === transfer.memberKey;
  steps.push(
    open
      ? passed(
          "transfer",
          "transfer.open",
          `The transfer is open on chain until ${new Date(onChain.validUntil * 1000).toISOString()}, to organization ${onChain.toOrgId}.`,
        )
      : failed(
          "transfer",
          RULES.transferNotOpen,
          `The transfer is ${onChain.state} on chain${onChain.state === "EXPIRED" ? ` (valid until ${new Date(onChain.validUntil * 1000).toISOString()})` : ""}: only an open transfer can be accepted.`,
        ),
  );
  return steps;
}

/**
 * The letter hash on chain is the hash of the letter's contents: the ledger's fields and, for a letter that binds its
 * holder, the holder commitment the source's file carries. Until the file arrives that commitment is unknown.
 */
function letterStep(onChain: ChainTransfer, file: MemberFileDocument | null): ReviewStep {
  const legacy = canonicalKeccak(ledgerLetter(onChain, null));
  if (file === null) {
    return legacy === onChain.letterHash
      ? passed("letter", "letter.matches", `The letter hash ${onChain.letterHash} on chain is the hash of the letter's contents.`)
      : warning(
          "letter",
          "letter.awaitingFile",
          `The letter hash ${onChain.letterHash} binds the holder; it is checked once the member's file arrives.`,
        );
  }
  const letterHash = file.holderHash ? canonicalKeccak(ledgerLetter(onChain, file.holderHash)) : legacy;
  return letterHash === onChain.letterHash && file.letterHash === onChain.letterHash
    ? passed(
        "letter",
        "letter.matches",
        `The letter hash ${onChain.letterHash} on chain is the hash of the letter's contents and the file names it.`,
      )
    : failed(
        "letter",
        "letter.mismatch",
        `The letter hash on chain is ${onChain.letterHash}; the letter's contents hash to ${letterHash} and the file names ${file.letterHash}.`,
      );
}

/**
 * The file's proof bundle verified as any verifier would, but pinned to this instance's own contracts and with its
 * confirmations; grouped into what a clerk checks. A check that could not run refuses the file like a failed one.
 */
async function fileSteps(institution: Institution, file: MemberFileDocument): Promise<ReviewStep[]> {
  const { reader, chain, confirmations } = chainProofSources(institution);
  const verdict = await verifyBundle(file.proof, reader, { confirmations, chain });
  const { records } = file.proof;
  const groups: [ReviewCheck, StepResult["check"][], string][] = [
    ["file", ["format", "hash", "memberChain", "status"], "Every record's body hashes to its record hash and the records form one chain"],
    ["checkpoints", ["inclusion", "checkpoint"], "Every record is included in a checkpoint confirmed on chain"],
    [
      "signers",
      ["signer"],
      "Every anchoring transaction and checkpoint was sent by a key that was an attester of its committee at that block",
    ],
  ];
  const steps = groups.map(([check, underlying, claim]): ReviewStep => {
    const problems = verdict.steps.filter(
      (result) => underlying.includes(result.check) && (result.status === "failed" || result.status === "skipped"),
    );
    if (!verdict.steps.some((result) => underlying.includes(result.check))) {
      return failed(check, `${check}.notChecked`, "Not checked: the file's proof bundle failed its format check.");
    }
    if (problems.length === 0) return passed(check, `${check}.verified`, `${claim}.`);
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s))` : "";
    return failed(check, problems[0].reason, `${problems[0].message}${more}`);
  });
  const uncovered = records.filter((record) => record.inclusion === null || record.anchor === null);
  if (uncovered.length > 0) {
    steps[1] = failed(
      "checkpoints",
      "checkpoints.notIncluded",
      `Record(s) of sequence ${uncovered.map((record) => record.sequence).join(", ")} are not yet anchored and covered by a checkpoint.`,
    );
  }
  // The verifier's head check: the file reaches the ledger's head, or the member's departure from the source.
  const outOfDate = verdict.steps.find((result) => result.reason === "memberChain.headMoved");
  const head = verdict.steps.find((result) => result.reason === "memberChain.headMatches" || result.reason === "memberChain.upToDeparture");
  if (outOfDate) {
    steps[0] = failed("file", "file.incomplete", `The file holds ${records.length} record(s): ${outOfDate.message}`);
  } else if (steps[0].status === "passed" && head) {
    steps[0] = passed(
      "file",
      "file.complete",
      `The file holds all ${records.length} record(s) of the member's chain, each body hashing to its record hash: ${head.message}`,
    );
  }
  return steps;
}

/**
 * The rules replayed over a file already reviewed and accepted (its acceptance final on chain): the stage and the
 * findings the import stores.
 */
export function replayForImport(institution: Institution, file: MemberFileDocument): ReplayedFile {
  const { stage, findings } = replayRules(institution, file);
  return { file, stage, findingsBySequence: bySequence(findings) };
}

function bySequence(findings: TransferReview["findings"]): ReplayedFile["findingsBySequence"] {
  const grouped = new Map<number, { rule: string; message: string }[]>();
  for (const { sequence, rule, message } of findings) grouped.set(sequence, [...(grouped.get(sequence) ?? []), { rule, message }]);
  return grouped;
}

/** Replays the rules over the file as if each record were written now, in order: a hard rule broken refuses the file. */
function replayRules(institution: Institution, file: MemberFileDocument) {
  const { ruleSet } = institution;
  const findings: { sequence: number; step: string; rule: string; message: string }[] = [];
  const violations: string[] = [];
  const bodies = file.proof.records.map((record) => record.body);
  const readable = file.proof.records.map(({ body, recordHash: hash }) =>
    body !== null && recordHash(body) === hash ? { ...body, recordHash: hash } : null,
  );
  const today = institution.today();
  const { outcomes, status } = replayReceivedFile(ruleSet, readable, { birthDate: file.member.personal.birthDate }, () => today);
  outcomes.forEach((outcome, index) => {
    const body = bodies[index]!;
    if (!outcome.evaluated && outcome.reason === "otherRuleVersion") {
      violations.push(`record ${body.sequence} was checked against rules ${body.ruleVersion}, which this instance does not hold`);
    }
    if (!outcome.evaluated) return;
    for (const violation of outcome.violations) violations.push(`record ${body.sequence} (${body.step}): ${violation.message}`);
    for (const finding of outcome.findings) findings.push({ sequence: body.sequence, step: body.step, ...finding });
  });
  const step =
    violations.length > 0
      ? failed("rules", "rules.hardRuleBroken", `Replaying the rules over the file breaks a hard rule: ${violations.join("; ")}.`)
      : findings.length > 0
        ? warning("rules", "rules.softFindings", `The rules hold; ${findings.length} soft-rule finding(s) are listed for your review.`)
        : passed(
            "rules",
            "rules.hold",
            `Replaying ${ruleSet.version} over the ${bodies.length} record(s) breaks no rule and finds nothing.`,
          );
  return { step, findings, stage: status === "NONE" ? null : status };
}

function evidenceStep(file: MemberFileDocument): ReviewStep {
  const named = new Set(file.proof.records.flatMap((record) => record.body?.evidence.map((item) => item.sha256) ?? []));
  const held = new Map(file.evidence.map((item) => [item.sha256, evidenceSha256(Buffer.from(item.content, "base64"))]));
  const missing = [...named].filter((sha256) => !held.has(sha256));
  const altered = [...held].filter(([sha256, actual]) => sha256 !== actual).map(([sha256]) => sha256);
  if (missing.length + altered.length === 0)
    return passed(
      "evidence",
      "evidence.complete",
      `All ${named.size} evidence file(s) the records name are in the file and match their SHA-256.`,
    );
  return failed(
    "evidence",
    altered.length > 0 ? "evidence.altered" : "evidence.missing",
    `Evidence ${[...missing.map((sha) => `${sha} missing`), ...altered.map((sha) => `${sha} altered`)].join(", ")}.`,
  );
}

const passed = (check: ReviewCheck, reason: string, message: string): ReviewStep => ({ check, status: "passed", reason, message });
const failed = (check: ReviewCheck, reason: string, message: string): ReviewStep => ({ check, status: "failed", reason, message });
const warning = (check: ReviewCheck, reason: string, message: string): ReviewStep => ({ check, status: "warning", reason, message });
