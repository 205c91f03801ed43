// Two institutions in one test process: each with its own scratch database, field keys, chain key, anchoring worker,
// event indexer and file fetcher, over the one in-process Hardhat chain; university A also serves its HTTP API so that
// B fetches member files from it over real HTTP, as between two instances. University A's key is attesterA
// (committee A), B's is attesterB (committee B): each serves only its own university.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { BrowserProvider } from "ethers";
import { ethers, network } from "hardhat";
import { AnchoringWorker, LogTree } from "../../api/src/anchoring";
import {
  cachedChainReader,
  createAuditChainReader,
  createChainReader,
  createFederationReader,
  devSigner,
  type ConsortiumAddresses,
} from "../../api/src/chain";
import { EventIndexer } from "../../api/src/indexer/event-indexer";
import { loadConfig } from "../../api/src/config";
import { withTransaction } from "../../api/src/data-access";
import { openScratchDatabase, ORG_IDS, seedConsortium, type ScratchDatabase } from "../../api/src/data-access/testing";
import { runAuditSweep, type AuditReport } from "../../api/src/domain/audit";
import { chainEventHandler, EVENT_CURSOR, FileFetcher } from "../../api/src/domain/federation";
import type { Actor, Institution } from "../../api/src/domain/institution";
import { createLogger } from "../../api/src/lib/logger";
import { walkMember } from "../../api/src/seed/walk";
import { createInstitution, createServer } from "../../api/src/server";
import { randomPerson, TEST_ANCHORING } from "./anchored";
import { chainOf } from "./bundles";
import { deployConsortium, type Consortium } from "./fixture";

/** Hardhat's default accounts: index 2 is the fixture's attesterA, 5 attesterB, 6 an outsider holding no role. */
export const SIGNERS = { attesterA: 2, attesterB: 5, outsider: 6 } as const;

const SILENT = createLogger({ level: "silent" });

export interface Institute {
  readonly name: "A" | "B";
  readonly database: ScratchDatabase;
  readonly institution: Institution;
  readonly worker: AnchoringWorker;
  readonly indexer: EventIndexer;
  readonly fetcher: FileFetcher;
  readonly actors: { clerk: Actor; approver: Actor; auditor: Actor };
  /** Moves this institution's clock (its domain's `now`), e.g. past a letter's validity. */
  advanceClock(ms: number): void;
  audit(): Promise<AuditReport>;
}

