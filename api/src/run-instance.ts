// One institution's running instance, assembled the one way both `npm start` modes use: over an external chain one
// instance, in the embedded demo two (甲大学 and 乙大学) side by side on one chain. The API and portal on their own
// listener, the anchoring worker sending every write to the chain, and the federation following the chain's events
// and fetching the member files of incoming transfers.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Registry } from "prom-client";
import type { DataSource } from "typeorm";
import { LogTree } from "./anchoring";
import type { Config } from "./config";
import { AuditJobs } from "./domain/audit/jobs";
import type { Institution } from "./domain/institution";
import { fillMissingSearchTokens } from "./domain/membership/members";
import { refreshStaleNextDue } from "./domain/membership/next-due";
import { metricsApp } from "./http/metrics";
import {
  auditSourcesFor,
  createFederation,
  createWorker,
  federationSourcesFor,
  logIdOf,
  proofSourcesFor,
  writeReceiptSourcesFor,
  type ConnectedChain,
} from "./instance";
import type { Logger } from "./lib/logger";
import { drainServer, settlesWithin } from "./lib/shutdown";
import { createInstitution, createServer } from "./server";

export interface RunningInstance {
  /** Where its portal and API answer. */
  readonly url: string;
  /**
   * Stops as an operator's SIGTERM asks: new requests refused (503), those in flight and the background rounds
   * (anchoring, chain events, member files) given the grace period, then the database closed.
   */
  stop(): Promise<void>;
}

/** Assembles the instance over an open database and a connected chain, starts its background work and listens. */
export async function runInstance(options: {
  config: Config;
  logger: Logger;
  dataSource: DataSource;
  chain: ConnectedChain;
}): Promise<RunningInstance> {
  const { config, logger, dataSource, chain } = options;
  const base = createInstitution(dataSource, config);
  const logId = await logIdOf(config, base.repositories);
  if (logId === null) throw new Error("LOG_ID is not set and the database holds no committee to take it from");
  const tree = new LogTree(base.repositories);
  const worker = config.anchoring.inProcess
    ? createWorker({ config, logger, dataSource, institution: base, chain, logId, tree })
    : undefined;
  const institution: Institution = {
    ...base,
    proofs: proofSourcesFor(chain, logId, tree, config.chainConfirmations),
    federation: federationSourcesFor(chain, config),
    writeReceipts: writeReceiptSourcesFor(chain, config),
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
  const metricsRegistry = new Registry();
  let stopping = false;
  const app = createServer({
    config,
    logger,
    dataSource,
    institution,
    provider: chain.provider,
    audits,
    metricsRegistry,
    stopping: () => stopping,
  });
  // Metrics without a token only on loopback: whoever can reach it already runs on this host.
  const metricsServer =
    config.metricsPort === undefined
      ? undefined
      : metricsApp(metricsRegistry).listen(config.metricsPort, "127.0.0.1", () => {
          logger.info(
            { metrics: `http://127.0.0.1:${(metricsServer!.address() as AddressInfo).port}/metrics` },
            "metrics listener on loopback",
          );
        });
  // Members written before their name and 学号/工号 had search tokens get them before the portal can search.
  const indexed = await fillMissingSearchTokens(institution);
  if (indexed > 0) logger.info({ members: indexed }, "members' search tokens filled");
  const server = await listen(app, config);
  const url = `http://${config.host}:${(server.address() as AddressInfo).port}`;
  logger.info(
    {
      portal: url,
      verify: `${url}/verify`,
      api: `${url}/api`,
      docs: `${url}/docs`,
      openapi: `${url}/openapi.json`,
      health: `${url}/health`,
    },
    "cunzheng is listening",
  );
  // After an upgrade (or a change of rules) every member's next due is stale: derived here in the background rather
  // than by the first dashboard, which would otherwise replay every member's history while the clerk waits.
  refreshStaleNextDue(institution, logId, () => stopping)
    .then((derived) => derived > 0 && logger.info({ derived }, "members' next due derived"))
    .catch((error: unknown) => stopping || logger.warn({ err: error }, "deriving the members' next due failed; pages derive it when read"));

  return {
    url,
    async stop() {
      // Nothing accepted is lost and nothing is answered 500 for the stop: the journal lets the next start follow up
      // whatever a cut-off round had signed.
      stopping = true;
      metricsServer?.close();
      const [drained, settled] = await Promise.all([
        drainServer(server, config.shutdownGraceMs),
        settlesWithin(Promise.all([worker?.stop(), federation.stop()]), config.shutdownGraceMs),
      ]);
      if (!drained) logger.warn({ graceMs: config.shutdownGraceMs }, "requests still in flight after the grace period were cut off");
      if (!settled)
        logger.warn({ graceMs: config.shutdownGraceMs }, "a background round was abandoned: the next start follows up its journal");
      await dataSource.destroy();
    },
  };
}

function listen(app: ReturnType<typeof createServer>, config: Pick<Config, "port" | "host">): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(config.port, config.host, () => resolve(server));
    server.once("error", reject);
  });
}
