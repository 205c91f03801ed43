import type { EntityManager } from "typeorm";

export type OutboxKind = "RECORD" | "TRANSFER" | "CHECKPOINT";
export type OutboxContract = "membership" | "transfers" | "checkpoints";
export type OutboxState = "PENDING" | "SENT" | "MINED" | "FINAL" | "FAILED";

/** A contract call as data: `args` in the order of the function's ABI, JSON-safe (bytes32 as hex, integers as numbers). */
export interface ChainCall {
  contract: OutboxContract;
  method: string;
  args: unknown[];
}

/** Why the chain refused a write: the custom error's name and arguments, as shown to the user. */
export interface OutboxError {
  name: string;
  args: unknown[];
  message: string;
}

export interface RecordAnchor {
  state: OutboxState;
  error: OutboxError | null;
  transactionHash: string | null;
  blockNumber: number | null;
}

export interface NewOutboxItem {
  kind: OutboxKind;
  subject: string;
  call: ChainCall;
  recordId?: number;
  transferId?: string;
  treeSize?: number;
}

export interface OutboxItem extends Required<Omit<NewOutboxItem, "recordId" | "transferId" | "treeSize">> {
  id: number;
  recordId: number | null;
  transferId: string | null;
  treeSize: number | null;
  state: OutboxState;
  transactionId: number | null;
  error: OutboxError | null;
  createdAt: Date;
}

interface OutboxRow {
  id: string;
  kind: OutboxKind;
  subject: string;
  contract: OutboxContract;
  method: string;
  args: unknown[];
  record_id: string | null;
  transfer_id: string | null;
  tree_size: string | null;
  state: OutboxState;
  transaction_id: string | null;
  error: OutboxError | null;
  created_at: Date;
}

const nullableNumber = (value: string | null) => (value === null ? null : Number(value));

function toItem(row: OutboxRow): OutboxItem {
  return {
    id: Number(row.id),
    kind: row.kind,
    subject: row.subject,
    call: { contract: row.contract, method: row.method, args: row.args },
    recordId: nullableNumber(row.record_id),
    transferId: row.transfer_id,
    treeSize: nullableNumber(row.tree_size),
    state: row.state,
    transactionId: nullableNumber(row.transaction_id),
    error: row.error,
    createdAt: row.created_at,
  };
}

/** What waits to go to the chain, and how far each item got. */
export class OutboxRepository {
  constructor(private readonly manager: EntityManager) {}

  async enqueue(item: NewOutboxItem): Promise<number> {
    const rows: { id: string }[] = await this.manager.query(
      `INSERT INTO outbox (kind, subject, contract, method, args, record_id, transfer_id, tree_size)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8) RETURNING id`,
      [
        item.kind,
        item.subject,
        item.call.contract,
        item.call.method,
        JSON.stringify(item.call.args),
        item.recordId ?? null,
        item.transferId ?? null,
        item.treeSize ?? null,
      ],
    );
    return Number(rows[0].id);
  }

  async get(id: number): Promise<OutboxItem | null> {
    const rows: OutboxRow[] = await this.manager.query("SELECT * FROM outbox WHERE id = $1", [id]);
    return rows[0] ? toItem(rows[0]) : null;
  }

  /** The oldest items not yet sent, in the order they must reach the chain. */
  async listPending(limit: number): Promise<OutboxItem[]> {
    const rows: OutboxRow[] = await this.manager.query(
      "SELECT * FROM outbox WHERE state = 'PENDING' ORDER BY id LIMIT $1",
      [limit],
    );
    return rows.map(toItem);
  }

  /**
   * Subjects with an item sent but not yet mined: their next item must wait for it. Checkpoints never wait for one
   * another: from one key they are mined in nonce order, and each only has to be larger than the one before.
   */
  async subjectsInFlight(): Promise<Set<string>> {
    const rows: { subject: string }[] = await this.manager.query(
      "SELECT DISTINCT subject FROM outbox WHERE state = 'SENT' AND kind <> 'CHECKPOINT'",
    );
    return new Set(rows.map((row) => row.subject));
  }

