// What a verifier says about a proof bundle: one result per check (per record for a member's file), each naming the
// record and the values it compared, so that a reader sees why without reading code.

export const CHECKS = ["format", "hash", "inclusion", "checkpoint", "signer", "memberChain", "status"] as const;
export type Check = (typeof CHECKS)[number];

/** A stable dotted code whose first part is the check: programs branch on it, people read the message. */
export type Reason = `${Check}.${string}`;

/**
 * "failed" disproves the bundle; "skipped" is a check that could not run (no checkpoint yet, no anchor, a body
 * withheld) and keeps the verdict from VALID; "warning" is a fact the reader should know that proves nothing false
 * (a superseded record is still proven as recorded).
 */
export type StepStatus = "passed" | "failed" | "skipped" | "warning";

export interface StepResult {
  readonly check: Check;
  readonly status: StepStatus;
  /** e.g. "hash.mismatch". */
  readonly reason: Reason;
  /** Plain English, naming the record and the values compared. */
  readonly message: string;
  readonly recordId?: number;
  readonly recordHash?: string;
}

/** INVALID: a check failed. INCOMPLETE: none failed, but a required check could not run (its steps say which). */
export type VerdictWord = "VALID" | "INCOMPLETE" | "INVALID";

export interface Verdict {
  /** VALID exactly when every required check ran and passed. */
  readonly verdict: VerdictWord;
  /** The bundle's format string, or null when it has none. */
  readonly format: string | null;
  readonly subject: { readonly memberKey?: string; readonly recordIds: readonly number[] };
  readonly steps: readonly StepResult[];
}

export interface VerifyOptions {
  /** A record body supplied beside a bundle whose body is withheld (or to check instead of the bundle's). */
  readonly record?: unknown;
  /** Blocks a checkpoint must have on top of it, its own included (default 1: mined). */
  readonly confirmations?: number;
  /** The contracts the bundle must name (an instance checking a file for itself pins its own deployment). */
  readonly chain?: {
    readonly chainId: number;
    readonly registry: string;
    readonly membershipLedger: string;
    readonly checkpointLog: string;
  };
}

export function verdictWordOf(steps: readonly { readonly status: StepStatus }[]): VerdictWord {
  if (steps.some((step) => step.status === "failed")) return "INVALID";
  return steps.some((step) => step.status === "skipped") ? "INCOMPLETE" : "VALID";
}

export function verdictOf(format: string | null, subject: Verdict["subject"], steps: readonly StepResult[]): Verdict {
  return {
    verdict: verdictWordOf(steps),
    format,
    subject,
    steps,
  };
}

/** A step of the check its reason names ("hash.mismatch" is a hash step), about a record when one is given. */
export function step(
  status: StepStatus,
  reason: Reason,
  message: string,
  about?: { readonly id: number; readonly recordHash: string },
): StepResult {
  const check = reason.slice(0, reason.indexOf(".")) as Check;
  return { check, status, reason, message, ...(about && { recordId: about.id, recordHash: about.recordHash }) };
}
