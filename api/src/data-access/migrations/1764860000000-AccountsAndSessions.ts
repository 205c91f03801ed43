import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Accounts managed in the portal and sessions that live on the server. An account gets a display name and a flag
 * that sends it to change its one-time password before anything else. A session is what a token names: it ends on
 * logout, and is refused once idle longer than the configured timeout, so the server decides every request. The
 * outbox also carries the registry's calls, so a branch the portal adds goes to the chain like any other write.
 */
export class AccountsAndSessions1764860000000 implements MigrationInterface {
  name = "AccountsAndSessions1764860000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE accounts
        ADD COLUMN display_name text NOT NULL DEFAULT '',
        ADD COLUMN must_change_password boolean NOT NULL DEFAULT false;

      CREATE TABLE sessions (
        id           uuid PRIMARY KEY,
        account_id   uuid NOT NULL REFERENCES accounts (id),
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        last_seen_at timestamptz(3) NOT NULL DEFAULT now(),
        ended_at     timestamptz(3)
      );
      CREATE INDEX sessions_open_by_account ON sessions (account_id) WHERE ended_at IS NULL;
      -- An account's history is read by target.
      CREATE INDEX audit_log_target ON audit_log (target_type, target_id, id);

      ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check, DROP CONSTRAINT outbox_contract_check;
      ALTER TABLE outbox
        ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('RECORD', 'TRANSFER', 'CHECKPOINT', 'ORGANIZATION')),
        ADD CONSTRAINT outbox_contract_check CHECK (contract IN ('membership', 'transfers', 'checkpoints', 'registry'));
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check, DROP CONSTRAINT outbox_contract_check;
      ALTER TABLE outbox
        ADD CONSTRAINT outbox_kind_check CHECK (kind IN ('RECORD', 'TRANSFER', 'CHECKPOINT')),
        ADD CONSTRAINT outbox_contract_check CHECK (contract IN ('membership', 'transfers', 'checkpoints'));
      DROP INDEX audit_log_target;
      DROP TABLE sessions;
      ALTER TABLE accounts DROP COLUMN display_name, DROP COLUMN must_change_password;
    `);
  }
}
