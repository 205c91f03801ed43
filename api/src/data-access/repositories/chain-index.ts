import type { EntityManager } from "typeorm";
import type { ChainRoleName } from "../../domain/vocabulary";

export type IndexedContract = "registry" | "transfers";

/** A role the registry grants, as mirrored here (IOrgRegistry.Role by name). */
export type MirroredRole = ChainRoleName;

/** A contract event as the indexer read it from the chain. */
export interface IndexedEvent {
  blockNumber: number;
  logIndex: number;
  blockHash: string;
  transactionHash: string;
  contract: IndexedContract;
  name: string;
  /**
   * Named arguments, JSON-safe: uint → number when it fits Number.MAX_SAFE_INTEGER else decimal string;
   * bytes32/bytes → lowercase 0x hex; address → lowercase; bool → boolean; string → string; enum values (uint8) → number.
   */
  args: Record<string, string | number | boolean>;
}

export interface StoredChainEvent extends IndexedEvent {
  /** What applying it did here ("ignored" when it does not concern this instance). */
  effect: string;
  appliedAt: Date;
}

export interface ChainCursor {
  blockNumber: number;
  blockHash: string;
}

export interface ChainEventsRequest {
  /** Leaves out the events that did not concern this instance. */
  concerningOnly: boolean;
  limit: number;
  /** Only events strictly older than this position (the last one of the previous page). */
  before?: { blockNumber: number; logIndex: number };
}

interface ChainEventRow {
  block_number: string;
  log_index: number;
  block_hash: string;
  transaction_hash: string;
  contract: IndexedContract;
  name: string;
  args: Record<string, string | number | boolean>;
  effect: string;
  applied_at: Date;
}

function toEvent(row: ChainEventRow): StoredChainEvent {
  return {
    blockNumber: Number(row.block_number),
    logIndex: row.log_index,
    blockHash: row.block_hash,
    transactionHash: row.transaction_hash,
    contract: row.contract,
    name: row.name,
    args: row.args,
    effect: row.effect,
    appliedAt: row.applied_at,
  };
}

/** How far this instance followed the chain, the events it applied, and the registry's roles it mirrors. */
export class ChainIndexRepository {
  constructor(private readonly manager: EntityManager) {}

  async cursor(name: string): Promise<ChainCursor | null> {
    const rows: { block_number: string; block_hash: string }[] = await this.manager.query(
      "SELECT block_number, block_hash FROM chain_cursor WHERE name = $1",
      [name],
    );
    return rows[0] ? { blockNumber: Number(rows[0].block_number), blockHash: rows[0].block_hash } : null;
  }

  async advanceCursor(name: string, blockNumber: number, blockHash: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO chain_cursor (name, block_number, block_hash) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET block_number = EXCLUDED.block_number, block_hash = EXCLUDED.block_hash, updated_at = now()`,
      [name, blockNumber, blockHash.toLowerCase()],
    );
  }

  async hasEvent(blockNumber: number, logIndex: number): Promise<boolean> {
    const rows: unknown[] = await this.manager.query("SELECT 1 FROM chain_events WHERE block_number = $1 AND log_index = $2", [
      blockNumber,
      logIndex,
    ]);
    return rows.length > 0;
  }

  async recordEvent(event: IndexedEvent, effect: string): Promise<void> {
    await this.manager.query(
      `INSERT INTO chain_events (block_number, log_index, block_hash, transaction_hash, contract, name, args, effect)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8)`,
      [
        event.blockNumber,
        event.logIndex,
        event.blockHash.toLowerCase(),
        event.transactionHash.toLowerCase(),
        event.contract,
        event.name,
        JSON.stringify(event.args),
        effect,
      ],
    );
  }

  /**
   * For each outbox item given that sent a registry change, the organization its event names, once the indexer has
   * applied that event here (absent until then): the new organization of a registration, the one renamed or closed.
   */
  async mirroredRegistryChanges(outboxIds: number[]): Promise<Map<number, number>> {
    const rows: { outbox_id: string; org_id: string }[] = await this.manager.query(
      `SELECT o.id AS outbox_id, e.args->>'orgId' AS org_id
         FROM outbox o
         JOIN chain_transactions t ON t.id = o.transaction_id
         JOIN chain_events e ON e.transaction_hash = t.hash AND e.contract = 'registry'
          AND e.name IN ('OrganizationRegistered', 'OrganizationRenamed', 'OrganizationClosed')
        WHERE o.id = ANY($1::bigint[])`,
      [outboxIds],
    );
    return new Map(rows.map((row) => [Number(row.outbox_id), Number(row.org_id)]));
  }

  /** Newest first, in chain order reversed. */
  async listEvents(request: ChainEventsRequest): Promise<StoredChainEvent[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (request.concerningOnly) conditions.push("effect <> 'ignored'");
    if (request.before) {
      parameters.push(request.before.blockNumber, request.before.logIndex);
      conditions.push(`(block_number, log_index) < ($${parameters.length - 1}, $${parameters.length})`);
    }
    parameters.push(request.limit);
    const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
    const rows: ChainEventRow[] = await this.manager.query(
      `SELECT * FROM chain_events ${where} ORDER BY block_number DESC, log_index DESC LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map(toEvent);
  }

  async countEvents(): Promise<number> {
    const rows: { count: string }[] = await this.manager.query("SELECT count(*) AS count FROM chain_events");
    return Number(rows[0].count);
  }

  /** Idempotent: granting a role already held changes nothing. */
  async grantRole(orgId: number, account: string, role: MirroredRole): Promise<void> {
    await this.manager.query("INSERT INTO chain_roles (org_id, account, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", [
      orgId,
      account.toLowerCase(),
      role,
    ]);
  }

  async revokeRole(orgId: number, account: string, role: MirroredRole): Promise<void> {
    await this.manager.query("DELETE FROM chain_roles WHERE org_id = $1 AND account = $2 AND role = $3", [
      orgId,
      account.toLowerCase(),
      role,
    ]);
  }

  async rolesOf(account: string): Promise<{ orgId: number; role: MirroredRole }[]> {
    const rows: { org_id: string; role: MirroredRole }[] = await this.manager.query(
      "SELECT org_id, role FROM chain_roles WHERE account = $1 ORDER BY org_id, role",
      [account.toLowerCase()],
    );
    return rows.map((row) => ({ orgId: Number(row.org_id), role: row.role }));
  }
}
