import type { EntityManager } from "typeorm";

/** The signed write receipts given for records, as the JSON documents they were issued as. */
export class WriteReceiptsRepository {
  constructor(private readonly manager: EntityManager) {}

  async add(recordId: number, receipt: object): Promise<void> {
    await this.manager.query("INSERT INTO write_receipts (record_id, receipt) VALUES ($1, $2)", [recordId, JSON.stringify(receipt)]);
  }

  /** The receipts of these records, by record id; records issued none are absent. */
  async getMany(recordIds: readonly number[]): Promise<Map<number, unknown>> {
    if (recordIds.length === 0) return new Map();
    const rows: { record_id: string; receipt: unknown }[] = await this.manager.query(
      "SELECT record_id, receipt FROM write_receipts WHERE record_id = ANY($1::bigint[])",
      [recordIds],
    );
    return new Map(rows.map((row) => [Number(row.record_id), typeof row.receipt === "string" ? JSON.parse(row.receipt) : row.receipt]));
  }
}
