import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The administrative log becomes hash-chained: each entry carries the hash of its content and of the previous
 * entry's hash (docs/formats.md, "Administrative log"), so the audit sweep names an entry edited, removed or slipped in.
 * Entries written before this migration keep no hash; the chain starts at the first entry after it.
 */
export class AuditLogChain1764880000000 implements MigrationInterface {
  name = "AuditLogChain1764880000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE audit_log
        ADD COLUMN prev_hash  char(66) CHECK (prev_hash ~ '^0x[0-9a-f]{64}$'),
        ADD COLUMN entry_hash char(66) CHECK (entry_hash ~ '^0x[0-9a-f]{64}$');
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_log DROP COLUMN prev_hash, DROP COLUMN entry_hash;`);
  }
}
