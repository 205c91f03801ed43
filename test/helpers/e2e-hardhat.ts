// The instance's HTTP API over the in-process Hardhat Network, wired as main.ts wires it (proof and federation sources
// from the chain, the anchoring worker running beside the app), and that network served over JSON-RPC for outside tools.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { BrowserProvider } from "ethers";
import { network, run } from "hardhat";
import { TASK_NODE_CREATE_SERVER } from "hardhat/builtin-tasks/task-names";
import { cachedChainReader, createAuditChainReader, createChainReader, createFederationReader, devSigner } from "../../api/src/chain";
import { loadConfig, type Config } from "../../api/src/config";
import { ORG_IDS } from "../../api/src/data-access/testing";
import { AuditJobs } from "../../api/src/domain/audit/jobs";
import type { Institution } from "../../api/src/domain/institution";
import { hashPassword } from "../../api/src/http/auth/password";
import { createLogger } from "../../api/src/lib/logger";
import { createServer } from "../../api/src/server";
import { INSTANCE_SIGNER_INDEX, startAnchoredInstance, type AnchoredInstance } from "./anchored";
import { chainOf } from "./bundles";
import { E2E_PASSWORD, E2E_USERS } from "./e2e";

const READER_CACHE_ENTRIES = 1_000;

export interface HttpAnchoredInstance {
  readonly baseUrl: string;
  readonly anchored: AnchoredInstance;
  /** What the server runs on: the anchored institution with its chain sources, and its configuration. */
  readonly institution: Institution;
  readonly config: Config;
  /** Stops serving and anchoring and closes the database: what is left is the chain. */
  stop(): Promise<void>;
}

/** The issuing committee's contact details the in-process instance prints on its letters (no fax: that stays a blank). */
export const TEST_LETTER_ISSUER = { address: "北京市海淀区学院路1号", phone: "010-6275 1234", postcode: "100871" } as const;

export async function startHttpAnchoredInstance(): Promise<HttpAnchoredInstance> {
  const anchored = await startAnchoredInstance({ everySeconds: 1 });
  try {
    return await serve(anchored);
  } catch (error) {
    await anchored.close();
    throw error;
  }
}

async function serve(anchored: AnchoredInstance): Promise<HttpAnchoredInstance> {
  const { repositories, dataSource } = anchored.database;
  await repositories.accounts.create({
    username: E2E_USERS.clerk,
    passwordHash: await hashPassword(E2E_PASSWORD),
    role: "CLERK",
    orgId: ORG_IDS.branchA,
    canReadPersonalData: true,
  });
  const provider = new BrowserProvider(network.provider, undefined, { cacheTimeout: -1 });
  const chainId = Number((await provider.getNetwork()).chainId);
  const config = loadConfig({
    DATABASE_URL: "postgres://unused@127.0.0.1/unused",
    FIELD_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    BLIND_INDEX_KEY: randomBytes(32).toString("hex"),
    TOKEN_SECRET: randomBytes(32).toString("hex"),
    LETTER_ISSUER_ADDRESS: TEST_LETTER_ISSUER.address,
    LETTER_ISSUER_PHONE: TEST_LETTER_ISSUER.phone,
    LETTER_ISSUER_POSTCODE: TEST_LETTER_ISSUER.postcode,
    LOG_LEVEL: "silent",
  });
  const institution: Institution = {
    ...anchored.institution,
    proofs: {
      logId: ORG_IDS.committeeA,
      chain: chainOf(chainId, anchored.addresses),
      tree: anchored.tree,
      reader: cachedChainReader(createChainReader(provider), { maxEntries: READER_CACHE_ENTRIES }),
      confirmations: config.chainConfirmations,
    },
    writeReceipts: {
      signer: devSigner(provider, INSTANCE_SIGNER_INDEX),
      chain: { chainId, membershipLedger: anchored.addresses.membership },
      anchorWithinSeconds: config.anchoring.deadlineSeconds,
    },
    federation: {
      reader: createFederationReader(provider, anchored.addresses),
      signer: devSigner(provider, INSTANCE_SIGNER_INDEX),
      requestChain: { chainId, transferLedger: anchored.addresses.transfers },
      requestMaxAgeSeconds: config.federation.requestMaxAgeSeconds,
      clockSkewSeconds: config.federation.clockSkewSeconds,
      fetch: globalThis.fetch,
      fetchTimeoutMs: config.federation.fetchTimeoutMs,
    },
  };
  const audits = new AuditJobs(institution, {
    chain: createAuditChainReader(provider, anchored.addresses),
    logId: ORG_IDS.committeeA,
    fromBlock: 0,
    deadlineSeconds: 3600,
  });
  const app = createServer({ config, logger: createLogger({ level: "silent" }), dataSource, institution, provider, audits });
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  anchored.worker.start();
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    anchored,
    institution,
    config,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await anchored.worker.stop();
      await anchored.close();
    },
  };
}

/** Serves the in-process Hardhat Network over JSON-RPC on a free port, as `npx hardhat node` would. */
export async function serveHardhatNetwork(): Promise<{ rpcUrl: string; close(): Promise<void> }> {
  const server = await run(TASK_NODE_CREATE_SERVER, { hostname: "127.0.0.1", port: 0, provider: network.provider });
  const { port } = (await server.listen()) as AddressInfo;
  return { rpcUrl: `http://127.0.0.1:${port}`, close: () => server.close() };
}
