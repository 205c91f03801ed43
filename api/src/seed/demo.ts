// The demo consortium a newcomer sees on first start: two universities on the chain, each served by an instance of its
// own whose database mirrors the chain's organizations, accounts with printed passwords, and at 甲大学 members at
// different stages recorded through the real rules.
import { randomBytes } from "node:crypto";
import type { CheckpointLog, OrgRegistry } from "../../../typechain-types";
import { designateLogWriter, grantRole, readOrganizationTree, registerCommittee, registerOrganization } from "../chain";

import { seedAccount } from "../domain/accounts";
import type { Actor, Institution } from "../domain/institution";
import { hashPassword } from "../http/auth/password";
import { walkMember } from "./walk";
import { CHAIN_ROLE_NAMES, ROLES, type AccountRole } from "../domain/vocabulary";

export interface DemoAccount {
  username: string;
  password: string;
  role: AccountRole;
  orgId: number;
  orgName: string;
}

/** The journey took place 2019–2022; the demo replays it four years later so its dates are recent. */
const YEARS_LATER = 4;

const DEMO_MEMBERS = [
  { name: "张晓明", idNumber: "110108200005101234", birthDate: "2000-05-10", gender: "M", upTo: "S1" },
  { name: "李华", idNumber: "110108200103152345", birthDate: "2001-03-15", gender: "F", upTo: "S5" },
  { name: "王芳", idNumber: "11010820000820345X", birthDate: "2000-08-20", gender: "F", upTo: "S11" },
  { name: "赵磊", idNumber: "110108199912014567", birthDate: "1999-12-01", gender: "M", upTo: "S21" },
  { name: "陈静", idNumber: "110108199907075678", birthDate: "1999-07-07", gender: "F", upTo: "S25" },
] as const;

/** The universities' organizations as registered on chain. */
export interface DemoOrganizations {
  committeeA: number;
  branchA: number;
  committeeB: number;
  branchB: number;
}

/**
 * Registers the two universities on chain and makes each instance's key an Attester, the log writer and an ORG_ADMIN
 * (the portal's administrators add branches through the instance, which registers them on chain) of its own
 * university's committee: 甲大学's instance signs for 甲大学 only, 乙大学's for 乙大学.
 */
export async function seedDemoChain(contracts: DemoContracts, instanceAccounts: { a: string; b: string }): Promise<DemoOrganizations> {
  const { registry, checkpoints } = contracts;
  const committeeA = await registerCommittee(registry, "甲大学党委", true);
  const generalBranchA = await registerOrganization(registry, committeeA, "GENERAL_BRANCH", "计算机学院党总支");
  const branchA = await registerOrganization(registry, generalBranchA, "BRANCH", "计算机学院本科生第一党支部");
  const committeeB = await registerCommittee(registry, "乙大学党委", true);
  const branchB = await registerOrganization(registry, committeeB, "BRANCH", "数学学院党支部");
  for (const [committee, account] of [
    [committeeA, instanceAccounts.a],
    [committeeB, instanceAccounts.b],
  ] as const) {
    await grantRole(registry, committee, account, CHAIN_ROLE_NAMES.attester);
    await designateLogWriter(checkpoints, committee, account);
    await grantRole(registry, committee, account, CHAIN_ROLE_NAMES.orgAdmin);
  }
  return { committeeA, branchA, committeeB, branchB };
}

/** One of each role at the university's committee and branch, usernames prefixed a- (甲大学) or b- (乙大学). */
async function seedAccounts(institution: Institution, university: DemoUniversity, committee: number, branch: number) {
  const plan: [string, AccountRole, number, boolean][] = [
    [`${university}-admin`, ROLES.orgAdmin, committee, true],
    [`${university}-clerk`, ROLES.clerk, branch, true],
    [`${university}-approver`, ROLES.approver, committee, true],
    [`${university}-auditor`, ROLES.auditor, committee, false],
  ];
  const accounts: (DemoAccount & { id: string; canReadPersonalData: boolean })[] = [];
  for (const [username, role, orgId, canReadPersonalData] of plan) {
    const password = randomBytes(9).toString("base64url");
    const passwordHash = await hashPassword(password);
    const account = await institution.transaction((repositories) =>
      seedAccount(repositories, { username, displayName: username, passwordHash, role, orgId, canReadPersonalData }),
    );
    const org = await institution.repositories.organizations.get(orgId);
    accounts.push({ id: account.id, username, password, role, orgId, orgName: org!.name, canReadPersonalData });
  }
  return accounts;
}

/** Enters each demo member and records the journey's steps up to its stage, as the clerk and approver would. */
async function seedMembers(institution: Institution, branchId: number, clerk: Actor, approver: Actor) {
  for (const { upTo, ...personal } of DEMO_MEMBERS) {
    await walkMember(institution, clerk, approver, { orgId: branchId, personal, upTo, yearsLater: YEARS_LATER });
  }
}

/** The contracts the demo is seeded through, connected as governance. */
export interface DemoContracts {
  registry: OrgRegistry;
  checkpoints: CheckpointLog;
}

export type DemoUniversity = "a" | "b";

/**
 * Seeds one university's instance after seedDemoChain: the chain's organization tree mirrored into its database, its
 * accounts, and at 甲大学 the members at different stages.
 */
export async function seedDemoUniversity(
  contracts: DemoContracts,
  institution: Institution,
  orgs: DemoOrganizations,
  university: DemoUniversity,
): Promise<DemoAccount[]> {
  for (const { id, parentId, kind, name, mayApprove } of await readOrganizationTree(contracts.registry)) {
    await institution.repositories.organizations.upsertFromChain({ id, parentId, kind, name, mayApprove });
  }
  const [committee, branch] = university === "a" ? [orgs.committeeA, orgs.branchA] : [orgs.committeeB, orgs.branchB];
  const accounts = await seedAccounts(institution, university, committee, branch);
  if (university === "a") {
    const actorOf = (role: AccountRole): Actor => {
      const { id, orgId, canReadPersonalData } = accounts.find((account) => account.role === role)!;
      return { accountId: id, orgId, role, canReadPersonalData };
    };
    await seedMembers(institution, branch, actorOf(ROLES.clerk), actorOf(ROLES.approver));
  }
  return accounts.map(({ username, password, role, orgId, orgName }) => ({ username, password, role, orgId, orgName }));
}
