// Deploys the consortium's four contracts wired as ignition/modules/Consortium.ts does, and remembers where they are
// in a JSON file so that a restart reuses them — or notices that the chain was reset and the contracts are gone.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ContractTransactionResponse, Provider, Signer } from "ethers";
import { z } from "zod";
import { CheckpointLog__factory } from "../../../typechain-types/factories/contracts/CheckpointLog__factory";
import { MembershipLedger__factory } from "../../../typechain-types/factories/contracts/MembershipLedger__factory";
import { OrgRegistry__factory } from "../../../typechain-types/factories/contracts/OrgRegistry__factory";
import { TransferLedger__factory } from "../../../typechain-types/factories/contracts/TransferLedger__factory";
import { addressSchema } from "../lib/proof-bundle";

const deploymentSchema = z.object({
  chainId: z.number().int().positive(),
  consortiumName: z.string().min(1),
  governance: addressSchema,
  /** The block of the registry's deployment: where an indexer starts reading events. */
  deploymentBlock: z.number().int().nonnegative(),
  /** Tells a reset chain that redeployed at the same addresses apart from the original. */
  deploymentBlockHash: z.string().regex(/^0x[0-9a-f]{64}$/),
  contracts: z.object({
    registry: addressSchema,
    membership: addressSchema,
    transfers: addressSchema,
    checkpoints: addressSchema,
  }),
});

export type ConsortiumDeployment = z.infer<typeof deploymentSchema>;
export type ConsortiumAddresses = ConsortiumDeployment["contracts"];

/** Deploys and wires the contract set; the signer becomes the consortium's governance. */
export async function deployConsortium(signer: Signer, consortiumName: string): Promise<ConsortiumDeployment> {
  if (signer.provider === null) throw new Error("deployConsortium needs a signer connected to a provider");
  const network = await signer.provider.getNetwork();
  const governance = await signer.getAddress();
  const registry = await new OrgRegistry__factory(signer).deploy(governance, consortiumName);
  const registryReceipt = await minedReceipt(registry.deploymentTransaction());
  const registryAddress = await registry.getAddress();

  const membership = await new MembershipLedger__factory(signer).deploy(registryAddress);
  await membership.waitForDeployment();
  const membershipAddress = await membership.getAddress();
  const transfers = await new TransferLedger__factory(signer).deploy(registryAddress, membershipAddress);
  await transfers.waitForDeployment();
  const transfersAddress = await transfers.getAddress();
  const checkpoints = await new CheckpointLog__factory(signer).deploy(registryAddress);
  await checkpoints.waitForDeployment();
  await minedReceipt(await membership.setTransferLedger(transfersAddress));

  return {
    chainId: Number(network.chainId),
    consortiumName,
    governance,
    deploymentBlock: registryReceipt.blockNumber,
    deploymentBlockHash: registryReceipt.blockHash,
    contracts: {
      registry: registryAddress,
      membership: membershipAddress,
      transfers: transfersAddress,
      checkpoints: await checkpoints.getAddress(),
    },
  };
}

export interface LoadOrDeployOptions {
  readonly provider: Provider;
  readonly signer: Signer;
  readonly deploymentFile: string;
  readonly consortiumName: string;
}

/**
 * Reuses the deployment recorded in `deploymentFile` when it is still on this chain; otherwise deploys afresh and
 * rewrites the file. `created: true` after a previous file existed means the chain was reset: whatever was mirrored
 * from the old chain no longer has a proof.
 */
export async function loadOrDeploy(options: LoadOrDeployOptions): Promise<{ deployment: ConsortiumDeployment; created: boolean }> {
  const recorded = readDeploymentFile(options.deploymentFile);
  if (recorded !== undefined && (await isLive(options.provider, recorded))) {
    return { deployment: recorded, created: false };
  }
  const deployment = await deployConsortium(options.signer, options.consortiumName);
  writeDeploymentFile(options.deploymentFile, deployment);
  return { deployment, created: true };
}

export function readDeploymentFile(file: string): ConsortiumDeployment | undefined {
  if (!existsSync(file)) return undefined;
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file} is not readable JSON: ${(error as Error).message}`);
  }
  const parsed = deploymentSchema.safeParse(content);
  if (!parsed.success) {
    throw new Error(
      `${file} is not a consortium deployment: ${parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ")}`,
    );
  }
  return parsed.data;
}

// Written beside and renamed over, so a crash mid-write never leaves a truncated file.
function writeDeploymentFile(file: string, deployment: ConsortiumDeployment): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  writeFileSync(partial, `${JSON.stringify(deployment, null, 2)}\n`);
  renameSync(partial, file);
}

async function isLive(provider: Provider, deployment: ConsortiumDeployment): Promise<boolean> {
  const network = await provider.getNetwork();
  if (Number(network.chainId) !== deployment.chainId) return false;
  const block = await provider.getBlock(deployment.deploymentBlock);
  if (block === null || block.hash !== deployment.deploymentBlockHash) return false;
  const codes = await Promise.all(Object.values(deployment.contracts).map((contract) => provider.getCode(contract)));
  return codes.every((code) => code !== "0x");
}

async function minedReceipt(transaction: ContractTransactionResponse | null) {
  if (transaction === null) throw new Error("deployment transaction missing");
  const receipt = await transaction.wait();
  if (receipt === null) throw new Error(`transaction ${transaction.hash} was dropped`);
  return receipt;
}
