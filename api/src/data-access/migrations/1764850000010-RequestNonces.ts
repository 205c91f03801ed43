import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The nonces of the member-file requests this instance has answered, each kept until its request could no longer be
 * accepted anyway: a replayed request is refused even by another process of the instance or after a restart.
 */
export class RequestNonces1764850000010 implements MigrationInterface {
  name = "RequestNonces1764850000010";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE request_nonces (
        nonce      char(66) PRIMARY KEY CHECK (nonce ~ '^0x[0-9a-f]{64}$'),
        expires_at timestamptz(3) NOT NULL
      );
      CREATE INDEX request_nonces_expiry ON request_nonces (expires_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE request_nonces`);
  }
}