  /**
   * The failed item of `subject` older than `beforeId`, if any: later items of that subject cannot succeed. A failed
   * checkpoint blocks nothing: the next, larger one covers its records.
   */
  async failedBefore(subject: string, beforeId: number): Promise<OutboxItem | null> {
    const rows: OutboxRow[] = await this.manager.query(
      "SELECT * FROM outbox WHERE subject = $1 AND id < $2 AND state = 'FAILED' AND kind <> 'CHECKPOINT' ORDER BY id LIMIT 1",
      [subject, beforeId],
    );
    return rows[0] ? toItem(rows[0]) : null;
  }

  async listByTransaction(transactionId: number): Promise<OutboxItem[]> {
    const rows: OutboxRow[] = await this.manager.query("SELECT * FROM outbox WHERE transaction_id = $1 ORDER BY id", [
      transactionId,
    ]);
    return rows.map(toItem);
  }

  async markSent(ids: number[], transactionId: number): Promise<void> {
    await this.manager.query(
      "UPDATE outbox SET state = 'SENT', transaction_id = $2, updated_at = now() WHERE id = ANY($1::bigint[]) AND state = 'PENDING'",
      [ids, transactionId],
    );
  }

  async markFailed(id: number, error: OutboxError): Promise<void> {
    await this.manager.query(
      "UPDATE outbox SET state = 'FAILED', error = $2::jsonb, transaction_id = NULL, updated_at = now() WHERE id = $1",
      [id, JSON.stringify(error)],
    );
  }

  /** Moves every item of a transaction to `state`; PENDING also detaches them so they are sent again. */
  async setStateOfTransaction(transactionId: number, state: Exclude<OutboxState, "FAILED">): Promise<void> {
    await this.manager.query(
      `UPDATE outbox SET state = $2, updated_at = now(),
              transaction_id = CASE WHEN $2 = 'PENDING' THEN NULL ELSE transaction_id END
        WHERE transaction_id = $1`,
      [transactionId, state],
    );
  }

  async countByState(): Promise<Record<OutboxState, number>> {
    const rows: { state: OutboxState; count: string }[] = await this.manager.query(
      "SELECT state, count(*) AS count FROM outbox GROUP BY state",
    );
    const counts: Record<OutboxState, number> = { PENDING: 0, SENT: 0, MINED: 0, FINAL: 0, FAILED: 0 };
    for (const row of rows) counts[row.state] = Number(row.count);
    return counts;
  }

  /** The oldest item not final (pending, sent or mined), to measure how far anchoring lags. */
  async oldestUnfinished(): Promise<OutboxItem | null> {
    const rows: OutboxRow[] = await this.manager.query(
      "SELECT * FROM outbox WHERE state IN ('PENDING', 'SENT', 'MINED') ORDER BY id LIMIT 1",
    );
    return rows[0] ? toItem(rows[0]) : null;
  }

  /** How far each record's anchoring got, with the transaction that carried it once sent. */
  async anchorsOfRecords(recordIds: number[]): Promise<Map<number, RecordAnchor>> {
    const rows: { record_id: string; state: OutboxState; error: OutboxError | null; hash: string | null; block_number: string | null }[] =
      await this.manager.query(
        `SELECT o.record_id, o.state, o.error, t.hash, t.block_number
           FROM outbox o LEFT JOIN chain_transactions t ON t.id = o.transaction_id
          WHERE o.record_id = ANY($1::bigint[])`,
        [recordIds],
      );
    return new Map(
      rows.map((row) => [
        Number(row.record_id),
        { state: row.state, error: row.error, transactionHash: row.hash, blockNumber: nullableNumber(row.block_number) },
      ]),
    );
  }

  async listByTransfer(transferId: string): Promise<OutboxItem[]> {
    const rows: OutboxRow[] = await this.manager.query("SELECT * FROM outbox WHERE transfer_id = $1 ORDER BY id", [transferId]);
    return rows.map(toItem);
  }
}
