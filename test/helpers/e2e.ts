// End-to-end environments, set up as an operator would: an external Anvil node with the consortium deployed and the
// instance's key made Attester of committee A, a database of the instance's own (a fresh PostgreSQL database when
// DATABASE_URL is set, a PGlite directory otherwise) with the organizations mirrored and a clerk and an approver who
// can log in, and the instance's processes (`npm start`, `npm run worker`) started from the repository's sources.
// close() ends every process it started and removes everything it created, whatever state the test left.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { HDNodeWallet, JsonRpcProvider } from "ethers";
import { Client } from "pg";
import type { DataSource } from "typeorm";
import {
  EMBEDDED_CHAIN_ID,
  connectConsortium,
  devSigner,
  designateLogWriter,
  grantRole,
  loadOrDeploy,
  providerFor,
  readOrganizationTree,
  registerCommittee,
  registerOrganization,
  startEmbeddedNode,
  type ConsortiumDeployment,
  type EmbeddedNode,
} from "../../api/src/chain";
import { createDataSource, createRepositories } from "../../api/src/data-access";
import { hashPassword } from "../../api/src/http/auth/password";
import { freePort } from "./ports";
import { spawnInstance, type InstanceProcess } from "./e2e-processes";
import type { AccountRole } from "../../api/src/domain/vocabulary";

export const E2E_PASSWORD = "correct horse battery staple";
export const E2E_USERS = { clerk: "e2e-clerk", approver: "e2e-approver" } as const;

/** The dev-mnemonic account the instance signs with, as in the embedded default; account 0 governs. */
const INSTANCE_KEY_INDEX = 1;
/** ethers' default of 4 s per receipt poll would make every setup transaction on an interval-mining node slow. */
export const RECEIPT_POLL_MS = 50;

export interface E2eChain {
  readonly rpcUrl: string;
  readonly provider: JsonRpcProvider;
  readonly deployment: ConsortiumDeployment;
  readonly deploymentFile: string;
  /** The instance's signing key, Attester of committee A. */
  readonly instanceKey: HDNodeWallet;
  readonly orgs: { committeeA: number; branchA: number; committeeB: number };
  /** Interrupts Anvil, which writes its state file on the way out. */
  stop(): Promise<void>;
  /** Starts Anvil again on the same port from the same state file. */
  restart(): Promise<void>;
}

export interface E2eDatabase {
  /** The variables that point an instance process at this database, with its keys. */
  readonly env: Record<string, string>;
  readonly keys: { fieldEncryptionKey: string; blindIndexKey: string };
  /** A connection of the test's own; PGlite allows one process at a time, so only while no instance runs. */
  open(): Promise<DataSource>;
}

/** An account an operator creates before the first start; its password is E2E_PASSWORD. */
export interface E2eAccount {
  readonly username: string;
  readonly role: AccountRole;
  readonly orgId: number;
  readonly canReadPersonalData: boolean;
}

export interface E2eEnvironment {
  readonly workDir: string;
  readonly chain: E2eChain;
  readonly database: E2eDatabase;
  /** Starts `npm start` (entry "main") or `npm run worker` (entry "worker") against this chain and database. */
  start(entry: "main" | "worker", env?: Record<string, string>): InstanceProcess;
  close(): Promise<void>;
}

/**
 * A work directory and what undoes an environment: `cleanups` run in reverse after every process is killed, each even
 * if one fails, so a broken test leaves no process, node, database or directory behind.
 */
