import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Keyed search tokens beside each member's sealed personal data, so a clerk finds a member by name or by 学号/工号
 * in one indexed query instead of opening every member of the subtree: the staff number's blind index, and one token
 * per prefix of the normalized name (its first character, its first two, … the whole name). Both are HMACs under the
 * instance's blind index key, never the plain value. Rows written before this migration have no name tokens (NULL);
 * the instance fills them at start, since only it holds the keys (api/src/domain/member-search.ts).
 */
export class MemberSearchTokens1764920000000 implements MigrationInterface {
  name = "MemberSearchTokens1764920000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE members
        ADD COLUMN staff_number_index text,
        ADD COLUMN name_tokens        text[];
      CREATE INDEX members_staff_number_index ON members (staff_number_index) WHERE staff_number_index IS NOT NULL;
      CREATE INDEX members_name_tokens ON members USING gin (name_tokens);
      CREATE INDEX members_unindexed ON members (id) WHERE name_tokens IS NULL;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX members_unindexed;
      DROP INDEX members_name_tokens;
      DROP INDEX members_staff_number_index;
      ALTER TABLE members DROP COLUMN staff_number_index, DROP COLUMN name_tokens;
    `);
  }
}
