// Two universities on one external Anvil node, for end-to-end tests in which only university B's instance runs and
// the test plays university A on chain with A's key: the consortium deployed, each university's key Attester of its own
// committee, and B's own PostgreSQL database with the organizations mirrored and an approver who can log in. Also A's
// side of a burst: applicants registered in batches, then a transfer to branch B for each, a wave per block.
// close() ends every process it started and removes everything it created, whatever state the test left.
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { HDNodeWallet, JsonRpcProvider } from "ethers";
import { Client } from "pg";
import {
  EMBEDDED_CHAIN_ID,
  connectConsortium,
  devSigner,
  grantRole,
  loadOrDeploy,
  providerFor,
  registerCommittee,
  registerOrganization,
  startEmbeddedNode,
  type ConsortiumDeployment,
} from "../../api/src/chain";
import { createDatabase, createTeardown, instanceEnv, RECEIPT_POLL_MS, seedDatabase } from "./e2e";
import { spawnInstance, type InstanceProcess } from "./e2e-processes";
import { freePort } from "./ports";

export const BURST_APPROVER_B = "e2e-approver-b";

/** Dev-mnemonic accounts: 0 governs the consortium, 1 is university A's key, 2 university B's. */
const KEY_INDEX = { governance: 0, a: 1, b: 2 } as const;
/** Registrations per multicall: well inside a block's gas limit. */
const REGISTRATIONS_PER_CALL = 50;
/** IMembershipLedger.Stage.Applicant may move only its materials: ITransferLedger.Kind.Materials. */
const KIND_MATERIALS = 1;
const LETTER_VALIDITY_SECONDS = 30 * 24 * 3600;
const ZERO_HASH = `0x${"0".repeat(64)}`;

export interface BurstChain {
  readonly rpcUrl: string;
  readonly provider: JsonRpcProvider;
  readonly deployment: ConsortiumDeployment;
  readonly deploymentFile: string;
  /** University A's key, Attester of committee A; the test signs A's writes with it. */
  readonly keyA: HDNodeWallet;
  /** University B's key, Attester of committee B; B's instance signs with it. */
  readonly keyB: HDNodeWallet;
  readonly orgs: { committeeA: number; branchA: number; committeeB: number; branchB: number };
  /** Leaves automine (used while setting up) for a block every `seconds`. */
  mineEvery(seconds: number): Promise<void>;
}

export interface TwoUniversities {
  readonly chain: BurstChain;
  /** A connection of the test's own to B's database, where the instance's rows can be counted while it runs. */
  readonly databaseB: Client;
  /** Starts B's `npm start` against the chain and B's database; `env` adds to or overrides B's settings. */
  startB(env?: Record<string, string>): InstanceProcess;
  close(): Promise<void>;
}

