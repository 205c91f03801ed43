import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The versions a correction of a member's personal data replaced, sealed as they were (to the member and the
 * organization that held them, named by org_id), with who replaced them, when and why. Kept beside the members table
 * rather than in the audit log, which is append-only for good and must never hold personal data, even sealed.
 */
export class PersonalDataHistory1764930000000 implements MigrationInterface {
  name = "PersonalDataHistory1764930000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE personal_data_history (
        id             bigserial PRIMARY KEY,
        member_id      uuid NOT NULL REFERENCES members (id),
        org_id         integer NOT NULL,
        personal_data  bytea NOT NULL,
        reason_code    text NOT NULL,
        replaced_by    uuid NOT NULL REFERENCES accounts (id),
        replaced_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX personal_data_history_member ON personal_data_history (member_id, id);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP TABLE personal_data_history");
  }
}
