import type { EntityManager } from "typeorm";

export type ChainTransactionState = "SIGNED" | "MINED" | "FINAL" | "REVERTED" | "REPLACED";

/** A signed transaction, journaled before it is broadcast so that a crash never loses or repeats it. */
export interface ChainTransaction {
  id: number;
  sender: string;
  nonce: number;
  hash: string;
  raw: string;
  state: ChainTransactionState;
  blockNumber: number | null;
  blockHash: string | null;
  createdAt: Date;
  minedAt: Date | null;
}

interface ChainTransactionRow {
  id: string;
  sender: string;
  nonce: string;
  hash: string;
  raw: string;
  state: ChainTransactionState;
  block_number: string | null;
  block_hash: string | null;
  created_at: Date;
  mined_at: Date | null;
}

function toTransaction(row: ChainTransactionRow): ChainTransaction {
  return {
    id: Number(row.id),
    sender: row.sender,
    nonce: Number(row.nonce),
    hash: row.hash,
    raw: row.raw,
    state: row.state,
    blockNumber: row.block_number === null ? null : Number(row.block_number),
    blockHash: row.block_hash,
    createdAt: row.created_at,
    minedAt: row.mined_at,
  };
}

export class ChainTransactionsRepository {
  constructor(private readonly manager: EntityManager) {}

  async insert(transaction: { sender: string; nonce: number; hash: string; raw: string }): Promise<number> {
    const rows: { id: string }[] = await this.manager.query(
      "INSERT INTO chain_transactions (sender, nonce, hash, raw) VALUES ($1, $2, $3, $4) RETURNING id",
      [transaction.sender, transaction.nonce, transaction.hash, transaction.raw],
    );
    return Number(rows[0].id);
  }

  async get(id: number): Promise<ChainTransaction | null> {
    const rows: ChainTransactionRow[] = await this.manager.query("SELECT * FROM chain_transactions WHERE id = $1", [id]);
    return rows[0] ? toTransaction(rows[0]) : null;
  }

  async findByHash(hash: string): Promise<ChainTransaction | null> {
    const rows: ChainTransactionRow[] = await this.manager.query("SELECT * FROM chain_transactions WHERE hash = $1", [hash.toLowerCase()]);
    return rows[0] ? toTransaction(rows[0]) : null;
  }

  /** Which of these transaction hashes this instance journaled: a chain write that is not among them was not its own. */
  async journaledOf(hashes: readonly string[]): Promise<Set<string>> {
    if (hashes.length === 0) return new Set();
    const rows: { hash: string }[] = await this.manager.query("SELECT hash FROM chain_transactions WHERE hash = ANY($1::text[])", [
      hashes.map((hash) => hash.toLowerCase()),
    ]);
    return new Set(rows.map((row) => row.hash));
  }

  /** Another journaled transaction of `sender` that the chain mined with this nonce, if any: proof of a replacement. */
  async minedWithNonce(sender: string, nonce: number, exceptId: number): Promise<ChainTransaction | null> {
    const rows: ChainTransactionRow[] = await this.manager.query(
      "SELECT * FROM chain_transactions WHERE sender = $1 AND nonce = $2 AND id <> $3 AND state IN ('MINED', 'FINAL', 'REVERTED') LIMIT 1",
      [sender, nonce, exceptId],
    );
    return rows[0] ? toTransaction(rows[0]) : null;
  }

  /** Transactions signed but not yet final, in nonce order: what the worker must follow up. */
  async listOpen(): Promise<ChainTransaction[]> {
    const rows: ChainTransactionRow[] = await this.manager.query(
      "SELECT * FROM chain_transactions WHERE state IN ('SIGNED', 'MINED') ORDER BY nonce, id",
    );
    return rows.map(toTransaction);
  }

  /** The next nonce this journal would use for `sender` (the chain may know a higher one). */
  async nextNonce(sender: string): Promise<number> {
    const rows: { next: string }[] = await this.manager.query(
      "SELECT coalesce(max(nonce) + 1, 0) AS next FROM chain_transactions WHERE sender = $1 AND state <> 'REPLACED'",
      [sender],
    );
    return Number(rows[0].next);
  }

  /** Also for a transaction taken for replaced that the chain turns out to hold: it was mined after all. */
  async markMined(id: number, block: { number: number; hash: string }, reverted: boolean): Promise<void> {
    await this.manager.query(
      "UPDATE chain_transactions SET state = $2, block_number = $3, block_hash = $4, mined_at = now() WHERE id = $1 AND state <> 'FINAL'",
      [id, reverted ? "REVERTED" : "MINED", block.number, block.hash],
    );
  }

  async markFinal(id: number): Promise<void> {
    await this.manager.query("UPDATE chain_transactions SET state = 'FINAL' WHERE id = $1 AND state = 'MINED'", [id]);
  }

  /** A mined transaction whose block left the canonical chain: it waits to be mined again. */
  async markUnmined(id: number): Promise<void> {
    await this.manager.query(
      "UPDATE chain_transactions SET state = 'SIGNED', block_number = NULL, block_hash = NULL, mined_at = NULL WHERE id = $1",
      [id],
    );
  }

  /** Its nonce was used by another transaction: it will never be mined. */
  async markReplaced(id: number): Promise<void> {
    await this.manager.query("UPDATE chain_transactions SET state = 'REPLACED' WHERE id = $1 AND state = 'SIGNED'", [id]);
  }

  async list(): Promise<ChainTransaction[]> {
    const rows: ChainTransactionRow[] = await this.manager.query("SELECT * FROM chain_transactions ORDER BY id");
    return rows.map(toTransaction);
  }
}
