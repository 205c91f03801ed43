import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * One active member per person: a unique index on the ID number's blind index over the active members. Checking for a
 * duplicate before the insert let concurrent enrollments of one person all pass; the index is the authority.
 *
 * A database may already hold duplicates from before. The migration must not fail on them, and must not pick which
 * file of a person is the true one (that is a clerk's decision, with the audit sweep's report in hand): every active
 * member but the earliest of its person is marked `duplicate_of` that earliest one and left out of the index. The
 * audit sweep reports every person with more than one active member, marked or not.
 */
export class UniqueActivePerson1764820000000 implements MigrationInterface {
  name = "UniqueActivePerson1764820000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE members ADD COLUMN duplicate_of uuid REFERENCES members (id);
      WITH active AS (
        SELECT id, first_value(id) OVER (PARTITION BY id_number_index ORDER BY created_at, id) AS earliest
        FROM members WHERE status = 'ACTIVE' AND id_number_index IS NOT NULL
      )
      UPDATE members SET duplicate_of = active.earliest FROM active WHERE members.id = active.id AND active.earliest <> active.id;
      CREATE UNIQUE INDEX members_active_id_number ON members (id_number_index) WHERE status = 'ACTIVE' AND duplicate_of IS NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX members_active_id_number;
      ALTER TABLE members DROP COLUMN duplicate_of;
    `);
  }
}