export async function createTwoUniversities(): Promise<TwoUniversities> {
  if (process.env.DATABASE_URL === undefined) throw new Error("two universities need PostgreSQL: set DATABASE_URL");
  const { workDir, cleanups, processes, close } = createTeardown("cunzheng-e2e-burst-");
  try {
    const chain = await startChain(workDir, cleanups);
    const database = await createDatabase(workDir, cleanups);
    await seedDatabase(database, chain, [
      { username: BURST_APPROVER_B, role: "APPROVER", orgId: chain.orgs.committeeB, canReadPersonalData: true },
    ]);
    const databaseB = new Client({ connectionString: database.env.DATABASE_URL });
    await databaseB.connect();
    cleanups.push(() => databaseB.end());
    const env: Record<string, string> = {
      ...instanceEnv(chain, database, { privateKey: chain.keyB.privateKey, logId: chain.orgs.committeeB }),
      // B's start is awaited by its "listening" line, which is logged at info.
      LOG_LEVEL: "info",
      PORT: String(await freePort()),
    };
    return {
      chain,
      databaseB,
      startB(extra = {}) {
        const child = spawnInstance("main", { ...env, ...extra });
        processes.push(child);
        return child;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function startChain(workDir: string, cleanups: (() => Promise<void>)[]): Promise<BurstChain> {
  const node = await startEmbeddedNode({ stateDir: path.join(workDir, "chain"), port: await freePort() });
  cleanups.push(() => node.stop());
  const provider = providerFor(node.rpcUrl, EMBEDDED_CHAIN_ID);
  provider.pollingInterval = RECEIPT_POLL_MS;
  cleanups.push(async () => provider.destroy());
  const governance = devSigner(provider, KEY_INDEX.governance);
  const keyA = devSigner(provider, KEY_INDEX.a);
  const keyB = devSigner(provider, KEY_INDEX.b);
  const deploymentFile = path.join(workDir, "deployment.json");
  const { deployment } = await loadOrDeploy({ provider, signer: governance, deploymentFile, consortiumName: "高校党建联盟" });
  const { registry } = connectConsortium(deployment, governance);
  const committeeA = await registerCommittee(registry, "甲大学党委", true);
  const branchA = await registerOrganization(registry, committeeA, "BRANCH", "计算机学院党支部");
  const committeeB = await registerCommittee(registry, "乙大学党委", true);
  const branchB = await registerOrganization(registry, committeeB, "BRANCH", "数学学院党支部");
  await grantRole(registry, committeeA, keyA.address, "ATTESTER");
  await grantRole(registry, committeeB, keyB.address, "ATTESTER");
  return {
    rpcUrl: node.rpcUrl,
    provider,
    deployment,
    deploymentFile,
    keyA,
    keyB,
    orgs: { committeeA, branchA, committeeB, branchB },
    async mineEvery(seconds) {
      await provider.send("evm_setIntervalMining", [seconds]);
    },
  };
}

/** University A enters `count` applicants at branch A, many per transaction; resolves with their member keys. */
export async function registerApplicants(chain: BurstChain, count: number): Promise<string[]> {
  const { membership } = connectConsortium(chain.deployment, chain.keyA);
  const today = Number(await membership.today());
  const memberKeys = Array.from({ length: count }, () => randomHash());
  for (let first = 0; first < count; first += REGISTRATIONS_PER_CALL) {
    const calls = memberKeys
      .slice(first, first + REGISTRATIONS_PER_CALL)
      .map((memberKey) => membership.interface.encodeFunctionData("register", [memberKey, chain.orgs.branchA, randomHash(), today]));
    await (await membership.multicall(calls)).wait();
  }
  return memberKeys;
}

export interface IssuedBurst {
  /** The transfer ids, in the order they were issued. */
  readonly ids: string[];
  /** The block holding the last of them. */
  readonly lastBlock: number;
}

/**
 * University A issues a transfer to branch B for every member, `perBlock` at a time: a wave is sent at once (nonces
 * counted here, so none waits for another) and the next one as soon as it is mined, so the burst spans many blocks.
 * `onMined` hears how many are mined after each wave.
 */
export async function issueTransfers(
  chain: BurstChain,
  memberKeys: readonly string[],
  options: { perBlock: number; onMined?(mined: number): void },
): Promise<IssuedBurst> {
  const { transfers } = connectConsortium(chain.deployment, chain.keyA);
  let nonce = await chain.provider.getTransactionCount(chain.keyA.address, "pending");
  const ids: string[] = [];
  let lastBlock = 0;
  for (let first = 0; first < memberKeys.length; first += options.perBlock) {
    const validUntil = (await chain.provider.getBlock("latest"))!.timestamp + LETTER_VALIDITY_SECONDS;
    const sent = await Promise.all(
      memberKeys.slice(first, first + options.perBlock).map((memberKey) => {
        const transferId = randomHash();
        ids.push(transferId);
        const request = {
          transferId,
          memberKey,
          toOrgId: chain.orgs.branchB,
          destinationHash: ZERO_HASH,
          kind: KIND_MATERIALS,
          validUntil,
          letterHash: randomHash(),
        };
        return transfers.issue(request, { nonce: nonce++ });
      }),
    );
    for (const receipt of await Promise.all(sent.map((transaction) => transaction.wait()))) {
      if (receipt?.status !== 1) throw new Error(`issuing a transfer failed in transaction ${receipt?.hash}`);
      lastBlock = Math.max(lastBlock, receipt.blockNumber);
    }
    options.onMined?.(ids.length);
  }
  return { ids, lastBlock };
}

function randomHash(): string {
  return `0x${randomHex(32)}`;
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
