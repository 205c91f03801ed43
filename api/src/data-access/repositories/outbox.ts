import type { EntityManager } from "typeorm";
import type { ChainRefusal } from "../types";
import { subtreeIdsSql } from "./shared";

export type OutboxKind = "RECORD" | "TRANSFER" | "CHECKPOINT" | "ADMIN_CHECKPOINT" | "ORGANIZATION";
export type OutboxContract = "membership" | "transfers" | "checkpoints" | "registry";
export type OutboxState = "PENDING" | "SENT" | "MINED" | "FINAL" | "FAILED";

/** A contract call as data: `args` in the order of the function's ABI, JSON-safe (bytes32 as hex, integers as numbers). */
export interface ChainCall {
  contract: OutboxContract;
  method: string;
  args: unknown[];
}

/** Why the chain refused a write: the custom error's name and arguments, as shown to the user. */
export type OutboxError = ChainRefusal;

export interface RecordAnchor {
  state: OutboxState;
  error: OutboxError | null;
  transactionHash: string | null;
  blockNumber: number | null;
}

/** A failed item as an organization's administrator sees it: the write, whose it is, and the chain's reason. */
export interface FailedWrite {
  outboxId: number;
  kind: OutboxKind;
  method: string;
  error: OutboxError;
  recordId: number | null;
  memberId: string | null;
  transferId: string | null;
  createdAt: Date;
  failedAt: Date;
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
    const rows: OutboxRow[] = await this.manager.query("SELECT * FROM outbox WHERE state = 'PENDING' ORDER BY id LIMIT $1", [limit]);
    return rows.map(toItem);
  }

  /**
   * Subjects with an item sent but not yet mined: their next item must wait for it. Checkpoints never wait for one
   * another: from one key they are mined in nonce order, and each only has to be larger than the one before.
   */
  async subjectsInFlight(): Promise<Set<string>> {
    const rows: { subject: string }[] = await this.manager.query(
      "SELECT DISTINCT subject FROM outbox WHERE state = 'SENT' AND kind NOT IN ('CHECKPOINT', 'ADMIN_CHECKPOINT')",
    );
    return new Set(rows.map((row) => row.subject));
  }

  /**
   * The failed item of `subject` older than `beforeId`, if any: later items of that subject cannot succeed. A failed
   * checkpoint blocks nothing: the next, larger one covers its records. Nor does a refused acceptance: it changed
   * nothing, here or on chain, and its transfer went back to the clerk, who accepts again or rejects. Nor does a refused
   * organization change: each stands alone, and the admin asks again once the cause (the key's role, say) is fixed.
   */
  async failedBefore(subject: string, beforeId: number): Promise<OutboxItem | null> {
    const rows: OutboxRow[] = await this.manager.query(
      `SELECT * FROM outbox
        WHERE subject = $1 AND id < $2 AND state = 'FAILED' AND kind NOT IN ('CHECKPOINT', 'ADMIN_CHECKPOINT', 'ORGANIZATION')
          AND NOT (kind = 'TRANSFER' AND method = 'accept')
        ORDER BY id LIMIT 1`,
      [subject, beforeId],
    );
    return rows[0] ? toItem(rows[0]) : null;
  }

  async listByTransaction(transactionId: number): Promise<OutboxItem[]> {
    const rows: OutboxRow[] = await this.manager.query("SELECT * FROM outbox WHERE transaction_id = $1 ORDER BY id", [transactionId]);
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

  /** Failed items, oldest first: what the worker re-examines and what an operator is shown. */
  async listFailed(limit: number, afterId = 0): Promise<OutboxItem[]> {
    const rows: OutboxRow[] = await this.manager.query("SELECT * FROM outbox WHERE state = 'FAILED' AND id > $2 ORDER BY id LIMIT $1", [
      limit,
      afterId,
    ]);
    return rows.map(toItem);
  }

  /**
   * Failed items of records and transfers of the organization subtree under `rootOrgId`, oldest first (`outboxId`:
   * that item only). A transfer is the subtree's when it leaves from it or comes to it.
   */
  async listFailedInSubtree(rootOrgId: number, limit: number, outboxId?: number): Promise<FailedWrite[]> {
    const rows: {
      id: string;
      kind: OutboxKind;
      method: string;
      error: OutboxError;
      record_id: string | null;
      member_id: string | null;
      transfer_id: string | null;
      created_at: Date;
      updated_at: Date;
    }[] = await this.manager.query(
      `WITH scope AS (${subtreeIdsSql("$1")})
       SELECT o.id, o.kind, o.method, o.error, o.record_id, r.member_id, o.transfer_id, o.created_at, o.updated_at
         FROM outbox o
         LEFT JOIN records r ON r.id = o.record_id
         LEFT JOIN members m ON m.id = r.member_id
         LEFT JOIN transfers t ON t.id = o.transfer_id
        WHERE o.state = 'FAILED' AND ($3::bigint IS NULL OR o.id = $3)
          AND (m.org_id IN (SELECT id FROM scope) OR t.from_org_id IN (SELECT id FROM scope) OR t.to_org_id IN (SELECT id FROM scope))
        ORDER BY o.id LIMIT $2`,
      [rootOrgId, limit, outboxId ?? null],
    );
    return rows.map((row) => ({
      outboxId: Number(row.id),
      kind: row.kind,
      method: row.method,
      error: row.error,
      recordId: nullableNumber(row.record_id),
      memberId: row.member_id,
      transferId: row.transfer_id,
      createdAt: row.created_at,
      failedAt: row.updated_at,
    }));
  }

  /**
   * Sends failed items again: each goes back to PENDING with its error cleared, and so do the later items of its
   * subject that failed only because it had. Returns the ids re-queued.
   */
  async requeue(ids: number[]): Promise<number[]> {
    // A SELECT over the update, so that the driver answers rows (an UPDATE answers rows and a count).
    const rows: { id: string }[] = await this.manager.query(
      `WITH requeued AS (
         UPDATE outbox o SET state = 'PENDING', error = NULL, transaction_id = NULL, updated_at = now()
           FROM outbox f
          WHERE f.id = ANY($1::bigint[]) AND f.state = 'FAILED'
            AND (o.id = f.id OR (o.subject = f.subject AND o.id > f.id AND o.state = 'FAILED' AND o.error->>'name' = 'BlockedByEarlierFailure'))
         RETURNING o.id
       ) SELECT DISTINCT id FROM requeued ORDER BY id`,
      [ids],
    );
    return rows.map((row) => Number(row.id));
  }

  /** An item whose write the chain already holds: it joins the transaction that made it, in that transaction's state. */
  async attachToTransaction(id: number, transactionId: number, state: "MINED" | "FINAL"): Promise<void> {
    await this.manager.query(
      "UPDATE outbox SET state = $3, transaction_id = $2, error = NULL, updated_at = now() WHERE id = $1 AND state IN ('PENDING', 'FAILED')",
      [id, transactionId, state],
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
        // A member entered from earlier files has one outbox item (registerArchival) for all its archival records,
        // naming the last: the earlier ones share its anchoring.
        `SELECT o.record_id, o.state, o.error, t.hash, t.block_number
           FROM outbox o LEFT JOIN chain_transactions t ON t.id = o.transaction_id
          WHERE o.record_id = ANY($1::bigint[])
         UNION ALL
         SELECT r.id, o.state, o.error, t.hash, t.block_number
           FROM records r
           JOIN members m ON m.id = r.member_id
           JOIN outbox o ON o.subject = m.member_key AND o.method = 'registerArchival'
           LEFT JOIN chain_transactions t ON t.id = o.transaction_id
          WHERE r.id = ANY($1::bigint[]) AND r.id < o.record_id`,
        [recordIds],
      );
    return new Map(
      rows.map((row) => [
        Number(row.record_id),
        { state: row.state, error: row.error, transactionHash: row.hash, blockNumber: nullableNumber(row.block_number) },
      ]),
    );
  }

  /** Every item of one subject, oldest first: e.g. the organizations a committee asked the registry for. */
  async listBySubject(subject: string): Promise<OutboxItem[]> {
    const rows: OutboxRow[] = await this.manager.query("SELECT * FROM outbox WHERE subject = $1 ORDER BY id", [subject]);
    return rows.map(toItem);
  }

  async listByTransfer(transferId: string): Promise<OutboxItem[]> {
    const rows: OutboxRow[] = await this.manager.query("SELECT * FROM outbox WHERE transfer_id = $1 ORDER BY id", [transferId]);
    return rows.map(toItem);
  }
}
