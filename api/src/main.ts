// `npm start`: one institution's instance. With nothing configured it runs the embedded default — a local
// chain (Anvil, state under DATA_DIR/chain) with the contracts deployed, PGlite under DATA_DIR/pglite, and the
// demo consortium seeded on first start. With CHAIN_RPC_URL / DATABASE_URL it uses those instead.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AddressInfo } from "node:net";
import type { JsonRpcApiProvider } from "ethers";
import { loadConfig, type Config } from "./config";
import { connectConsortium, connectProvider, devSigner, loadOrDeploy, providerFor, startEmbeddedNode, type EmbeddedNode } from "./chain";
import { createDataSource } from "./data-access";
import { createLogger, type Logger } from "./lib/logger";
import { seedDemo, type DemoAccount } from "./seed/demo";
import { createInstitution, createServer } from "./server";

const CONSORTIUM_NAME = "高校党建联盟（演示）";

interface EmbeddedChain {
  node: EmbeddedNode;
  provider: JsonRpcApiProvider;
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
    deploymentFile: path.join(config.dataDir, "chain", "deployment.json"),
    consortiumName: CONSORTIUM_NAME,
  });
  if (created && existsSync(pgliteDir)) {
    // Records anchored on a chain that no longer exists would have no proof: keep chain and database together.
    logger.warn("the embedded chain was new: resetting the embedded database beside it so both stay consistent");
    rmSync(pgliteDir, { recursive: true, force: true });
  }
  logger.info({ rpcUrl: node.rpcUrl, registry: deployment.contracts.registry, created }, "embedded chain ready");
  return { node, provider, registry: connectConsortium(deployment, governance).registry };
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
  const provider = embedded?.provider ?? (config.chainRpcUrl ? await connectProvider(config.chainRpcUrl) : undefined);

  const dataSource = await createDataSource(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: pgliteDir });
  const institution = createInstitution(dataSource, config);
  if (embedded && (await institution.repositories.organizations.list()).length === 0) {
    logger.info("first start: seeding the demo consortium");
    printDemoAccounts(await seedDemo(embedded.registry, institution), path.join(config.dataDir, "demo-accounts.txt"));
  }

  const app = createServer({ config, logger, dataSource, institution, provider });
  const server = app.listen(config.port, config.host, () => {
    const { port } = server.address() as AddressInfo;
    const base = `http://${config.host}:${port}`;
    logger.info({ api: `${base}/api`, docs: `${base}/docs`, openapi: `${base}/openapi.json`, health: `${base}/health` }, "cunzheng is listening");
  });

  const shutdown = async () => {
    server.close();
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
