// The audit sweep's report: what it found, each by record id, in a stable machine-readable shape.

export const AUDIT_REPORT_FORMAT = "cunzheng.audit-report/1";

export const FINDING_KINDS = [
  "TAMPERED",
  "DELETED",
  "REORDERED",
  "INSERTED",
  "UNANCHORED",
  "CHECKPOINT_MISMATCH",
  "FOREIGN_CHECKPOINT",
  "MEMBER_MISMATCH",
  "FOREIGN_MEMBER",
  "FOREIGN_RECORD",
  "FOREIGN_WRITE",
  "UNHELD_MEMBER",
  "PERSONAL_DATA_UNREADABLE",
  "TRANSFER_MISMATCH",
  "FINDINGS_MISMATCH",
  "HARD_RULE_BROKEN",
  "EVIDENCE_TAMPERED",
  "ACCOUNT_MISMATCH",
  "ADMIN_LOG_BROKEN",
  "ADMIN_LOG_CHECKPOINT_MISMATCH",
  "DUPLICATE_MEMBER",
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

/** The kinds of row a finding that is not about a record names. */
export const SUBJECT_TYPES = ["member", "transfer", "account", "evidence", "auditEntry", "checkpoint"] as const;

/** The row a finding is about when it is not a record: its table's kind and its id there. */
export interface FindingSubject {
  type: (typeof SUBJECT_TYPES)[number];
  id: string;
}

export interface Finding {
  kind: FindingKind;
  /** The record's position in the log; null when no record id can be named (a checkpoint, a member's lost record). */
  recordId: number | null;
  /** The row of another table the finding is about (a member, transfer, account, evidence file, log entry, checkpoint). */
  subject?: FindingSubject;
  recordHash?: string;
  memberKey?: string;
  sequence?: number;
  /** Plain English naming the values compared. */
  detail: string;
}

export interface AuditReport {
  format: typeof AUDIT_REPORT_FORMAT;
  logId: number;
  startedAt: string;
  finishedAt: string;
  chainId: number;
  /** The block every chain read was made at. */
  blockNumber: number;
  /** `checkpoints` counts the record log's, `adminCheckpoints` the administrative log's. */
  totals: { records: number; members: number; checkpoints: number; adminCheckpoints: number; findings: number };
  clean: boolean;
  findings: Finding[];
}

export type AuditPhase = "log" | "checkpoints" | "members" | "order" | "outbox" | "instance" | "rules";

export interface AuditProgress {
  phase: AuditPhase;
  done: number;
  total: number;
}

/** The sweep could not see everything it must check (the node lacks events, say): its report would mislead. */
export class AuditIncompleteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditIncompleteError";
  }
}

/**
 * The findings so far, at most one per (kind, record). A second finding of the same kind about the same record
 * adds what the first did not say (the record's hash, member, sequence) and its detail.
 */
export class FindingSet {
  private readonly byKey = new Map<string, Finding>();

  add(finding: Finding): void {
    const key = keyOf(finding);
    const known = this.byKey.get(key);
    if (!known) {
      this.byKey.set(key, { ...finding });
      return;
    }
    known.recordHash ??= finding.recordHash;
    known.memberKey ??= finding.memberKey;
    known.sequence ??= finding.sequence;
    if (!known.detail.includes(finding.detail)) known.detail = `${known.detail} ${finding.detail}`;
  }

  has(kind: FindingKind, recordId: number): boolean {
    return this.byKey.has(`${kind}:${recordId}`);
  }

  /** By record id (findings without one last), then kind, then member sequence. */
  sorted(): Finding[] {
    return [...this.byKey.values()].sort(
      (a, b) =>
        (a.recordId ?? Infinity) - (b.recordId ?? Infinity) ||
        FINDING_KINDS.indexOf(a.kind) - FINDING_KINDS.indexOf(b.kind) ||
        (a.sequence ?? 0) - (b.sequence ?? 0),
    );
  }
}

function keyOf(finding: Finding): string {
  if (finding.recordId !== null) return `${finding.kind}:${finding.recordId}`;
  if (finding.subject) return `${finding.kind}:${finding.subject.type}:${finding.subject.id}`;
  return `${finding.kind}:-:${finding.memberKey ?? ""}:${finding.sequence ?? ""}:${finding.recordHash ?? ""}:${finding.detail}`;
}