export interface Federation {
  readonly consortium: Consortium;
  readonly a: Institute & { readonly baseUrl: string };
  readonly b: Institute;
  /** Enters a person at branch A and records the journey up to `upTo` (walk.ts, four years later). */
  walkAtA(upTo: string): Promise<string>;
  /** Runs workers, indexers and fetchers until the chain and both databases agree. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function startFederation(options: { signerOfB?: number } = {}): Promise<Federation> {
  const consortium = await loadFixture(deployConsortium);
  const provider = new BrowserProvider(network.provider, undefined, { cacheTimeout: -1 });
  const chainId = Number((await provider.getNetwork()).chainId);
  const addresses: ConsortiumAddresses = {
    registry: await consortium.registry.getAddress(),
    membership: await consortium.membership.getAddress(),
    transfers: await consortium.transfers.getAddress(),
    checkpoints: await consortium.checkpoints.getAddress(),
  };
  const context = { provider, chainId, addresses };
  const a = await startInstitute("A", SIGNERS.attesterA, ORG_IDS.committeeA, ORG_IDS.branchA, context);
  const b = await startInstitute("B", options.signerOfB ?? SIGNERS.attesterB, ORG_IDS.committeeB, ORG_IDS.branchB, context);
  const server = await serveInstitute(a);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await (await consortium.registry.setServiceEndpoint(ORG_IDS.committeeA, baseUrl)).wait();
  const settle = async () => {
    for (let round = 0; round < 4; round += 1) {
      for (const institute of [a, b]) {
        await institute.worker.runOnce();
        await institute.worker.checkpointNow();
        await institute.worker.runOnce();
        await institute.indexer.runOnce();
        await institute.fetcher.runOnce();
      }
    }
  };
  return {
    consortium,
    a: { ...a, baseUrl },
    b,
    async walkAtA(upTo) {
      const [enrolled] = await walkMember(a.institution, a.actors.clerk, a.actors.approver, {
        orgId: ORG_IDS.branchA,
        personal: randomPerson(),
        upTo,
        yearsLater: 4,
      });
      return enrolled.memberId;
    },
    settle,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await a.database.close();
      await b.database.close();
    },
  };
}

export type ChainContext = { provider: BrowserProvider; chainId: number; addresses: ConsortiumAddresses };

/** The chain-event indexer an instance holding `account`'s key runs in production, over its own database. */
export function eventIndexerOf(chain: Omit<ChainContext, "chainId">, institution: Institution, account: string): EventIndexer {
  return new EventIndexer(
    {
      provider: chain.provider,
      addresses: { registry: chain.addresses.registry, transfers: chain.addresses.transfers },
      transaction: (work) => institution.transaction(work),
      repositories: institution.repositories,
      apply: chainEventHandler({
        account: account.toLowerCase(),
        reader: createFederationReader(chain.provider, chain.addresses),
        institution,
      }),
      logger: SILENT,
    },
    { cursorName: EVENT_CURSOR, fromBlock: 0, confirmations: 1, batchBlocks: 1_000, pollIntervalMs: 50, maxBackoffMs: 500 },
  );
}

export async function startInstitute(
  name: "A" | "B",
  signerIndex: number,
  committeeId: number,
  branchId: number,
  chain: ChainContext,
): Promise<Institute> {
  const database = await openScratchDatabase(process.env.DATABASE_URL);
  await seedConsortium(database.repositories);
  let clockOffsetMs = 0;
  const base = createInstitution(database.dataSource, { fieldEncryptionKey: randomHex(32), blindIndexKey: randomHex(32) });
  const signer = devSigner(ethers.provider, signerIndex);
  const tree = new LogTree(database.repositories);
  const reader = createFederationReader(chain.provider, chain.addresses);
  const institution: Institution = {
    ...base,
    now: () => new Date(Date.now() + clockOffsetMs),
    proofs: {
      logId: committeeId,
      chain: chainOf(chain.chainId, chain.addresses),
      tree,
      reader: cachedChainReader(createChainReader(chain.provider), { maxEntries: 1_000 }),
      confirmations: 1,
    },
    federation: {
      reader,
      signer,
      requestChain: { chainId: chain.chainId, transferLedger: chain.addresses.transfers },
      requestMaxAgeSeconds: 300,
      clockSkewSeconds: 30,
      fetch: globalThis.fetch,
      fetchTimeoutMs: 10_000,
    },
  };
  const worker = new AnchoringWorker(
    {
      repositories: database.repositories,
      transaction: (work) => withTransaction(database.dataSource, work),
      provider: ethers.provider,
      signer,
      addresses: chain.addresses,
      chainId: chain.chainId,
      logger: SILENT,
      now: () => institution.now(),
      tree,
    },
    { ...TEST_ANCHORING, logId: committeeId },
  );
  const fetcher = new FileFetcher(institution, SILENT, { pollIntervalMs: 50, maxRetryMs: 50 });
  const indexer = eventIndexerOf(chain, institution, await signer.getAddress());
  const account = async (role: Actor["role"], orgId: number, canReadPersonalData: boolean): Promise<Actor> => {
    const created = await database.repositories.accounts.create({
      username: `${name}-${role}-${randomHex(4)}`.toLowerCase(),
      passwordHash: "$argon2id$test-only",
      role,
      orgId,
      canReadPersonalData,
    });
    return { accountId: created.id, orgId, role, canReadPersonalData };
  };
  return {
    name,
    database,
    institution,
    worker,
    indexer,
    fetcher,
    actors: {
      clerk: await account("CLERK", branchId, true),
      approver: await account("APPROVER", committeeId, true),
      auditor: await account("AUDITOR", committeeId, false),
    },
    advanceClock(ms) {
      clockOffsetMs += ms;
    },
    audit: () =>
      runAuditSweep(
        { repositories: database.repositories, chain: createAuditChainReader(chain.provider, chain.addresses), cipher: institution.cipher },
        { logId: committeeId, deadlineSeconds: 3600, fromBlock: 0, now: () => institution.now() },
      ),
  };
}

/** An institute's HTTP API, as its instance serves it: the other's fetcher calls it. */
export async function serveInstitute(institute: Institute): Promise<Server> {
  const config = loadConfig({
    DATABASE_URL: "postgres://unused@127.0.0.1/unused",
    FIELD_ENCRYPTION_KEY: randomHex(32),
    BLIND_INDEX_KEY: randomHex(32),
    TOKEN_SECRET: randomHex(32),
    LOG_LEVEL: "silent",
  });
  const app = createServer({ config, logger: SILENT, dataSource: institute.database.dataSource, institution: institute.institution });
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  return server;
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString("hex");
}
