import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Whether the registry has closed an organization (OrgRegistry.OrganizationClosed, mirrored by the event indexer): a
 * closed branch stays in the tree, with its history, but is offered for nothing new.
 */
export class ClosedOrganizations1764900000000 implements MigrationInterface {
  name = "ClosedOrganizations1764900000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE organizations ADD COLUMN closed boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE organizations DROP COLUMN closed`);
  }
}
