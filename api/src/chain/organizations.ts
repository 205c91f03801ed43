// Writes to and reads from the chain's organization tree. The API mirrors the tree into its database; ids are the
// registry's (uint32, assigned from 1, id 1 being the consortium itself).
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";
import type { CheckpointLog, OrgRegistry } from "../../../typechain-types";
import type { ChainRoleName } from "../domain/vocabulary";

/** IOrgRegistry.OrgKind values, and the names the API uses for them (index 0, None, is never a registered kind). */
export const CHAIN_ORG_KINDS = { CONSORTIUM: 1, COMMITTEE: 2, GENERAL_BRANCH: 3, BRANCH: 4 } as const;
export type ChainOrgKind = keyof typeof CHAIN_ORG_KINDS;

/** IOrgRegistry.Role values: an org admin manages the subtree's organizations and roles, an attester signs its writes. */
export const CHAIN_ROLES = { ORG_ADMIN: 0, ATTESTER: 1 } as const satisfies Record<ChainRoleName, number>;
export type ChainRole = keyof typeof CHAIN_ROLES;

export interface ChainOrganization {
  readonly id: number;
  /** null for the consortium. */
  readonly parentId: number | null;
  /** The university committee the organization belongs to (itself for a committee); null for the consortium. */
  readonly committeeId: number | null;
  readonly kind: ChainOrgKind;
  readonly mayApprove: boolean;
  readonly name: string;
}

// Enough parallel reads to be quick without flooding a remote node with one burst per organization.
const READ_BATCH_SIZE = 50;

/** Registers a university committee under the consortium (governance only); resolves to its new id. */
export async function registerCommittee(registry: OrgRegistry, name: string, mayApprove: boolean): Promise<number> {
  return registeredOrgId(registry, await registry.registerCommittee(name, mayApprove));
}

/** Registers a general branch or branch (governance or an org admin above the parent); resolves to its new id. */
export async function registerOrganization(
  registry: OrgRegistry,
  parentId: number,
  kind: "GENERAL_BRANCH" | "BRANCH",
  name: string,
): Promise<number> {
  return registeredOrgId(registry, await registry.registerOrganization(parentId, CHAIN_ORG_KINDS[kind], name));
}

/** Gives `account` a role in an organization (governance or an org admin of it or above) and waits until mined. */
export async function grantRole(registry: OrgRegistry, orgId: number, account: string, role: ChainRole): Promise<void> {
  await mined(await registry.grantRole(orgId, account, CHAIN_ROLES[role]));
}

/**
 * Makes `account` the only key that may checkpoint log `logId` (governance or an org admin of the organization or
 * above), and waits until mined. A log with no writer is open to every attester of its organization.
 */
export async function designateLogWriter(checkpoints: CheckpointLog, logId: number, account: string): Promise<void> {
  await mined(await checkpoints.setLogWriter(logId, account));
}

/** Every organization, ordered by id (parents before children), read at one block so the tree is consistent. */
export async function readOrganizationTree(registry: OrgRegistry): Promise<ChainOrganization[]> {
  const provider = registry.runner?.provider;
  if (provider == null) throw new Error("readOrganizationTree needs a registry connected to a provider");
  const blockTag = await provider.getBlockNumber();
  const count = Number(await registry.organizationCount({ blockTag }));
  const organizations: ChainOrganization[] = [];
  for (let first = 1; first <= count; first += READ_BATCH_SIZE) {
    const ids = Array.from({ length: Math.min(READ_BATCH_SIZE, count - first + 1) }, (_, offset) => first + offset);
    organizations.push(...(await Promise.all(ids.map((id) => readOrganization(registry, id, blockTag)))));
  }
  return organizations;
}

async function readOrganization(registry: OrgRegistry, id: number, blockTag: number): Promise<ChainOrganization> {
  const [organization, name] = await Promise.all([registry.organization(id, { blockTag }), registry.organizationName(id, { blockTag })]);
  return {
    id,
    parentId: Number(organization.parentId) || null,
    committeeId: Number(organization.committeeId) || null,
    kind: kindName(Number(organization.kind)),
    mayApprove: organization.mayApprove,
    name,
  };
}

function kindName(value: number): ChainOrgKind {
  const entry = Object.entries(CHAIN_ORG_KINDS).find(([, kind]) => kind === value);
  if (entry === undefined) throw new Error(`OrgRegistry returned unknown organization kind ${value}`);
  return entry[0] as ChainOrgKind;
}

async function registeredOrgId(registry: OrgRegistry, transaction: ContractTransactionResponse): Promise<number> {
  const receipt = await mined(transaction);
  const registryAddress = (await registry.getAddress()).toLowerCase();
  for (const log of receipt.logs) {
    if (log.address.toLowerCase() !== registryAddress) continue;
    const parsed = registry.interface.parseLog(log);
    if (parsed?.name === "OrganizationRegistered") return Number(parsed.args.orgId);
  }
  throw new Error(`transaction ${transaction.hash} registered no organization`);
}

async function mined(transaction: ContractTransactionResponse): Promise<TransactionReceipt> {
  const receipt = await transaction.wait();
  if (receipt === null) throw new Error(`transaction ${transaction.hash} was dropped`);
  return receipt;
}
