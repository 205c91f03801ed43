// Composes one institution's instance from its parts: the database, the domain services over it, and the
// HTTP app. The entry point (main.ts) adds the chain and the demo seed around it.
import type { Express } from "express";
import type { JsonRpcApiProvider } from "ethers";
import type { Registry } from "prom-client";
import type { DataSource } from "typeorm";
import type { Config } from "./config";
import { chainHealth } from "./chain";
import { createRepositories, withTransaction } from "./data-access";
import { resolveSession } from "./domain/accounts";
import type { Institution } from "./domain/institution";
import { loadRuleSet } from "./domain/rules";
import { createApp } from "./http/app";
import { evidenceRoutes } from "./http/routes/evidence";
import { rosterRoutes } from "./http/routes/roster";
import { failedWriteRoutes } from "./http/routes/failed-writes";
import { federationRoutes } from "./http/routes/federation";
import type { AuditJobs } from "./domain/audit/jobs";
import { accountRoutes } from "./http/routes/accounts";
import { auditRoutes } from "./http/routes/audits";
import { exportRoutes } from "./http/routes/exports";
import { dashboardRoutes } from "./http/routes/dashboard";
import { memberRoutes } from "./http/routes/members";
import { organizationRoutes } from "./http/routes/organizations";
import { proofRoutes } from "./http/routes/proofs";
import { ruleRoutes } from "./http/routes/rules";
import { vocabularyRoutes } from "./http/routes/vocabulary";
import { transferRoutes } from "./http/routes/transfers";
import { todayInChina } from "./lib/calendar";
import { createFieldCipher } from "./lib/field-encryption";
import type { Logger } from "./lib/logger";

/** The rule set new records are checked against. */
export const CURRENT_RULE_VERSION = "2014";

export function createInstitution(dataSource: DataSource, config: Pick<Config, "fieldEncryptionKey" | "blindIndexKey">): Institution {
  return {
    repositories: createRepositories(dataSource.manager),
    transaction: (work) => withTransaction(dataSource, (repositories) => work(repositories)),
    cipher: createFieldCipher(config.fieldEncryptionKey),
    blindIndexKey: config.blindIndexKey,
    ruleSet: loadRuleSet(CURRENT_RULE_VERSION),
    today: () => todayInChina(),
    now: () => new Date(),
  };
}

export function createServer(options: {
  config: Config;
  logger: Logger;
  dataSource: DataSource;
  institution: Institution;
  provider?: JsonRpcApiProvider;
  /** Audit sweeps by API; absent without a chain to audit against. */
  audits?: AuditJobs;
  /** Where the app counts its requests; pass one to serve it on the metrics listener too. */
  metricsRegistry?: Registry;
  /** True once the instance is stopping: new requests are refused. */
  stopping?: () => boolean;
}): Express {
  const { config, logger, dataSource, institution, provider, audits, metricsRegistry, stopping } = options;
  const { repositories } = institution;
  return createApp({
    config,
    logger,
    metricsRegistry,
    stopping,
    accounts: { findByUsername: (username) => repositories.accounts.findByUsername(username) },
    // Sessions keep wall-clock time: the institution's clock may be moved by tests of validity periods.
    sessions: {
      open: async (accountId) => ({ sessionId: (await repositories.sessions.open(accountId, new Date())).id }),
      resolve: async (sessionId) => {
        const resolved = await resolveSession(repositories, sessionId, { now: new Date(), idleSeconds: config.sessionIdleSeconds });
        return "refused" in resolved ? resolved : { auth: resolved.actor, mustChangePassword: resolved.account.mustChangePassword };
      },
      end: (sessionId) => repositories.sessions.end(sessionId, new Date()),
    },
    audit: { record: async (entry) => void (await repositories.auditLog.append(entry)) },
    orgs: { isInSubtree: (root, orgId) => repositories.organizations.isInSubtree(root, orgId) },
    health: {
      database: async () => void (await dataSource.query("SELECT 1")),
      chain: async () => {
        if (!provider) throw new Error("no chain node configured");
        const health = await chainHealth(provider);
        if (!health.ok) throw new Error(health.error ?? "chain unavailable");
        return { blockNumber: health.blockNumber! };
      },
    },
    routes: [
      accountRoutes(institution),
      memberRoutes(institution),
      dashboardRoutes(institution),
      exportRoutes(institution),
      failedWriteRoutes(institution),
      transferRoutes(institution),
      evidenceRoutes(institution),
      rosterRoutes(institution),
      organizationRoutes(institution),
      ruleRoutes(institution),
      vocabularyRoutes(),
      proofRoutes(institution, { confirmations: config.chainConfirmations }),
      federationRoutes(institution),
      ...(audits ? [auditRoutes(audits)] : []),
    ],
  });
}
