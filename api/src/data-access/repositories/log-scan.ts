import type { EntityManager } from "typeorm";
import type { OutboxError, OutboxState } from "./outbox";

/** A log entry as the audit sweep reads it: the row's columns, its member's key, and the body still sealed. */
export interface LogRow {
  id: number;
  memberId: string;
  memberKey: string;
  sequence: number;
  step: string;
  prevHash: string | null;
  recordHash: string;
  /** "YYYY-MM-DD". */
  effectiveDate: string;
  ruleVersion: string;
  /** The hash of the record the row's supersedes column names (null when it names none, or a record no row holds). */
  supersedesHash: string | null;
  reasonCode: string | null;
  /** The sealed body as stored (the UTF-8 bytes of a "v1:…" string). */
  body: Uint8Array;
  createdAt: Date;
  /** Imported with an accepted transfer: another institution anchored it, before it took its place in this log. */
  imported: boolean;
  /** Set when the member left through an accepted transfer: how many records of its chain are this institution's. */
  departedRecordCount: number | null;
}

/** How far a record's chain write got, for the records whose write is not final. */
export interface RecordOutboxState {
  recordId: number;
  state: Exclude<OutboxState, "FINAL">;
  createdAt: Date;
  error: OutboxError | null;
}

interface LogScanRow {
  id: string;
  member_id: string;
  member_key: string;
  sequence: number;
  step: string;
  prev_hash: string | null;
  record_hash: string;
  effective_date: string;
  rule_version: string;
  supersedes_hash: string | null;
  reason_code: string | null;
  body: Buffer;
  created_at: Date;
  imported: boolean;
  departed_record_count: number | null;
}

/**
 * Whole-log reads for the audit sweep: windows of the log with what checking a record needs, in one query each, so
 * that a million records cost a hundred queries rather than a million.
 */
export class LogScanRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * The entries with afterId < id ≤ upToId, in log order: a window of positions rather than a row limit, so that the
   * database reads only that window whatever plan it picks (a LIMIT over an open range made it read and sort the whole
   * rest of the log on every page). Positions are dense, so a window of N ids holds at most N rows.
   */
  async page(afterId: number, upToId: number): Promise<LogRow[]> {
    return this.select("r.id > $1 AND r.id <= $2", [afterId, upToId]);
  }

  /** The entries of these ids (the whole files of some members, for the rules' replay), in log order. */
  async rows(ids: readonly number[]): Promise<LogRow[]> {
    return this.select("r.id = ANY($1::bigint[])", [ids]);
  }

  private async select(where: string, parameters: unknown[]): Promise<LogRow[]> {
    const rows: LogScanRow[] = await this.manager.query(
      `SELECT r.id, r.member_id, m.member_key, r.sequence, r.step, r.prev_hash, r.record_hash,
              to_char(r.effective_date, 'YYYY-MM-DD') AS effective_date, r.rule_version, r.reason_code,
              s.record_hash AS supersedes_hash, r.body, r.created_at,
              EXISTS (SELECT 1 FROM record_imports i WHERE i.record_id = r.id) AS imported, m.departed_record_count
         FROM records r JOIN members m ON m.id = r.member_id LEFT JOIN records s ON s.id = r.supersedes_record_id
        WHERE ${where}`,
      parameters,
    );
    // Sorted here: rows of a window are few, and a sort in the database would spill their bodies to disk.
    return rows
      .map((row) => ({
        id: Number(row.id),
        memberId: row.member_id,
        memberKey: row.member_key,
        sequence: row.sequence,
        step: row.step,
        prevHash: row.prev_hash,
        recordHash: row.record_hash,
        effectiveDate: row.effective_date,
        ruleVersion: row.rule_version,
        supersedesHash: row.supersedes_hash,
        reasonCode: row.reason_code,
        body: row.body,
        createdAt: row.created_at,
        imported: row.imported,
        departedRecordCount: row.departed_record_count,
      }))
      .sort((a, b) => a.id - b.id);
  }

  /** Every RECORD outbox item not yet final (pending, sent, mined or failed), in record order. */
  async unfinishedRecordItems(): Promise<RecordOutboxState[]> {
    const rows: { record_id: string; state: RecordOutboxState["state"]; created_at: Date; error: OutboxError | null }[] =
      await this.manager.query(
        `SELECT record_id, state, created_at, error FROM outbox
          WHERE kind = 'RECORD' AND state <> 'FINAL' AND record_id IS NOT NULL
          ORDER BY record_id`,
      );
    return rows.map((row) => ({ recordId: Number(row.record_id), state: row.state, createdAt: row.created_at, error: row.error }));
  }

  /**
   * People with more than one active member (the same ID number's blind index): each person's member keys, earliest
   * first. Only members entered before the unique index on active members existed can be found here.
   */
  async peopleWithSeveralActiveMembers(): Promise<string[][]> {
    const rows: { id_number_index: string; member_key: string }[] = await this.manager.query(
      `SELECT id_number_index, member_key FROM members
        WHERE status = 'ACTIVE' AND id_number_index IN (
          SELECT id_number_index FROM members WHERE status = 'ACTIVE' AND id_number_index IS NOT NULL
           GROUP BY id_number_index HAVING count(*) > 1)
        ORDER BY id_number_index, created_at, id`,
    );
    const people = new Map<string, string[]>();
    for (const row of rows) people.set(row.id_number_index, [...(people.get(row.id_number_index) ?? []), row.member_key]);
    return [...people.values()];
  }
}
