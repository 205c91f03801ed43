import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * What a printed letter carries beside its transfer id: the 15-digit 编号 the transfer id is computed from, the holder
 * salt (核验码) printed on the paper, and the salted commitment to the holder's name and ID digits that the letter's
 * hash covers. Null for transfers issued elsewhere, and for letters issued before letters had numbers.
 */
export class LetterNumber1764870000000 implements MigrationInterface {
  name = "LetterNumber1764870000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE transfers
        ADD COLUMN letter_number char(15) CHECK (letter_number ~ '^[0-9]{15}$'),
        ADD COLUMN holder_salt char(12) CHECK (holder_salt ~ '^[0-9]{12}$'),
        ADD COLUMN holder_hash char(66) CHECK (holder_hash ~ '^0x[0-9a-f]{64}$');
      CREATE UNIQUE INDEX transfers_letter_number ON transfers (letter_number);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX transfers_letter_number;
      ALTER TABLE transfers DROP COLUMN letter_number, DROP COLUMN holder_salt, DROP COLUMN holder_hash;
    `);
  }
}
