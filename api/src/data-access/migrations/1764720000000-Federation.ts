import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Two institutions meeting on the chain. The event indexer's cursor and the events it applied (one row per chain log,
 * applied in the transaction that advances the cursor, so a restart neither misses nor repeats one); the roles the
 * registry grants, mirrored; transfers this instance did not issue (incoming, created by the indexer); the member
 * files received for them; and the provenance of records imported with an accepted transfer.
 */
export class Federation1764720000000 implements MigrationInterface {
  name = "Federation1764720000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE chain_cursor (
        name         text PRIMARY KEY,
        block_number bigint NOT NULL CHECK (block_number >= 0),
        block_hash   char(66) NOT NULL,
        updated_at   timestamptz(3) NOT NULL DEFAULT now()
      );

      CREATE TABLE chain_events (
        block_number     bigint NOT NULL,
        log_index        integer NOT NULL,
        block_hash       char(66) NOT NULL,
        transaction_hash char(66) NOT NULL,
        contract         text NOT NULL CHECK (contract IN ('registry', 'transfers')),
        name             text NOT NULL,
        args             jsonb NOT NULL,
        -- What applying it did here ('ignored' when it does not concern this instance).
        effect           text NOT NULL,
        applied_at       timestamptz(3) NOT NULL DEFAULT now(),
        PRIMARY KEY (block_number, log_index)
      );
      CREATE INDEX chain_events_concerning ON chain_events (block_number DESC, log_index DESC) WHERE effect <> 'ignored';

      CREATE TABLE chain_roles (
        org_id  bigint NOT NULL REFERENCES organizations (id),
        account char(42) NOT NULL CHECK (account ~ '^0x[0-9a-f]{40}$'),
        role    text NOT NULL CHECK (role IN ('ORG_ADMIN', 'ATTESTER')),
        PRIMARY KEY (org_id, account, role)
      );
      CREATE INDEX chain_roles_account ON chain_roles (account, role);

      ALTER TABLE organizations ADD COLUMN service_endpoint text;

      -- An incoming transfer is created by the indexer from the chain: no account issued it here.
      ALTER TABLE transfers ALTER COLUMN created_by DROP NOT NULL;
      ALTER TABLE transfers ADD COLUMN issued_here boolean NOT NULL DEFAULT true;
      ALTER TABLE transfers ADD CONSTRAINT transfers_issuer_known CHECK (NOT issued_here OR created_by IS NOT NULL);

      -- Set when the member leaves through an accepted transfer: how many of its chain's records are this
      -- institution's (the rest were written by the destination afterwards).
      ALTER TABLE members ADD COLUMN departed_record_count integer CHECK (departed_record_count >= 0);

      CREATE TABLE incoming_files (
        transfer_id  char(66) PRIMARY KEY REFERENCES transfers (id),
        state        text NOT NULL DEFAULT 'WAITING' CHECK (state IN ('WAITING', 'RECEIVED')),
        received_via text CHECK (received_via IN ('FETCH', 'PACKAGE')),
        -- The member file, encrypted: it holds the member's personal data.
        content      bytea,
        attempts     integer NOT NULL DEFAULT 0,
        last_error   text,
        next_attempt_at timestamptz(3) NOT NULL DEFAULT now(),
        received_at  timestamptz(3),
        CONSTRAINT incoming_files_received_has_content CHECK ((state = 'RECEIVED') = (content IS NOT NULL AND received_via IS NOT NULL))
      );
      CREATE INDEX incoming_files_waiting ON incoming_files (next_attempt_at) WHERE state = 'WAITING';

      CREATE TABLE record_imports (
        record_id               bigint PRIMARY KEY REFERENCES records (id),
        transfer_id             char(66) NOT NULL REFERENCES transfers (id),
        source_log_id           bigint NOT NULL,
        source_record_id        bigint NOT NULL,
        anchor_transaction_hash char(66) NOT NULL,
        anchor_block_number     bigint NOT NULL
      );
      CREATE TRIGGER record_imports_append_only BEFORE UPDATE OR DELETE ON record_imports
        FOR EACH ROW EXECUTE FUNCTION refuse_change('record_imports are append-only');
      CREATE TRIGGER record_imports_no_truncate BEFORE TRUNCATE ON record_imports
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('record_imports are append-only');
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE record_imports, incoming_files, chain_roles, chain_events, chain_cursor;
      ALTER TABLE members DROP COLUMN departed_record_count;
      ALTER TABLE transfers DROP CONSTRAINT transfers_issuer_known;
      ALTER TABLE transfers DROP COLUMN issued_here;
      ALTER TABLE transfers ALTER COLUMN created_by SET NOT NULL;
      ALTER TABLE organizations DROP COLUMN service_endpoint;
    `);
  }
}
