import type { EntityManager } from "typeorm";

/** A checkpoint of the administrative log this instance wrote: the hash of its entry number `treeSize`. */
export interface AdminLogCheckpoint {
  treeSize: number;
  head: string;
}

/** The administrative log's checkpoints as this instance queued them for the chain, oldest first. */
export class AdminLogCheckpointsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** False when a checkpoint of this size is there already: another caller queued the same one first. */
  async append(checkpoint: AdminLogCheckpoint): Promise<boolean> {
    const inserted: unknown[] = await this.manager.query(
      "INSERT INTO admin_log_checkpoints (tree_size, head) VALUES ($1, $2) ON CONFLICT (tree_size) DO NOTHING RETURNING tree_size",
      [checkpoint.treeSize, checkpoint.head],
    );
    return inserted.length === 1;
  }

  async latest(): Promise<AdminLogCheckpoint | null> {
    return (await this.select("ORDER BY tree_size DESC LIMIT 1"))[0] ?? null;
  }

  async list(): Promise<AdminLogCheckpoint[]> {
    return this.select("ORDER BY tree_size");
  }

  private async select(order: string): Promise<AdminLogCheckpoint[]> {
    const rows: { tree_size: string; head: string }[] = await this.manager.query(
      `SELECT tree_size, head FROM admin_log_checkpoints ${order}`,
    );
    return rows.map((row) => ({ treeSize: Number(row.tree_size), head: row.head }));
  }
}