export function createTeardown(prefix: string) {
  const workDir = mkdtempSync(path.join(tmpdir(), prefix));
  const cleanups: (() => Promise<void>)[] = [async () => rmSync(workDir, { recursive: true, force: true })];
  const processes: InstanceProcess[] = [];
  // Every step runs even if one fails, so a broken test leaves no process, node, database or directory behind.
  const close = async () => {
    const failures: unknown[] = [];
    for (const cleanup of [() => Promise.all(processes.map((child) => child.kill())), ...cleanups.splice(0).reverse()]) {
      await cleanup().catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  };
  return { workDir, cleanups, processes, close };
}

/** `databaseServerUrl`: the PostgreSQL server to make the database on, instead of DATABASE_URL's (or PGlite). */
export async function createE2eEnvironment(
  options: { blockTimeSeconds?: number; databaseServerUrl?: string } = {},
): Promise<E2eEnvironment> {
  const { workDir, cleanups, processes, close } = createTeardown("cunzheng-e2e-");
  try {
    const chain = await startChain(workDir, options.blockTimeSeconds, cleanups);
    const database = await createDatabase(workDir, cleanups, options.databaseServerUrl);
    await seedDatabase(database, chain, [
      { username: E2E_USERS.clerk, role: "CLERK", orgId: chain.orgs.branchA, canReadPersonalData: true },
      { username: E2E_USERS.approver, role: "APPROVER", orgId: chain.orgs.committeeA, canReadPersonalData: true },
    ]);
    const instance = { privateKey: chain.instanceKey.privateKey, logId: chain.orgs.committeeA };
    return {
      workDir,
      chain,
      database,
      start(entry, env = {}) {
        const child = spawnInstance(entry, { ...instanceEnv(chain, database, instance), ...env });
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

async function startChain(workDir: string, blockTimeSeconds: number | undefined, cleanups: (() => Promise<void>)[]): Promise<E2eChain> {
  const stateDir = path.join(workDir, "chain");
  const port = await freePort();
  let node: EmbeddedNode = await startEmbeddedNode({ stateDir, port, blockTimeSeconds });
  cleanups.push(() => node.stop());
  const provider = providerFor(node.rpcUrl, EMBEDDED_CHAIN_ID);
  provider.pollingInterval = RECEIPT_POLL_MS;
  cleanups.push(async () => provider.destroy());
  const governance = devSigner(provider, 0);
  const instanceKey = devSigner(provider, INSTANCE_KEY_INDEX);
  const deploymentFile = path.join(workDir, "deployment.json");
  const { deployment } = await loadOrDeploy({ provider, signer: governance, deploymentFile, consortiumName: "高校党建联盟" });
  const { registry, checkpoints } = connectConsortium(deployment, governance);
  const committeeA = await registerCommittee(registry, "甲大学党委", true);
  const generalBranchA = await registerOrganization(registry, committeeA, "GENERAL_BRANCH", "计算机学院党总支");
  const branchA = await registerOrganization(registry, generalBranchA, "BRANCH", "计算机学院本科生第一党支部");
  const committeeB = await registerCommittee(registry, "乙大学党委", true);
  await registerOrganization(registry, committeeB, "BRANCH", "数学学院党支部");
  await grantRole(registry, committeeA, instanceKey.address, "ATTESTER");
  await designateLogWriter(checkpoints, committeeA, instanceKey.address);
  return {
    rpcUrl: node.rpcUrl,
    provider,
    deployment,
    deploymentFile,
    instanceKey,
    orgs: { committeeA, branchA, committeeB },
    stop: () => node.stop(),
    async restart() {
      node = await startEmbeddedNode({ stateDir, port, blockTimeSeconds });
    },
  };
}

/** A database of an instance's own, with its keys; `cleanups` gets what drops it. */
export async function createDatabase(
  workDir: string,
  cleanups: (() => Promise<void>)[],
  serverUrl = process.env.DATABASE_URL,
): Promise<E2eDatabase> {
  const keys = { fieldEncryptionKey: randomHex(32), blindIndexKey: randomHex(32) };
  const secrets = { FIELD_ENCRYPTION_KEY: keys.fieldEncryptionKey, BLIND_INDEX_KEY: keys.blindIndexKey, TOKEN_SECRET: randomHex(32) };
  if (serverUrl === undefined) {
    // A directory per database, so that one work directory can hold the databases of several instances.
    const dataDir = mkdtempSync(path.join(workDir, "data-"));
    return { env: { DATA_DIR: dataDir, ...secrets }, keys, open: () => createDataSource({ dataDir: path.join(dataDir, "pglite") }) };
  }
  // A database rather than a schema: an instance process is configured by its URL alone.
  const name = `cunzheng_e2e_${randomHex(6)}`;
  await onServer(serverUrl, `CREATE DATABASE ${name}`);
  cleanups.push(() => onServer(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const databaseUrl = new URL(serverUrl);
  databaseUrl.pathname = `/${name}`;
  return { env: { DATABASE_URL: databaseUrl.href, ...secrets }, keys, open: () => createDataSource({ databaseUrl: databaseUrl.href }) };
}

async function onServer(serverUrl: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** What an operator does before the first start: mirror the organizations, create the first accounts. */
export async function seedDatabase(
  database: E2eDatabase,
  chain: Pick<E2eChain, "deployment" | "provider">,
  accounts: readonly E2eAccount[],
): Promise<void> {
  const dataSource = await database.open();
  try {
    const repositories = createRepositories(dataSource.manager);
    for (const organization of await readOrganizationTree(connectConsortium(chain.deployment, chain.provider).registry)) {
      await repositories.organizations.upsertFromChain(organization);
    }
    const passwordHash = await hashPassword(E2E_PASSWORD);
    for (const account of accounts) await repositories.accounts.create({ ...account, passwordHash });
  } finally {
    await dataSource.destroy();
  }
}

/** The variables of an instance signing with `privateKey` whose log (home committee) is `logId`. */
export function instanceEnv(
  chain: Pick<E2eChain, "rpcUrl" | "deploymentFile">,
  database: E2eDatabase,
  instance: { privateKey: string; logId: number },
): Record<string, string> {
  return {
    ...database.env,
    CHAIN_RPC_URL: chain.rpcUrl,
    CHAIN_PRIVATE_KEY: instance.privateKey,
    LOG_ID: String(instance.logId),
    DEPLOYMENT_FILE: chain.deploymentFile,
    CHECKPOINT_EVERY_SECONDS: "1",
    ANCHOR_POLL_MS: "100",
    ANCHOR_MAX_BACKOFF_MS: "500",
    LOG_LEVEL: "warn",
  };
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
