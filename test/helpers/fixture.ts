import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";

/** Roles as numbered in IOrgRegistry.Role. */
export const Role = { OrgAdmin: 0, Attester: 1 } as const;
/** Organization kinds as numbered in IOrgRegistry.OrgKind. */
export const OrgKind = { None: 0, Consortium: 1, Committee: 2, GeneralBranch: 3, Branch: 4 } as const;
/** Stages as numbered in IMembershipLedger.Stage. */
export const Stage = { None: 0, Applicant: 1, Activist: 2, Candidate: 3, Probationary: 4, Full: 5, Cancelled: 6 } as const;
/** Transfer kinds and states as numbered in ITransferLedger. */
export const TransferKind = { Membership: 0, Materials: 1 } as const;
export const TransferState = { None: 0, Issued: 1, Accepted: 2, Rejected: 3, Cancelled: 4, Expired: 5 } as const;

const DAY = 86_400;
/** The ledger's calendar: China Standard Time. */
const UTC_OFFSET = 8 * 3600;

/** Day number (days since 1970-01-01, China Standard Time) of an ISO date "YYYY-MM-DD". */
export function dayOf(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / 1000 / DAY);
}

/** ISO date of a day number. */
export function isoOf(day: number): string {
  return new Date(day * DAY * 1000).toISOString().slice(0, 10);
}

/** Moves the chain's clock to noon (China Standard Time) of an ISO date. */
export async function setToday(isoDate: string): Promise<void> {
  await time.increaseTo(dayOf(isoDate) * DAY + 12 * 3600 - UTC_OFFSET);
}

/** A fresh random 32-byte value (member key, record hash, transfer id…). */
export function randomKey(): string {
  return ethers.hexlify(ethers.randomBytes(32));
}

/**
 * The contract set wired as in production, with a small consortium:
 * university A (approving committee) → general branch → branch, and university B (approving committee) → branch,
 * plus university C whose committee has no approval power yet.
 */
export async function deployConsortium() {
  const [governance, adminA, attesterA, branchClerkA, adminB, attesterB, outsider, attesterC] = await ethers.getSigners();

  const registry = await ethers.deployContract("OrgRegistry", [governance.address, "高校党建联盟"]);
  const membership = await ethers.deployContract("MembershipLedger", [await registry.getAddress()]);
  const transfers = await ethers.deployContract("TransferLedger", [await registry.getAddress(), await membership.getAddress()]);
  const checkpoints = await ethers.deployContract("CheckpointLog", [await registry.getAddress()]);
  await membership.connect(governance).setTransferLedger(await transfers.getAddress());

  const ids = { consortium: 1, committeeA: 2, generalBranchA: 3, branchA: 4, committeeB: 5, branchB: 6, committeeC: 7, branchC: 8 };
  await registry.registerCommittee("甲大学党委", true);
  await registry.grantRole(ids.committeeA, adminA.address, Role.OrgAdmin);
  await registry.connect(adminA).registerOrganization(ids.committeeA, OrgKind.GeneralBranch, "计算机学院党总支");
  await registry.connect(adminA).registerOrganization(ids.generalBranchA, OrgKind.Branch, "计算机学院本科生第一党支部");
  await registry.connect(adminA).grantRole(ids.committeeA, attesterA.address, Role.Attester);
  await registry.connect(adminA).grantRole(ids.branchA, branchClerkA.address, Role.Attester);

  await registry.registerCommittee("乙大学党委", true);
  await registry.grantRole(ids.committeeB, adminB.address, Role.OrgAdmin);
  await registry.connect(adminB).registerOrganization(ids.committeeB, OrgKind.Branch, "数学学院党支部");
  await registry.connect(adminB).grantRole(ids.committeeB, attesterB.address, Role.Attester);

  await registry.registerCommittee("丙大学党委", false);
  await registry.registerOrganization(ids.committeeC, OrgKind.Branch, "丙大学某党支部");
  await registry.grantRole(ids.committeeC, attesterC.address, Role.Attester);

  return {
    registry,
    membership,
    transfers,
    checkpoints,
    ids,
    signers: { governance, adminA, attesterA, branchClerkA, adminB, attesterB, outsider, attesterC },
  };
}

export type Consortium = Awaited<ReturnType<typeof deployConsortium>>;

/**
 * Walks a fresh member of branch A up to `target` with valid dates, returning its key and chain head.
 * Dates: S1 2020-01-10, S3 2020-04-10, S7 2021-04-12, S15 2021-09-01, S17 2021-09-20, S24 2022-09-05.
 */
export async function memberAt(c: Consortium, target: number) {
  const { membership, ids, signers } = c;
  const memberKey = randomKey();
  let head = randomKey();
  await membership.connect(signers.branchClerkA).register(memberKey, ids.branchA, head, dayOf("2020-01-10"));
  const next = async (step: (prev: string, rec: string) => Promise<unknown>) => {
    const rec = randomKey();
    await step(head, rec);
    head = rec;
  };
  if (target >= Stage.Activist) {
    await next((p, r) => membership.connect(signers.branchClerkA).selectActivist(memberKey, p, r, dayOf("2020-04-10")));
  }
  if (target >= Stage.Candidate) {
    await next((p, r) => membership.connect(signers.branchClerkA).selectCandidate(memberKey, p, r, dayOf("2021-04-12")));
  }
  if (target >= Stage.Probationary) {
    await next((p, r) => membership.connect(signers.attesterA).admit(memberKey, p, r, dayOf("2021-09-01"), dayOf("2021-09-20")));
  }
  if (target === Stage.Full) {
    await next((p, r) => membership.connect(signers.attesterA).convert(memberKey, p, r, dayOf("2022-09-05")));
  }
  if (target === Stage.Cancelled) {
    await next((p, r) => membership.connect(signers.attesterA).cancel(memberKey, p, r, dayOf("2022-09-05")));
  }
  return { memberKey, head: () => head };
}
