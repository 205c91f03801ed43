import type { EntityManager } from "typeorm";
import type { OutboxState } from "./outbox";

/** A checkpoint of the institution's log, with how far its anchoring got. */
export interface StoredCheckpoint {
  treeSize: number;
  root: string;
  createdAt: Date;
  state: OutboxState;
  transactionHash: string | null;
  blockNumber: number | null;
}

interface CheckpointRow {
  tree_size: string;
  root: string;
  created_at: Date;
  state: OutboxState;
  hash: string | null;
  block_number: string | null;
}

const SELECT = `
  SELECT c.tree_size, c.root, c.created_at, o.state, t.hash, t.block_number
    FROM checkpoints c
    JOIN outbox o ON o.tree_size = c.tree_size AND o.kind = 'CHECKPOINT'
    LEFT JOIN chain_transactions t ON t.id = o.transaction_id`;

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  return {
    treeSize: Number(row.tree_size),
    root: row.root,
    createdAt: row.created_at,
    state: row.state,
    transactionHash: row.hash,
    blockNumber: row.block_number === null ? null : Number(row.block_number),
  };
}

export class CheckpointsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** False when a checkpoint of this size is there already: another caller queued the same one first. */
  async append(treeSize: number, root: string): Promise<boolean> {
    const inserted: unknown[] = await this.manager.query(
      "INSERT INTO checkpoints (tree_size, root) VALUES ($1, $2) ON CONFLICT (tree_size) DO NOTHING RETURNING tree_size",
      [treeSize, root],
    );
    return inserted.length === 1;
  }

  async latest(): Promise<StoredCheckpoint | null> {
    const rows: CheckpointRow[] = await this.manager.query(`${SELECT} ORDER BY c.tree_size DESC LIMIT 1`);
    return rows[0] ? toCheckpoint(rows[0]) : null;
  }

  /** The smallest final checkpoint covering log position `treeSize`, or the latest final one if `treeSize` is omitted. */
  async finalCovering(treeSize?: number): Promise<StoredCheckpoint | null> {
    const rows: CheckpointRow[] =
      treeSize === undefined
        ? await this.manager.query(`${SELECT} WHERE o.state = 'FINAL' ORDER BY c.tree_size DESC LIMIT 1`)
        : await this.manager.query(`${SELECT} WHERE o.state = 'FINAL' AND c.tree_size >= $1 ORDER BY c.tree_size LIMIT 1`, [treeSize]);
    return rows[0] ? toCheckpoint(rows[0]) : null;
  }

  async list(): Promise<StoredCheckpoint[]> {
    const rows: CheckpointRow[] = await this.manager.query(`${SELECT} ORDER BY c.tree_size`);
    return rows.map(toCheckpoint);
  }
}
