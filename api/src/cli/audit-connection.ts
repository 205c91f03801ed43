// What `cunzheng audit` reads, reached with the instance's own configuration: its database (PostgreSQL, or the
// embedded PGlite under DATA_DIR), its chain (CHAIN_RPC_URL, or the embedded node, started here if it is not running)
// and the deployment file naming the contracts.
import { existsSync } from "node:fs";
import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import type { DataSource } from "typeorm";
import type { Config } from "../config";
import {
  connectProvider,
  createAuditChainReader,
  EMBEDDED_HOST,
  providerFor,
  readDeploymentFile,
  startEmbeddedNode,
  type ConsortiumDeployment,
  type EmbeddedNode,
} from "../chain";
import { createDataSource, createRepositories } from "../data-access";
import { bodyCheckerInWorkers, defaultCheckerThreads, type AuditDependencies } from "../domain/audit";
import { logIdOf } from "../instance";
import { createFieldCipher } from "../lib/field-encryption";
import { CliError } from "./command";

export interface AuditConnection {
  deps: AuditDependencies;
  logId: number;
  /** The consortium's deployment block: where event reads start. */
  fromBlock: number;
  close(): Promise<void>;
}

export async function connectForAudit(config: Config): Promise<AuditConnection> {
  const deployment = readDeploymentFile(config.deploymentFile);
  if (!deployment) {
    throw new CliError(`no deployment file at ${config.deploymentFile}: run the instance once, or set DEPLOYMENT_FILE`);
  }
  const chain = await connectChain(config, deployment);
  let dataSource: DataSource;
  try {
    dataSource = await openDatabase(config, chain.instanceRunning);
  } catch (error) {
    await chain.close();
    throw error;
  }
  const repositories = createRepositories(dataSource.manager);
  const threads = defaultCheckerThreads();
  const bodies = threads > 0 ? bodyCheckerInWorkers(config.fieldEncryptionKey, threads) : undefined;
  const close = async () => {
    await bodies?.close();
    await dataSource.destroy();
    await chain.close();
  };
  try {
    return {
      deps: {
        repositories,
        chain: createAuditChainReader(chain.provider, deployment.contracts),
        cipher: createFieldCipher(config.fieldEncryptionKey),
        bodies,
      },
      logId: await homeCommittee(config, repositories),
      fromBlock: deployment.deploymentBlock,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

interface ChainConnection {
  provider: JsonRpcProvider;
  /** Whether the embedded node was already up: the instance itself is running. */
  instanceRunning: boolean;
  close(): Promise<void>;
}

async function connectChain(config: Config, deployment: ConsortiumDeployment): Promise<ChainConnection> {
  const rpcUrl = config.chainRpcUrl ?? `http://${EMBEDDED_HOST}:${config.embeddedChainPort}`;
  let node: EmbeddedNode | undefined;
  let provider: JsonRpcProvider;
  try {
    provider = await connectProvider(rpcUrl);
  } catch (error) {
    if (config.chainRpcUrl !== undefined) throw new CliError(`cannot reach the chain at ${rpcUrl}: ${messageOf(error)}`);
    node = await startEmbeddedNode({ stateDir: path.join(config.dataDir, "chain"), port: config.embeddedChainPort });
    provider = providerFor(node.rpcUrl, node.chainId);
  }
  const chainId = Number((await provider.getNetwork()).chainId);
  const close = async () => {
    provider.destroy();
    await node?.stop();
  };
  if (chainId !== deployment.chainId) {
    await close();
    throw new CliError(`the chain at ${rpcUrl} is chain ${chainId}, but ${config.deploymentFile} names chain ${deployment.chainId}`);
  }
  return { provider, instanceRunning: config.chainRpcUrl === undefined && node === undefined, close };
}

/** The instance's database alone; its embedded PGlite only while the instance is stopped (its node silent). */
export async function openInstanceDatabase(config: Config): Promise<DataSource> {
  if (config.databaseUrl !== undefined || config.chainRpcUrl !== undefined) return openDatabase(config, false);
  const running = await connectProvider(`http://${EMBEDDED_HOST}:${config.embeddedChainPort}`).then(
    (provider) => {
      provider.destroy();
      return true;
    },
    () => false,
  );
  return openDatabase(config, running);
}

async function openDatabase(config: Config, instanceRunning: boolean): Promise<DataSource> {
  if (config.databaseUrl !== undefined) return createDataSource({ databaseUrl: config.databaseUrl });
  const dataDir = path.join(config.dataDir, "pglite");
  if (!existsSync(dataDir)) throw new CliError(`no embedded database at ${dataDir}: is DATA_DIR the instance's?`);
  // PGlite is one process's database: opening it beside the running instance could corrupt it.
  if (instanceRunning) {
    throw new CliError("the instance is running and holds its embedded database: stop it first, or ask it for the audit over its API");
  }
  return createDataSource({ dataDir });
}

/** The instance's log, chosen as `npm start` chooses it. */
async function homeCommittee(config: Config, repositories: ReturnType<typeof createRepositories>): Promise<number> {
  const logId = await logIdOf(config, repositories);
  if (logId === null) throw new CliError("LOG_ID is not set and the database holds no committee to take it from");
  return logId;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
