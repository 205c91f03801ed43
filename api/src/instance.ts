// The parts of a running instance that both entry points share: the API process (main.ts, `npm start`) and a
// standalone anchoring worker (worker-main.ts, `npm run worker`).
import { Wallet, type BaseWallet, type JsonRpcApiProvider } from "ethers";
import type { DataSource } from "typeorm";
import { AnchoringWorker, type LogTree } from "./anchoring";
import type { Config } from "./config";
import {
  cachedChainReader,
  connectProvider,
  createAuditChainReader,
  createChainReader,
  createFederationReader,
  readDeploymentFile,
  type ConsortiumDeployment,
} from "./chain";
import { EventIndexer } from "./indexer/event-indexer";
import { chainEventHandler, EVENT_CURSOR, FileFetcher } from "./domain/federation";
import { withTransaction, type Repositories } from "./data-access";
import type { AuditSources } from "./domain/audit/jobs";
import type { Institution, WriteReceiptSources } from "./domain/institution";
import type { FederationSources, ProofSources } from "./domain/institution";
import type { Logger } from "./lib/logger";

export interface ConnectedChain {
  provider: JsonRpcApiProvider;
  deployment: ConsortiumDeployment;
  /** The instance's own key: Attester of the committees it serves. */
  signer: BaseWallet;
}

const READER_CACHE_ENTRIES = 10_000;
/** Live chain answers (a member's head, the latest block) are reused this long by the API's verifier: about a block. */
const LIVE_ANSWERS_FOR_MS = 1_000;

/** An external chain (CHAIN_RPC_URL): its node, the deployment file naming the contracts, and the instance's key. */
export async function connectExternalChain(config: Config): Promise<ConnectedChain> {
  const problems = [
    config.chainPrivateKey === undefined && "CHAIN_PRIVATE_KEY: required with CHAIN_RPC_URL (the instance's attester key)",
    config.logId === undefined && "LOG_ID: required with CHAIN_RPC_URL (the instance's committee id)",
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(problems.join("; "));
  const deployment = readDeploymentFile(config.deploymentFile);
  if (!deployment) throw new Error(`${config.deploymentFile}: no deployment file (set DEPLOYMENT_FILE to the consortium's)`);
  const provider = await connectProvider(config.chainRpcUrl!);
  const chainId = Number((await provider.getNetwork()).chainId);
  if (chainId !== deployment.chainId)
    throw new Error(`${config.chainRpcUrl} is chain ${chainId}, the deployment file names ${deployment.chainId}`);
  return { provider, deployment, signer: new Wallet(config.chainPrivateKey!, provider) };
}

/** The instance's log: LOG_ID, or without it (the embedded demo) the first committee it holds; null if it holds none. */
export async function logIdOf(config: Pick<Config, "logId">, repositories: Pick<Repositories, "organizations">): Promise<number | null> {
  if (config.logId !== undefined) return config.logId;
  const committee = (await repositories.organizations.list()).find((organization) => organization.kind === "COMMITTEE");
  return committee?.id ?? null;
}

export function proofSourcesFor(chain: ConnectedChain, logId: number, tree: LogTree, confirmations: number): ProofSources {
  const { contracts, chainId } = chain.deployment;
  return {
    logId,
    chain: { chainId, registry: contracts.registry, membershipLedger: contracts.membership, checkpointLog: contracts.checkpoints },
    tree,
    reader: cachedChainReader(createChainReader(chain.provider), { maxEntries: READER_CACHE_ENTRIES, liveForMs: LIVE_ANSWERS_FOR_MS }),
    confirmations,
  };
}

export function auditSourcesFor(chain: ConnectedChain, logId: number, config: Pick<Config, "anchoring">): AuditSources {
  return {
    chain: createAuditChainReader(chain.provider, chain.deployment.contracts),
    logId,
    fromBlock: chain.deployment.deploymentBlock,
    deadlineSeconds: config.anchoring.deadlineSeconds,
  };
}

export function createWorker(options: {
  config: Config;
  logger: Logger;
  dataSource: DataSource;
  institution: Institution;
  chain: ConnectedChain;
  logId: number;
  tree: LogTree;
}): AnchoringWorker {
  const { config, chain, institution } = options;
  const { anchoring } = config;
  return new AnchoringWorker(
    {
      repositories: institution.repositories,
      transaction: (work) => withTransaction(options.dataSource, work),
      provider: chain.provider,
      signer: chain.signer,
      addresses: chain.deployment.contracts,
      chainId: chain.deployment.chainId,
      logger: options.logger.child({ component: "anchoring" }),
      now: () => institution.now(),
      tree: options.tree,
      fromBlock: chain.deployment.deploymentBlock,
    },
    {
      logId: options.logId,
      confirmations: config.chainConfirmations,
      batchSize: anchoring.batchSize,
      pollIntervalMs: anchoring.pollIntervalMs,
      maxBackoffMs: anchoring.maxBackoffMs,
      everyRecords: anchoring.checkpointEveryRecords,
      everySeconds: anchoring.checkpointEverySeconds,
    },
  );
}

export function writeReceiptSourcesFor(chain: ConnectedChain, config: Pick<Config, "anchoring">): WriteReceiptSources {
  return {
    signer: chain.signer,
    chain: { chainId: chain.deployment.chainId, membershipLedger: chain.deployment.contracts.membership },
    anchorWithinSeconds: config.anchoring.deadlineSeconds,
  };
}

export function federationSourcesFor(chain: ConnectedChain, config: Pick<Config, "federation">): FederationSources {
  const { contracts, chainId } = chain.deployment;
  return {
    reader: createFederationReader(chain.provider, contracts),
    signer: chain.signer,
    requestChain: { chainId, transferLedger: contracts.transfers },
    requestMaxAgeSeconds: config.federation.requestMaxAgeSeconds,
    clockSkewSeconds: config.federation.clockSkewSeconds,
    fetch: globalThis.fetch,
    fetchTimeoutMs: config.federation.fetchTimeoutMs,
  };
}

/**
 * The instance's view of other institutions: the indexer applying confirmed chain events, and the fetcher bringing in
 * the member files of incoming transfers it records.
 */
export async function createFederation(options: { config: Config; logger: Logger; institution: Institution; chain: ConnectedChain }) {
  const { config, institution, chain } = options;
  const logger = options.logger.child({ component: "federation" });
  const fetcher = new FileFetcher(institution, logger, {
    pollIntervalMs: config.federation.indexerPollMs,
    maxRetryMs: config.federation.retryMaxMs,
  });
  const account = (await chain.signer.getAddress()).toLowerCase();
  const indexer = new EventIndexer(
    {
      provider: chain.provider,
      addresses: { registry: chain.deployment.contracts.registry, transfers: chain.deployment.contracts.transfers },
      transaction: (work) => institution.transaction(work),
      repositories: institution.repositories,
      apply: chainEventHandler({ account, reader: institution.federation!.reader, institution, onIncomingTransfer: () => fetcher.poke() }),
      logger,
    },
    {
      cursorName: EVENT_CURSOR,
      fromBlock: chain.deployment.deploymentBlock,
      confirmations: config.chainConfirmations,
      batchBlocks: config.federation.indexerBatchBlocks,
      pollIntervalMs: config.federation.indexerPollMs,
      maxBackoffMs: config.anchoring.maxBackoffMs,
    },
  );
  return {
    indexer,
    fetcher,
    start() {
      indexer.start();
      fetcher.start();
    },
    async stop() {
      await Promise.all([indexer.stop(), fetcher.stop()]);
    },
  };
}
