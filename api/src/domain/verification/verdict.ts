// What a verifier says about a proof bundle: one result per check (per record for a member's file), each naming the
// record and the values it compared, so that a reader sees why without reading code.

export const CHECKS = ["format", "hash", "inclusion", "checkpoint", "signer", "memberChain", "status"] as const;
export type Check = (typeof CHECKS)[number];

/** A stable dotted code whose first part is the check: programs branch on it, people read the message. */
export type Reason = `${Check}.${string}`;

/** "warning" never makes a bundle invalid (a superseded record is still proven); "skipped" proves nothing either way. */
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

export interface Verdict {
  /** VALID exactly when no step failed. */
  readonly verdict: "VALID" | "INVALID";
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
}

export function verdictOf(format: string | null, subject: Verdict["subject"], steps: readonly StepResult[]): Verdict {
  return {
    verdict: steps.some((step) => step.status === "failed") ? "INVALID" : "VALID",
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
