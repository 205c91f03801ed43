import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Transfers settle on the chain first: an incoming transfer the destination accepted is ACCEPTING (its reviewed file
 * held, nothing imported) until the chain's acceptance is final. It stays the member's one open transfer meanwhile;
 * the account that accepted it is kept for the import, and the chain's refusal, if it comes, for the clerk.
 */
export class AcceptingTransfers1764830000000 implements MigrationInterface {
  name = "AcceptingTransfers1764830000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE transfers DROP CONSTRAINT transfers_state_check;
      ALTER TABLE transfers ADD CONSTRAINT transfers_state_check
        CHECK (state IN ('ISSUED', 'ACCEPTING', 'ACCEPTED', 'REJECTED', 'CANCELLED', 'EXPIRED'));
      DROP INDEX transfers_one_open_per_member;
      CREATE UNIQUE INDEX transfers_one_open_per_member ON transfers (member_key) WHERE state IN ('ISSUED', 'ACCEPTING');
      ALTER TABLE transfers ADD COLUMN accepted_by uuid REFERENCES accounts (id);
      ALTER TABLE transfers ADD COLUMN acceptance_refusal jsonb;
      ALTER TABLE transfers ADD CONSTRAINT transfers_accepting_has_acceptor CHECK (state <> 'ACCEPTING' OR accepted_by IS NOT NULL);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE transfers DROP CONSTRAINT transfers_accepting_has_acceptor;
      ALTER TABLE transfers DROP COLUMN acceptance_refusal;
      ALTER TABLE transfers DROP COLUMN accepted_by;
      DROP INDEX transfers_one_open_per_member;
      CREATE UNIQUE INDEX transfers_one_open_per_member ON transfers (member_key) WHERE state = 'ISSUED';
      ALTER TABLE transfers DROP CONSTRAINT transfers_state_check;
      ALTER TABLE transfers ADD CONSTRAINT transfers_state_check
        CHECK (state IN ('ISSUED', 'ACCEPTED', 'REJECTED', 'CANCELLED', 'EXPIRED'));
    `);
  }
}
