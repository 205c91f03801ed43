import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The administrative log's head is checkpointed on chain like the record log (CheckpointLog, log id
 * `adminLogId(orgId)`): each checkpoint this instance writes is kept, so the audit sweep tells its own from one a
 * stray key wrote, and goes out through the outbox as an ADMIN_CHECKPOINT item.
 */
export class AdminLogCheckpoints1764890000000 implements MigrationInterface {
  name = "AdminLogCheckpoints1764890000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE admin_log_checkpoints (
        tree_size  bigint PRIMARY KEY CHECK (tree_size >= 1),
        head       char(66) NOT NULL CHECK (head ~ '^0x[0-9a-f]{64}$'),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      );
      ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
      ALTER TABLE outbox
        ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('RECORD', 'TRANSFER', 'CHECKPOINT', 'ORGANIZATION', 'ADMIN_CHECKPOINT'));
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM outbox WHERE kind = 'ADMIN_CHECKPOINT';
      ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
      ALTER TABLE outbox
        ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('RECORD', 'TRANSFER', 'CHECKPOINT', 'ORGANIZATION'));
      DROP TABLE admin_log_checkpoints;
    `);
  }
}
