import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Which organizations hold an evidence file: the one whose account uploaded it, and those whose members' records name
 * it (written with the record). A file is served only within the subtree of an organization holding it, so knowing a
 * file's SHA-256 no longer reads another organization's file. Files stored before this hold their uploader's
 * organization; the records naming them are sealed, so older records add their holders when next written.
 */
export class EvidenceHolders1764850000000 implements MigrationInterface {
  name = "EvidenceHolders1764850000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE evidence_holders (
        sha256 char(66) NOT NULL,
        org_id bigint NOT NULL REFERENCES organizations (id),
        PRIMARY KEY (sha256, org_id)
      );
      INSERT INTO evidence_holders (sha256, org_id)
        SELECT evidence.sha256, accounts.org_id FROM evidence JOIN accounts ON accounts.id = evidence.uploaded_by
        ON CONFLICT DO NOTHING;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE evidence_holders`);
  }
}
