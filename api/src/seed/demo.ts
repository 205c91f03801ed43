// The demo consortium a newcomer sees on first start: two universities on the chain, mirrored into the
// database, accounts with printed passwords, and members at different stages recorded through the real rules.
import { randomBytes } from "node:crypto";
import type { OrgRegistry } from "../../../typechain-types";
import { grantRole, readOrganizationTree, registerCommittee, registerOrganization } from "../chain";
import type { AccountRole, Repositories } from "../data-access";
import type { Actor, Institution } from "../domain/institution";
import { hashPassword } from "../http/auth/password";
import { walkMember } from "./walk";

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

/**
 * Registers the two universities on chain, makes the instance's key an Attester of both committees (this demo
 * instance serves both universities), and mirrors the whole tree into the database.
 */
async function seedOrganizations(registry: OrgRegistry, repositories: Repositories, instanceAccount: string) {
  const committeeA = await registerCommittee(registry, "甲大学党委", true);
  const generalBranchA = await registerOrganization(registry, committeeA, "GENERAL_BRANCH", "计算机学院党总支");
  const branchA = await registerOrganization(registry, generalBranchA, "BRANCH", "计算机学院本科生第一党支部");
  const committeeB = await registerCommittee(registry, "乙大学党委", true);
  const branchB = await registerOrganization(registry, committeeB, "BRANCH", "数学学院党支部");
  for (const committee of [committeeA, committeeB]) await grantRole(registry, committee, instanceAccount, "ATTESTER");
  for (const { id, parentId, kind, name, mayApprove } of await readOrganizationTree(registry)) {
    await repositories.organizations.upsertFromChain({ id, parentId, kind, name, mayApprove });
  }
  return { committeeA, branchA, committeeB, branchB };
}

async function seedAccounts(repositories: Repositories, orgs: Awaited<ReturnType<typeof seedOrganizations>>) {
  const plan: [string, AccountRole, number, boolean][] = [
    ["a-admin", "ORG_ADMIN", orgs.committeeA, true],
    ["a-clerk", "CLERK", orgs.branchA, true],
    ["a-approver", "APPROVER", orgs.committeeA, true],
    ["a-auditor", "AUDITOR", orgs.committeeA, false],
    ["b-admin", "ORG_ADMIN", orgs.committeeB, true],
    ["b-clerk", "CLERK", orgs.branchB, true],
    ["b-approver", "APPROVER", orgs.committeeB, true],
    ["b-auditor", "AUDITOR", orgs.committeeB, false],
  ];
  const accounts: (DemoAccount & { id: string; canReadPersonalData: boolean })[] = [];
  for (const [username, role, orgId, canReadPersonalData] of plan) {
    const password = randomBytes(9).toString("base64url");
    const account = await repositories.accounts.create({
      username,
      passwordHash: await hashPassword(password),
      role,
      orgId,
      canReadPersonalData,
    });
    const org = await repositories.organizations.get(orgId);
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

/** Seeds the demo; `instanceAccount` is the address the instance signs its chain writes with. */
export async function seedDemo(registry: OrgRegistry, institution: Institution, instanceAccount: string): Promise<DemoAccount[]> {
  const orgs = await seedOrganizations(registry, institution.repositories, instanceAccount);
  const accounts = await seedAccounts(institution.repositories, orgs);
  const actorOf = (username: string): Actor => {
    const { id, orgId, role, canReadPersonalData } = accounts.find((account) => account.username === username)!;
    return { accountId: id, orgId, role, canReadPersonalData };
  };
  await seedMembers(institution, orgs.branchA, actorOf("a-clerk"), actorOf("a-approver"));
  return accounts.map(({ username, password, role, orgId, orgName }) => ({ username, password, role, orgId, orgName }));
}
