// A whole instance for a benchmark, set up from nothing and torn down afterwards: a fresh Anvil on a free loopback
// port with the contracts deployed, committee A and its branch A registered, the instance's key their Attester, a
// database (PGlite in a temporary directory, or PostgreSQL in a scratch schema when DATABASE_URL is set), the API on
// 127.0.0.1 and the anchoring worker in the same process, composed as api/src/main.ts composes them.
import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pino from "pino";
import type { DataSource } from "typeorm";
import { LogTree } from "../../../api/src/anchoring";
import {
  connectConsortium,
  deployConsortium,
  devSigner,
  grantRole,
  providerFor,
  readOrganizationTree,
  registerCommittee,
  registerOrganization,
  startEmbeddedNode,
} from "../../../api/src/chain";
import { loadConfig } from "../../../api/src/config";
import { createDataSource } from "../../../api/src/data-access";
import { openScratchDatabase } from "../../../api/src/data-access/testing";
import { anchoringViews } from "../../../api/src/domain/anchoring-state";
import type { Actor, Institution } from "../../../api/src/domain/institution";
import type { PersonalData } from "../../../api/src/domain/membership/members";
import { issueToken } from "../../../api/src/http/auth/tokens";
import { createWorker, proofSourcesFor, type ConnectedChain } from "../../../api/src/instance";
import { createLogger } from "../../../api/src/lib/logger";
import { createInstitution, createServer } from "../../../api/src/server";
import { freePort } from "../../../test/helpers/ports";

const GOVERNANCE_INDEX = 0;
const INSTANCE_SIGNER_INDEX = 1;
const FINAL_WAIT_MS = 120_000;

export interface BenchInstanceOptions {
  /** Seconds between Anvil blocks; omitted: a block per transaction. */
  blockTimeSeconds?: number;
  /** Instance settings as an operator gives them (ANCHOR_POLL_MS, CHECKPOINT_EVERY_SECONDS…); reported as given. */
  settings: Record<string, string>;
  /** false: the anchoring worker is built but not started (a benchmark of database writes alone); default true. */
  startWorker?: boolean;
}

export interface BenchInstance {
  baseUrl: string;
  /** The Anvil node's JSON-RPC URL, for verifying bundles against the chain alone. */
  rpcUrl: string;
  /** A temporary directory of the run's own, removed on close. */
  scratchDir: string;
  /** Which database the run used, in words for the report. */
  database: string;
  institution: Institution;
  branchId: number;
  actors: Record<"clerk" | "approver" | "auditor", Actor>;
  /** Bearer tokens of the actors, for calls through the API. */
  tokens: Record<"clerk" | "approver" | "auditor", string>;
  /** Resolves once every record named is FINAL; rejects if one fails or the wait runs out. */
  waitUntilFinal(recordIds: number[]): Promise<void>;
  close(): Promise<void>;
}

export async function startBenchInstance(options: BenchInstanceOptions): Promise<BenchInstance> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cunzheng-bench-"));
  const cleanups: (() => Promise<void> | void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    return await assemble(dir, options, cleanups, close);
  } catch (error) {
    await close();
    throw error;
  }
}

