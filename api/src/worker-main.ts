// `npm run worker`: the anchoring worker alone, beside an API started with RUN_WORKER=false (or several API
// processes). It needs CHAIN_RPC_URL, CHAIN_PRIVATE_KEY, LOG_ID, the deployment file, and the same database.
// Killed at any moment, it loses and repeats nothing: the next one follows up the journaled transactions.
import { LogTree } from "./anchoring";
import { loadConfig } from "./config";
import { createDataSource } from "./data-access";
import { connectExternalChain, createWorker } from "./instance";
import { createLogger } from "./lib/logger";
import { createInstitution } from "./server";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  if (config.chainRpcUrl === undefined) throw new Error("CHAIN_RPC_URL: required for a standalone worker");
  const chain = await connectExternalChain(config);
  const dataSource = await createDataSource(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: `${config.dataDir}/pglite` });
  const institution = createInstitution(dataSource, config);
  const worker = createWorker({ config, logger, dataSource, institution, chain, logId: config.logId!, tree: new LogTree(institution.repositories) });
  worker.start();
  logger.info({ sender: await chain.signer.getAddress(), logId: config.logId }, "anchoring worker running");

  const shutdown = async () => {
    await worker.stop();
    await dataSource.destroy();
    process.exit(0);
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((error) => {
  process.stderr.write(`cunzheng worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
