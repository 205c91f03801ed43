import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import { createDataSource } from "./data-source";
import { createRepositories, type Repositories } from "./repositories";
import { ROLES } from "../domain/vocabulary";
import type { Account, Organization } from "./types";

/**
 * Test support for any tier that needs a database: a migrated database of its own, independent of leftovers.
 * With a PostgreSQL URL, a fresh uniquely named schema that `close` drops; without one, an in-memory PGlite.
 */
export interface ScratchDatabase {
  dataSource: DataSource;
  repositories: Repositories;
  close(): Promise<void>;
}

export async function openScratchDatabase(databaseUrl: string | undefined): Promise<ScratchDatabase> {
  const schema = databaseUrl ? `scratch_${randomBytes(6).toString("hex")}` : undefined;
  const dataSource = await createDataSource({ databaseUrl, schema });
  return {
    dataSource,
    repositories: createRepositories(dataSource.manager),
    async close() {
      if (schema) await dataSource.query(`DROP SCHEMA ${schema} CASCADE`);
      await dataSource.destroy();
    },
  };
}

/** The organization ids of test/helpers/fixture.ts's deployConsortium. */
export const ORG_IDS = {
  consortium: 1,
  committeeA: 2,
  generalBranchA: 3,
  branchA: 4,
  committeeB: 5,
  branchB: 6,
} as const;

/** Mirrors deployConsortium's organization tree (universities A and B) into the database. */
export async function seedConsortium(repositories: Repositories): Promise<Organization[]> {
  const registered: Omit<Organization, "serviceEndpoint" | "closed">[] = [
    { id: ORG_IDS.consortium, parentId: null, kind: "CONSORTIUM", name: "高校党建联盟", mayApprove: false },
    { id: ORG_IDS.committeeA, parentId: ORG_IDS.consortium, kind: "COMMITTEE", name: "甲大学党委", mayApprove: true },
    {
      id: ORG_IDS.generalBranchA,
      parentId: ORG_IDS.committeeA,
      kind: "GENERAL_BRANCH",
      name: "计算机学院党总支",
      mayApprove: false,
    },
    {
      id: ORG_IDS.branchA,
      parentId: ORG_IDS.generalBranchA,
      kind: "BRANCH",
      name: "计算机学院本科生第一党支部",
      mayApprove: false,
    },
    { id: ORG_IDS.committeeB, parentId: ORG_IDS.consortium, kind: "COMMITTEE", name: "乙大学党委", mayApprove: true },
    { id: ORG_IDS.branchB, parentId: ORG_IDS.committeeB, kind: "BRANCH", name: "数学学院党支部", mayApprove: false },
  ];
  const organizations: Organization[] = [];
  for (const organization of registered) organizations.push(await repositories.organizations.upsertFromChain(organization));
  return organizations;
}

/** A clerk of `orgId` with a unique username, to be the author of test rows. */
export async function createClerk(repositories: Repositories, orgId: number): Promise<Account> {
  return repositories.accounts.create({
    username: `clerk-${randomBytes(4).toString("hex")}`,
    passwordHash: "$argon2id$test-only",
    role: ROLES.clerk,
    orgId,
  });
}

/** A random 32-byte value as lowercase 0x-hex: member keys, record hashes, transfer ids. */
export function randomHex32(): string {
  return `0x${randomBytes(32).toString("hex")}`;
}

/** The error `promise` rejects with; fails when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}
