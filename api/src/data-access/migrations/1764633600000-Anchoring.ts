import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The anchoring outbox. Every write that needs the chain enqueues its contract call here in the transaction that
 * stores the write; the worker journals each signed transaction before broadcasting it, so a crash at any point
 * leaves either nothing sent or a transaction it can find again by hash.
 */
export class Anchoring1764633600000 implements MigrationInterface {
  name = "Anchoring1764633600000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE chain_transactions (
        id           bigserial PRIMARY KEY,
        sender       char(42) NOT NULL CHECK (sender ~ '^0x[0-9a-fA-F]{40}$'),
        nonce        bigint NOT NULL CHECK (nonce >= 0),
        hash         char(66) NOT NULL CONSTRAINT chain_transactions_hash_unique UNIQUE CHECK (hash ~ '^0x[0-9a-f]{64}$'),
        raw          text NOT NULL,
        state        text NOT NULL DEFAULT 'SIGNED' CHECK (state IN ('SIGNED', 'MINED', 'FINAL', 'REVERTED', 'REPLACED')),
        block_number bigint,
        block_hash   char(66),
        created_at   timestamptz(3) NOT NULL DEFAULT now(),
        mined_at     timestamptz(3),
        CONSTRAINT chain_transactions_mined_has_block CHECK ((state IN ('SIGNED', 'REPLACED')) = (block_number IS NULL))
      );
      CREATE INDEX chain_transactions_open ON chain_transactions (state, nonce) WHERE state IN ('SIGNED', 'MINED');

      CREATE TABLE checkpoints (
        tree_size  bigint PRIMARY KEY CHECK (tree_size >= 1),
        root       char(66) NOT NULL CHECK (root ~ '^0x[0-9a-f]{64}$'),
        created_at timestamptz(3) NOT NULL DEFAULT now()
      );

      CREATE TABLE outbox (
        id             bigserial PRIMARY KEY,
        kind           text NOT NULL CHECK (kind IN ('RECORD', 'TRANSFER', 'CHECKPOINT')),
        -- Items of one subject (a member key, or 'log:<id>') go to the chain one after another, in id order.
        subject        text NOT NULL,
        contract       text NOT NULL CHECK (contract IN ('membership', 'transfers', 'checkpoints')),
        method         text NOT NULL,
        args           jsonb NOT NULL,
        record_id      bigint REFERENCES records (id),
        transfer_id    char(66) REFERENCES transfers (id),
        tree_size      bigint REFERENCES checkpoints (tree_size),
        state          text NOT NULL DEFAULT 'PENDING' CHECK (state IN ('PENDING', 'SENT', 'MINED', 'FINAL', 'FAILED')),
        transaction_id bigint REFERENCES chain_transactions (id),
        error          jsonb,
        created_at     timestamptz(3) NOT NULL DEFAULT now(),
        updated_at     timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT outbox_sent_has_transaction CHECK ((state IN ('PENDING', 'FAILED')) = (transaction_id IS NULL)),
        CONSTRAINT outbox_failed_has_error CHECK ((state = 'FAILED') = (error IS NOT NULL))
      );
      CREATE UNIQUE INDEX outbox_one_per_record ON outbox (record_id) WHERE record_id IS NOT NULL;
      CREATE INDEX outbox_open ON outbox (id) WHERE state IN ('PENDING', 'SENT', 'MINED');
      CREATE INDEX outbox_subject ON outbox (subject, id);
      CREATE INDEX outbox_transaction ON outbox (transaction_id);
      CREATE INDEX outbox_transfer ON outbox (transfer_id) WHERE transfer_id IS NOT NULL;

      -- Checkpoints are facts once written: a later one grows the log, none is ever edited.
      CREATE TRIGGER checkpoints_append_only BEFORE UPDATE OR DELETE ON checkpoints
        FOR EACH ROW EXECUTE FUNCTION refuse_change('checkpoints are append-only');
      CREATE TRIGGER checkpoints_no_truncate BEFORE TRUNCATE ON checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('checkpoints are append-only');
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE outbox, checkpoints, chain_transactions;`);
  }
}
