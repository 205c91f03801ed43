import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Each member's most pressing next step, derived from its records by the rules engine and kept beside the member so
 * that the dashboard counts the overdue in one indexed query instead of replaying every member's history per call.
 * It is a cache, never a fact: it names the rule set and the member's last record sequence it was derived from, and
 * a row whose basis is not the member's current head under the current rules is derived again before it is read.
 * Its content is sealed under that basis, so an edit that keeps the basis but changes the date does not open; the
 * audit sweep names such a row. Rows start empty and are derived on first read.
 */
export class MemberNextDue1764910000000 implements MigrationInterface {
  name = "MemberNextDue1764910000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE members
        ADD COLUMN next_due_on       date,
        ADD COLUMN next_due_sealed   text,
        ADD COLUMN next_due_rules    char(66),
        ADD COLUMN next_due_sequence integer;
      CREATE INDEX members_active_due ON members (org_id, stage, next_due_on) WHERE status = 'ACTIVE';
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX members_active_due;
      ALTER TABLE members DROP COLUMN next_due_on, DROP COLUMN next_due_sealed, DROP COLUMN next_due_rules, DROP COLUMN next_due_sequence;
    `);
  }
}
