import type { EntityManager } from "typeorm";

/** The member file of an incoming transfer: waiting to be fetched from the source's instance, or received. */
export interface IncomingFile {
  transferId: string;
  state: "WAITING" | "RECEIVED";
  receivedVia: "FETCH" | "PACKAGE" | null;
  /** Encrypted member file (it holds personal data). */
  content: Uint8Array | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  receivedAt: Date | null;
}

interface IncomingFileRow {
  transfer_id: string;
  state: IncomingFile["state"];
  received_via: IncomingFile["receivedVia"];
  content: Buffer | null;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date;
  received_at: Date | null;
}

function toFile(row: IncomingFileRow): IncomingFile {
  return {
    transferId: row.transfer_id,
    state: row.state,
    receivedVia: row.received_via,
    content: row.content,
    attempts: row.attempts,
    lastError: row.last_error,
    nextAttemptAt: row.next_attempt_at,
    receivedAt: row.received_at,
  };
}

export class IncomingFilesRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Registers the transfer's file as awaited (nothing if it is already known). */
  async expect(transferId: string): Promise<void> {
    await this.manager.query("INSERT INTO incoming_files (transfer_id) VALUES ($1) ON CONFLICT DO NOTHING", [transferId]);
  }

  async get(transferId: string): Promise<IncomingFile | null> {
    const rows: IncomingFileRow[] = await this.manager.query("SELECT * FROM incoming_files WHERE transfer_id = $1", [transferId]);
    return rows[0] ? toFile(rows[0]) : null;
  }

  /** Files still waiting whose next attempt is due, of transfers still open, oldest first. */
  async due(now: Date, limit: number): Promise<IncomingFile[]> {
    const rows: IncomingFileRow[] = await this.manager.query(
      `SELECT f.* FROM incoming_files f JOIN transfers t ON t.id = f.transfer_id
        WHERE f.state = 'WAITING' AND f.next_attempt_at <= $1 AND t.state = 'ISSUED' AND t.valid_until > $1
        ORDER BY f.next_attempt_at LIMIT $2`,
      [now, limit],
    );
    return rows.map(toFile);
  }

  async attemptFailed(transferId: string, error: string, nextAttemptAt: Date): Promise<void> {
    await this.manager.query(
      `UPDATE incoming_files SET attempts = attempts + 1, last_error = $2, next_attempt_at = $3
        WHERE transfer_id = $1 AND state = 'WAITING'`,
      [transferId, error, nextAttemptAt],
    );
  }

  /**
   * Stores the received file, replacing an earlier one (a corrected file may be sent again while the transfer is
   * ISSUED). False when the transfer is no longer ISSUED: once accepted, the reviewed file is the one imported.
   */
  async receive(transferId: string, via: "FETCH" | "PACKAGE", content: Uint8Array): Promise<boolean> {
    const rows: unknown[] = await this.manager.query(
      `INSERT INTO incoming_files (transfer_id, state, received_via, content, received_at, last_error)
       SELECT $1, 'RECEIVED', $2, $3, now(), NULL WHERE EXISTS (SELECT 1 FROM transfers WHERE id = $1 AND state = 'ISSUED')
       ON CONFLICT (transfer_id) DO UPDATE
         SET state = 'RECEIVED', received_via = $2, content = $3, received_at = now(), last_error = NULL
       RETURNING transfer_id`,
      [transferId, via, Buffer.from(content)],
    );
    return rows.length > 0;
  }

  /** Sets the file of a transfer whose acceptance the chain refused to be fetched again: the source wrote since. */
  async fetchAgain(transferId: string): Promise<void> {
    await this.manager.query(
      `UPDATE incoming_files SET state = 'WAITING', content = NULL, received_via = NULL, received_at = NULL,
              attempts = 0, last_error = NULL, next_attempt_at = now()
        WHERE transfer_id = $1`,
      [transferId],
    );
  }
}
