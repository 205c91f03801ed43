// `npm start`. With nothing configured, the embedded demo: a local chain (Anvil) with the contracts deployed and two
// universities' instances beside it, 甲大学 and 乙大学, seeded on first start (embedded-demo.ts). With CHAIN_RPC_URL,
// one institution's instance on that chain, its committee LOG_ID, its key CHAIN_PRIVATE_KEY.
import { loadConfig, type Config } from "./config";
import { createDataSource } from "./data-access";
import { DEMO_ACCOUNTS_FILE, startEmbeddedDemo } from "./embedded-demo";
import { connectExternalChain } from "./instance";
import { createLogger, type Logger } from "./lib/logger";
import { runInstance } from "./run-instance";

async function startInstitution(config: Config, logger: Logger): Promise<() => Promise<void>> {
  const chain = await connectExternalChain(config);
  const dataSource = await createDataSource(
    config.databaseUrl ? { databaseUrl: config.databaseUrl } : { dataDir: `${config.dataDir}/pglite` },
  );
  const instance = await runInstance({ config, logger, dataSource, chain });
  return async () => {
    await instance.stop();
    chain.provider.destroy();
  };
}

async function startDemo(config: Config, logger: Logger): Promise<() => Promise<void>> {
  const demo = await startEmbeddedDemo(config, logger);
  const [a, b] = demo.instances;
  logger.info(
    { [a.name]: a.url, [b.name]: b.url, accounts: `${config.dataDir}/${DEMO_ACCOUNTS_FILE}` },
    "demo: one instance per university",
  );
  process.stdout.write(
    `\n${a.name}: ${a.url}  (accounts a-…)\n${b.name}: ${b.url}  (accounts b-…)\nPasswords: ${config.dataDir}/${DEMO_ACCOUNTS_FILE}\n\n`,
  );
  return demo.stop;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel });
  const stop = config.chainRpcUrl === undefined ? await startDemo(config, logger) : await startInstitution(config, logger);

  // Nothing accepted is lost and nothing is answered 500 for the stop: new requests are refused (503, connection
  // closed), those in flight finish, the background rounds finish or are abandoned (the journal lets the next start
  // follow up whatever was signed), all within the grace period; only then do the database connections close.
  const shutdown = async (signal: NodeJS.Signals) => {
    logger.info({ signal, graceMs: config.shutdownGraceMs }, "stopping: finishing the requests in flight, refusing new ones");
    await stop();
    logger.info("stopped");
    process.exit(0);
  };
  process.once("SIGINT", (signal) => void shutdown(signal));
  process.once("SIGTERM", (signal) => void shutdown(signal));
}

main().catch((error) => {
  process.stderr.write(`cunzheng failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
