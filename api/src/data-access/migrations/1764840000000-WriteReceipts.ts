import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The write receipt each accepted record was given: the instance's signed promise to anchor exactly that record hash
 * at that place of the member's chain. Kept so that the portal shows it beside the record; a copy held by whoever
 * received it is what protects the record, since an insider could rewrite this row too.
 */
export class WriteReceipts1764840000000 implements MigrationInterface {
  name = "WriteReceipts1764840000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE write_receipts (
        record_id bigint PRIMARY KEY REFERENCES records (id),
        receipt   jsonb NOT NULL,
        issued_at timestamptz(3) NOT NULL DEFAULT now()
      );
      -- A promise once given is never taken back or edited, like the record it is about.
      CREATE TRIGGER write_receipts_append_only BEFORE UPDATE OR DELETE ON write_receipts
        FOR EACH ROW EXECUTE FUNCTION refuse_change('write receipts are append-only');
      CREATE TRIGGER write_receipts_no_truncate BEFORE TRUNCATE ON write_receipts
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('write receipts are append-only');
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE write_receipts`);
  }
}
