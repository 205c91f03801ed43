// `npm run worker`: the anchoring worker alone, beside an API started with RUN_WORKER=false (or several API
// processes). It needs CHAIN_RPC_URL, CHAIN_PRIVATE_KEY, LOG_ID, the deployment file, and the same database.
// Killed at any moment, it loses and repeats nothing: the next one follows up the journaled transactions.
import { LogTree } from "./anchoring";
import { loadConfig } from "./config";
import { createDataSource } from "./data-access";
import { connectExternalChain, createWorker } from "./instance";
import { createLogger } from "./lib/logger";
import { settlesWithin } from "./lib/shutdown";
import { createInstitution } from "./server";

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  if (config.chainRpcUrl === undefined) throw new Error("CHAIN_RPC_URL: required for a standalone worker");
  const chain = await connectExternalChain(config);
  const dataSource = await createDataSource(
    config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: `${config.dataDir}/pglite` },
  );
  const institution = createInstitution(dataSource, config);
  const worker = createWorker({
    config,
    logger,
    dataSource,
    institution,
    chain,
    logId: config.logId!,
    tree: new LogTree(institution.repositories),
  });
  worker.start();
  logger.info({ sender: await chain.signer.getAddress(), logId: config.logId }, "anchoring worker running");

  // The round under way finishes or, past the grace period, is abandoned: its journal lets the next worker follow it up.
  const shutdown = async () => {
    if (!(await settlesWithin(worker.stop(), config.shutdownGraceMs))) {
      logger.warn({ graceMs: config.shutdownGraceMs }, "the anchoring round was abandoned: the next start follows up its journal");
    }
    await dataSource.destroy();
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown());
  process.once("SIGTERM", () => void shutdown());
}

main().catch((error) => {
  process.stderr.write(`cunzheng worker failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
