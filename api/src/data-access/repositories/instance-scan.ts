import type { EntityManager } from "typeorm";

import type { StoredNextDue } from "./members";
import type { MemberStage, MemberStatus, TransferKind, TransferState } from "../../domain/vocabulary";

// Whole-instance reads for the audit sweep beyond the record log: every member, transfer, finding, evidence file
// and administrative-log entry, each in one query (evidence in pages, since its bytes are large).

export interface MemberScanRow {
  id: string;
  memberKey: string;
  orgId: number;
  stage: MemberStage;
  status: MemberStatus;
  departedRecordCount: number | null;
  personalData: Uint8Array;
  /** Some record of the member still waits for its chain write. */
  hasUnfinishedRecords: boolean;
  /** The next due stored beside the member, with its basis and the member's last record sequence now. */
  nextDue: Omit<StoredNextDue, "memberId">;
}

export interface TransferScanRow {
  id: string;
  memberKey: string;
  kind: TransferKind;
  fromOrgId: number;
  toOrgId: number | null;
  destinationHash: string | null;
  state: TransferState;
  letterHash: string;
  /** Some chain write of the transfer is not final yet. */
  hasUnfinishedWrites: boolean;
}

export interface EvidenceScanRow {
  id: string;
  sha256: string;
  size: number;
  content: Uint8Array;
}

/** The rules of the findings stored on one record. */
export interface RecordFindingRules {
  recordId: number;
  rules: string[];
}

/** The rules the log entry of a record's write named as its findings. */
export interface LoggedFindingRules {
  auditEntryId: number;
  recordId: number;
  rules: string[];
}

/** An account row as stored, its password hash included (the sweep compares only its digest). */
export interface AccountScanRow {
  id: string;
  username: string;
  passwordHash: string;
  role: string;
  orgId: number;
  canReadPersonalData: boolean;
  disabled: boolean;
  chainAddress: string | null;
}

export class InstanceScanRepository {
  constructor(private readonly manager: EntityManager) {}

  async members(): Promise<MemberScanRow[]> {
    const rows: {
      id: string;
      member_key: string;
      org_id: string;
      stage: MemberStage;
      status: MemberStatus;
      departed_record_count: number | null;
      personal_data: Buffer;
      unfinished: boolean;
      next_due_on: string | null;
      next_due_sealed: string | null;
      next_due_rules: string | null;
      next_due_sequence: number | null;
      head_sequence: number | null;
    }[] = await this.manager.query(
      `SELECT m.id, m.member_key, m.org_id, m.stage, m.status, m.departed_record_count, m.personal_data,
              EXISTS (SELECT 1 FROM records r JOIN outbox o ON o.record_id = r.id
                       WHERE r.member_id = m.id AND o.state <> 'FINAL') AS unfinished,
              to_char(m.next_due_on, 'YYYY-MM-DD') AS next_due_on, m.next_due_sealed, m.next_due_rules, m.next_due_sequence,
              (SELECT max(r.sequence) FROM records r WHERE r.member_id = m.id) AS head_sequence
         FROM members m ORDER BY m.member_key`,
    );
    const number = (value: number | null) => (value === null ? null : Number(value));
    return rows.map((row) => ({
      id: row.id,
      memberKey: row.member_key,
      orgId: Number(row.org_id),
      stage: row.stage,
      status: row.status,
      departedRecordCount: row.departed_record_count,
      personalData: row.personal_data,
      hasUnfinishedRecords: row.unfinished,
      nextDue: {
        dueOn: row.next_due_on,
        sealed: row.next_due_sealed,
        rules: row.next_due_rules,
        sequence: number(row.next_due_sequence),
        headSequence: number(row.head_sequence),
      },
    }));
  }

  async transfers(): Promise<TransferScanRow[]> {
    const rows: {
      id: string;
      member_key: string;
      kind: TransferKind;
      from_org_id: string;
      to_org_id: string | null;
      destination_hash: string | null;
      state: TransferState;
      letter_hash: string;
      unfinished: boolean;
    }[] = await this.manager.query(
      `SELECT t.id, t.member_key, t.kind, t.from_org_id, t.to_org_id, t.destination_hash, t.state, t.letter_hash,
              EXISTS (SELECT 1 FROM outbox o WHERE o.transfer_id = t.id AND o.state <> 'FINAL') AS unfinished
         FROM transfers t ORDER BY t.id`,
    );
    return rows.map((row) => ({
      id: row.id,
      memberKey: row.member_key,
      kind: row.kind,
      fromOrgId: Number(row.from_org_id),
      toOrgId: row.to_org_id === null ? null : Number(row.to_org_id),
      destinationHash: row.destination_hash,
      state: row.state,
      letterHash: row.letter_hash,
      hasUnfinishedWrites: row.unfinished,
    }));
  }

  /** Up to `limit` evidence files with ids after `afterId`, in id order. */
  async evidencePage(afterId: string | null, limit: number): Promise<EvidenceScanRow[]> {
    const rows: { id: string; sha256: string; size: number; content: Buffer }[] = await this.manager.query(
      `SELECT id, sha256, size, content FROM evidence WHERE $1::uuid IS NULL OR id > $1::uuid ORDER BY id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map((row) => ({ id: row.id, sha256: row.sha256, size: row.size, content: row.content }));
  }

  async accounts(): Promise<AccountScanRow[]> {
    const rows: {
      id: string;
      username: string;
      password_hash: string;
      role: string;
      org_id: string;
      can_read_personal_data: boolean;
      disabled: boolean;
      chain_address: string | null;
    }[] = await this.manager.query(
      "SELECT id, username, password_hash, role, org_id, can_read_personal_data, disabled, chain_address FROM accounts ORDER BY id",
    );
    return rows.map((row) => ({
      id: row.id,
      username: row.username,
      passwordHash: row.password_hash,
      role: row.role,
      orgId: Number(row.org_id),
      canReadPersonalData: row.can_read_personal_data,
      disabled: row.disabled,
      chainAddress: row.chain_address,
    }));
  }

  /** The stored findings' rules, by record. */
  async findingRules(): Promise<RecordFindingRules[]> {
    const rows: { record_id: string; rules: string[] }[] = await this.manager.query(
      `SELECT record_id, array_agg(rule ORDER BY rule) AS rules FROM findings GROUP BY record_id ORDER BY record_id`,
    );
    return rows.map((row) => ({ recordId: Number(row.record_id), rules: row.rules }));
  }

  /** The findings each record.create / record.correct entry of the administrative log named. */
  async loggedFindingRules(): Promise<LoggedFindingRules[]> {
    const rows: { id: string; target_id: string; rules: string[] | null }[] = await this.manager.query(
      `SELECT id, target_id, ARRAY(SELECT jsonb_array_elements_text(details->'findings')) AS rules
         FROM audit_log
        WHERE action IN ('record.create', 'record.correct') AND target_type = 'record' AND jsonb_typeof(details->'findings') = 'array'
        ORDER BY id`,
    );
    return rows.map((row) => ({ auditEntryId: Number(row.id), recordId: Number(row.target_id), rules: [...(row.rules ?? [])].sort() }));
  }
}
