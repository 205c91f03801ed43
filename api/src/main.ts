// `npm start`: one institution's instance. With nothing configured it runs the embedded default — a local
// chain (Anvil, state under DATA_DIR/chain) with the contracts deployed, PGlite under DATA_DIR/pglite, the demo
// consortium seeded on first start, and the anchoring worker sending every write to the chain. With
// CHAIN_RPC_URL / DATABASE_URL it uses those instead.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import { LogTree } from "./anchoring";
import { loadConfig, type Config } from "./config";
import { connectConsortium, devSigner, loadOrDeploy, providerFor, startEmbeddedNode, type EmbeddedNode } from "./chain";
import { createDataSource } from "./data-access";
import type { Institution } from "./domain/institution";
import { AuditJobs } from "./domain/audit/jobs";
import {
  auditSourcesFor,
  connectExternalChain,
  createFederation,
  createWorker,
  federationSourcesFor,
  logIdOf,
  proofSourcesFor,
  type ConnectedChain,
} from "./instance";
import { createLogger, type Logger } from "./lib/logger";
import { seedDemo, type DemoAccount } from "./seed/demo";
import { createInstitution, createServer } from "./server";

const CONSORTIUM_NAME = "高校党建联盟（演示）";
/** Dev-mnemonic accounts of the embedded chain: 0 governs the consortium, 1 is this instance's attester key. */
const INSTANCE_SIGNER_INDEX = 1;

interface EmbeddedChain extends ConnectedChain {
  node: EmbeddedNode;
  registry: ReturnType<typeof connectConsortium>["registry"];
}

/** Starts the local chain and makes sure the contracts are on it. A new chain resets the database beside it. */
async function startEmbeddedChain(config: Config, logger: Logger, pgliteDir: string): Promise<EmbeddedChain> {
  const node = await startEmbeddedNode({ stateDir: path.join(config.dataDir, "chain"), port: config.embeddedChainPort });
  const provider = providerFor(node.rpcUrl, node.chainId);
  const governance = devSigner(provider, 0);
  const { deployment, created } = await loadOrDeploy({
    provider,
    signer: governance,
    deploymentFile: config.deploymentFile,
    consortiumName: CONSORTIUM_NAME,
  });
  if (created && existsSync(pgliteDir)) {
    // Records anchored on a chain that no longer exists would have no proof: keep chain and database together.
    logger.warn("the embedded chain was new: resetting the embedded database beside it so both stay consistent");
    rmSync(pgliteDir, { recursive: true, force: true });
  }
  logger.info({ rpcUrl: node.rpcUrl, registry: deployment.contracts.registry, created }, "embedded chain ready");
  const signer = devSigner(provider, INSTANCE_SIGNER_INDEX);
  return { node, provider, deployment, signer, registry: connectConsortium(deployment, governance).registry };
}

function printDemoAccounts(accounts: DemoAccount[], file: string): void {
  const lines = accounts.map((a) => `  ${a.username.padEnd(12)} ${a.password.padEnd(14)} ${a.role.padEnd(10)} ${a.orgName}`);
  const text = `Demo accounts (username, password, role, organization):\n${lines.join("\n")}\n`;
  writeFileSync(file, text, { mode: 0o600 });
  process.stdout.write(`\n${text}(also saved in ${file})\n\n`);
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const pgliteDir = path.join(config.dataDir, "pglite");
  const embedded = config.chainRpcUrl === undefined ? await startEmbeddedChain(config, logger, pgliteDir) : undefined;
  const chain: ConnectedChain = embedded ?? (await connectExternalChain(config));

  const dataSource = await createDataSource(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: pgliteDir });
  const base = createInstitution(dataSource, config);
  if (embedded && (await base.repositories.organizations.list()).length === 0) {
    logger.info("first start: seeding the demo consortium");
    const accounts = await seedDemo(embedded.registry, base, await embedded.signer.getAddress());
    printDemoAccounts(accounts, path.join(config.dataDir, "demo-accounts.txt"));
  }
  const logId = await logIdOf(config, base.repositories);
  if (logId === null) throw new Error("LOG_ID is not set and the database holds no committee to take it from");
  const tree = new LogTree(base.repositories);
  const worker = config.anchoring.inProcess ? createWorker({ config, logger, dataSource, institution: base, chain, logId, tree }) : undefined;
  const institution: Institution = {
    ...base,
    proofs: proofSourcesFor(chain, logId, tree),
    federation: federationSourcesFor(chain, config),
    // A committed write may have queued chain work: wake the worker instead of waiting for its next poll.
    transaction: async (work) => {
      const result = await base.transaction(work);
      worker?.poke();
      return result;
    },
  };
  worker?.start();
  const federation = await createFederation({ config, logger, institution, chain });
  federation.start();

  const audits = new AuditJobs(institution, auditSourcesFor(chain, logId, config));
  const app = createServer({ config, logger, dataSource, institution, provider: chain.provider, audits });
  const server = app.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host}:${port}`;
    logger.info({ portal: url, verify: `${url}/verify`, api: `${url}/api`, docs: `${url}/docs`, openapi: `${url}/openapi.json`, health: `${url}/health` }, "cunzheng is listening");
  });

  const shutdown = async () => {
    server.close();
    await Promise.all([worker?.stop(), federation.stop()]);
    await dataSource.destroy();
    await embedded?.node.stop();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error) => {
  process.stderr.write(`cunzheng failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