async function assemble(
  dir: string,
  options: BenchInstanceOptions,
  cleanups: (() => Promise<void> | void)[],
  close: () => Promise<void>,
): Promise<BenchInstance> {
  const node = await startEmbeddedNode({
    stateDir: path.join(dir, "chain"),
    port: await freePort(),
    blockTimeSeconds: options.blockTimeSeconds,
  });
  cleanups.push(() => node.stop());
  const provider = providerFor(node.rpcUrl, node.chainId);
  cleanups.push(() => provider.destroy());
  const governance = devSigner(provider, GOVERNANCE_INDEX);
  const signer = devSigner(provider, INSTANCE_SIGNER_INDEX);
  const deployment = await deployConsortium(governance, "高校党建联盟（基准测试）");
  const { registry } = connectConsortium(deployment, governance);
  const committeeId = await registerCommittee(registry, "甲大学党委", true);
  const branchId = await registerOrganization(registry, committeeId, "BRANCH", "计算机学院本科生第一党支部");
  await grantRole(registry, committeeId, await signer.getAddress(), "ATTESTER");
  const chain: ConnectedChain = { provider, deployment, signer };

  const database = await openDatabase(dir);
  cleanups.push(database.close);
  const config = loadConfig({
    DATA_DIR: dir,
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: process.env.DATABASE_URL,
    FIELD_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    BLIND_INDEX_KEY: randomBytes(32).toString("hex"),
    TOKEN_SECRET: randomBytes(32).toString("hex"),
    TOKEN_TTL_SECONDS: "3600",
    LOG_ID: String(committeeId),
    ...options.settings,
  });
  // Logged as in production (one line per request), into a file so the benchmark's own output stays readable.
  const logger = createLogger({ level: config.logLevel, destination: pino.destination(path.join(dir, "instance.log")) });
  const base = createInstitution(database.dataSource, config);
  for (const { id, parentId, kind, name, mayApprove } of await readOrganizationTree(registry)) {
    await base.repositories.organizations.upsertFromChain({ id, parentId, kind, name, mayApprove });
  }
  const tree = new LogTree(base.repositories);
  const worker = createWorker({ config, logger, dataSource: database.dataSource, institution: base, chain, logId: committeeId, tree });
  const institution: Institution = {
    ...base,
    proofs: proofSourcesFor(chain, committeeId, tree, config.chainConfirmations),
    transaction: async (work) => {
      const result = await base.transaction(work);
      worker.poke();
      return result;
    },
  };
  if (options.startWorker !== false) {
    worker.start();
    cleanups.push(() => worker.stop());
  }

  const server = createServer({ config, logger, dataSource: database.dataSource, institution, provider }).listen(0, config.host);
  await new Promise((resolve) => server.once("listening", resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );

  const actors = await createActors(base, committeeId, branchId);
  const token = async (actor: Actor) => {
    const session = await base.repositories.sessions.open(actor.accountId, new Date());
    return (
      await issueToken(
        { accountId: actor.accountId, sessionId: session.id },
        { secret: config.tokenSecret, ttlSeconds: config.tokenTtlSeconds },
      )
    ).token;
  };
  return {
    baseUrl: `http://${config.host}:${(server.address() as AddressInfo).port}`,
    rpcUrl: node.rpcUrl,
    scratchDir: dir,
    database: database.description,
    institution,
    branchId,
    actors,
    tokens: { clerk: await token(actors.clerk), approver: await token(actors.approver), auditor: await token(actors.auditor) },
    waitUntilFinal: (recordIds) => waitUntilFinal(base, recordIds),
    close,
  };
}

async function openDatabase(dir: string): Promise<{ dataSource: DataSource; description: string; close(): Promise<void> }> {
  const databaseUrl = process.env.DATABASE_URL || undefined;
  if (databaseUrl) {
    const scratch = await openScratchDatabase(databaseUrl);
    return { ...scratch, description: "PostgreSQL (DATABASE_URL), in a scratch schema dropped afterwards" };
  }
  const dataSource = await createDataSource({ dataDir: path.join(dir, "pglite") });
  return { dataSource, description: "PGlite in a temporary directory", close: () => dataSource.destroy() };
}

async function createActors(institution: Institution, committeeId: number, branchId: number) {
  const account = async (role: Actor["role"], orgId: number, canReadPersonalData: boolean): Promise<Actor> => {
    const username = `${role.toLowerCase()}-${randomBytes(4).toString("hex")}`;
    // Benchmarks open sessions directly: nobody logs in, so the hash is never checked.
    const created = await institution.repositories.accounts.create({
      username,
      passwordHash: "$argon2id$bench-only",
      role,
      orgId,
      canReadPersonalData,
    });
    return { accountId: created.id, orgId, role, canReadPersonalData };
  };
  return {
    clerk: await account("CLERK", branchId, true),
    approver: await account("APPROVER", committeeId, true),
    auditor: await account("AUDITOR", committeeId, false),
  };
}

async function waitUntilFinal(institution: Institution, recordIds: number[]): Promise<void> {
  const deadline = Date.now() + FINAL_WAIT_MS;
  for (;;) {
    const views = [...(await anchoringViews(institution.repositories, recordIds)).entries()];
    const failed = views.find(([, view]) => view.state === "FAILED");
    if (failed) throw new Error(`record ${failed[0]} failed to anchor: ${failed[1].error?.message}`);
    if (views.every(([, view]) => view.state === "FINAL")) return;
    if (Date.now() > deadline) throw new Error(`records still not final after ${FINAL_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A made-up person: the ID number is unique with overwhelming probability (18 random digits). */
export function benchPerson(): PersonalData {
  const idNumber = Array.from({ length: 18 }, () => randomInt(10)).join("");
  return { name: "基准测试", idNumber, birthDate: "2000-05-10" };
}

/** A JSON call to the instance's API; resolves with the status and the parsed body. */
export async function callApi<T>(
  instance: Pick<BenchInstance, "baseUrl">,
  method: "GET" | "POST",
  route: string,
  options: { token?: string; body?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${instance.baseUrl}${route}`, {
    method,
    headers: {
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...(options.body !== undefined && { "content-type": "application/json" }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  return { status: response.status, body: (await response.json()) as T };
}
