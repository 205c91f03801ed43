import type { EntityManager } from "typeorm";

/** Where an imported record came from: the transfer, the source's log position, and the source's anchoring transaction. */
export interface RecordImport {
  recordId: number;
  transferId: string;
  sourceLogId: number;
  sourceRecordId: number;
  anchorTransactionHash: string;
  anchorBlockNumber: number;
}

interface RecordImportRow {
  record_id: string;
  transfer_id: string;
  source_log_id: string;
  source_record_id: string;
  anchor_transaction_hash: string;
  anchor_block_number: string;
}

export class RecordImportsRepository {
  constructor(private readonly manager: EntityManager) {}

  async add(entry: RecordImport): Promise<void> {
    await this.manager.query(
      `INSERT INTO record_imports (record_id, transfer_id, source_log_id, source_record_id, anchor_transaction_hash, anchor_block_number)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [entry.recordId, entry.transferId, entry.sourceLogId, entry.sourceRecordId, entry.anchorTransactionHash, entry.anchorBlockNumber],
    );
  }

  async ofRecords(recordIds: number[]): Promise<Map<number, RecordImport>> {
    const rows: RecordImportRow[] = await this.manager.query("SELECT * FROM record_imports WHERE record_id = ANY($1::bigint[])", [
      recordIds,
    ]);
    return new Map(
      rows.map((row) => [
        Number(row.record_id),
        {
          recordId: Number(row.record_id),
          transferId: row.transfer_id,
          sourceLogId: Number(row.source_log_id),
          sourceRecordId: Number(row.source_record_id),
          anchorTransactionHash: row.anchor_transaction_hash,
          anchorBlockNumber: Number(row.anchor_block_number),
        },
      ]),
    );
  }
}
