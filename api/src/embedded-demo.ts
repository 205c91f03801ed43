// `npm start` with no chain configured: the demo consortium on one machine. One embedded chain (Anvil, state under
// DATA_DIR/chain) carries the consortium's contracts; two universities each run an instance of their own, assembled
// as any instance is (run-instance.ts): 甲大学 on PORT with its database in DATA_DIR/pglite, 乙大学 on DEMO_PORT_B
// with its database in DATA_DIR/university-b/pglite (with DATABASE_URL: the schemas university_a and university_b of
// that database, the demo's own), each signing with a key of its own. A transfer between them goes the way it goes between two real universities:
// over the chain, the member file fetched from the other instance's published address.
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { DataSource } from "typeorm";
import { CHAIN_ROLES, connectConsortium, devSigner, loadOrDeploy, providerFor, startEmbeddedNode, type EmbeddedNode } from "./chain";
import { loadDemoSecondConfig, type Config } from "./config";
import { createDataSource, dropSchema, type Repositories } from "./data-access";
import type { ConnectedChain } from "./instance";
import type { Logger } from "./lib/logger";
import { runInstance, type RunningInstance } from "./run-instance";
import { seedDemoChain, seedDemoUniversity, type DemoAccount, type DemoContracts, type DemoUniversity } from "./seed/demo";
import { createInstitution } from "./server";

const CONSORTIUM_NAME = "高校党建联盟（演示）";
/** Dev-mnemonic account 0 of the embedded chain governs the consortium. */
const GOVERNANCE_SIGNER_INDEX = 0;
/** 乙大学's instance keeps its files here, under DATA_DIR. */
const SECOND_DATA_DIR = "university-b";
export const DEMO_ACCOUNTS_FILE = "demo-accounts.txt";

interface DemoUniversityPlan {
  readonly university: DemoUniversity;
  readonly name: string;
  /** Its instance's key: this dev-mnemonic account of the embedded chain. */
  readonly signerIndex: number;
  readonly config: Config;
  /** Its embedded database's directory; with DATABASE_URL, its schema there. */
  readonly pgliteDir: string;
  readonly schema: string;
}

export interface EmbeddedDemo {
  /** Each university's instance, 甲大学 first. */
  readonly instances: readonly { readonly name: string; readonly url: string }[];
  stop(): Promise<void>;
}

/** The two universities' settings: 甲大学's are `config` itself, 乙大学's the same but for its port and files. */
function planOf(config: Config): [DemoUniversityPlan, DemoUniversityPlan] {
  const secondDir = path.join(config.dataDir, SECOND_DATA_DIR);
  const second = loadDemoSecondConfig(config, secondDir);
  return [
    { university: "a", name: "甲大学", signerIndex: 1, config, pgliteDir: path.join(config.dataDir, "pglite"), schema: "university_a" },
    { university: "b", name: "乙大学", signerIndex: 2, config: second, pgliteDir: path.join(secondDir, "pglite"), schema: "university_b" },
  ];
}

async function resetDatabase(plan: DemoUniversityPlan, logger: Logger): Promise<void> {
  const { databaseUrl } = plan.config;
  if (databaseUrl === undefined && !existsSync(plan.pgliteDir)) return;
  logger.warn({ university: plan.name }, "the embedded chain was new: resetting the database beside it so both stay consistent");
  if (databaseUrl === undefined) rmSync(plan.pgliteDir, { recursive: true, force: true });
  else await dropSchema(databaseUrl, plan.schema);
}

function openDatabase(plan: DemoUniversityPlan): Promise<DataSource> {
  const { databaseUrl } = plan.config;
  return createDataSource(databaseUrl ? { databaseUrl, schema: plan.schema } : { dataDir: plan.pgliteDir });
}

type Opening = Promise<{ databases: DataSource[] } | { error: unknown }>;

/** Both universities' databases, side by side; when one cannot open, the other is closed again. */
async function openDatabases(plans: readonly DemoUniversityPlan[]): Opening {
  const openings = await Promise.allSettled(plans.map(openDatabase));
  const databases = openings.flatMap((opening) => (opening.status === "fulfilled" ? [opening.value] : []));
  const failed = openings.find((opening) => opening.status === "rejected");
  if (failed === undefined) return { databases };
  await Promise.all(databases.map((dataSource) => dataSource.destroy()));
  return { error: failed.reason };
}

async function databasesOf(opening: Opening): Promise<DataSource[]> {
  const outcome = await opening;
  if ("error" in outcome) throw outcome.error;
  return outcome.databases;
}

/** Starts the chain, seeds the demo on first start, and runs both universities' instances. */
export async function startEmbeddedDemo(config: Config, logger: Logger): Promise<EmbeddedDemo> {
  const plans = planOf(config);
  const existed = plans.some((plan) => plan.config.databaseUrl !== undefined || existsSync(plan.pgliteDir));
  // Opening the databases (restoring new ones) is most of a start's time, spent in this process; starting the chain
  // and deploying to it is mostly Anvil's: both go on at once.
  const opening = openDatabases(plans);
  let node: EmbeddedNode;
  try {
    node = await startEmbeddedNode({ stateDir: path.join(config.dataDir, "chain"), port: config.embeddedChainPort });
  } catch (error) {
    await databasesOf(opening).then(
      (databases) => Promise.all(databases.map((dataSource) => dataSource.destroy())),
      () => undefined,
    );
    throw error;
  }
  let opened: DataSource[] | undefined;
  const running: RunningInstance[] = [];
  try {
    const provider = providerFor(node.rpcUrl, node.chainId);
    const governance = devSigner(provider, GOVERNANCE_SIGNER_INDEX);
    const { deployment, created } = await loadOrDeploy({
      provider,
      signer: governance,
      deploymentFile: config.deploymentFile,
      consortiumName: CONSORTIUM_NAME,
    });
    opened = await databasesOf(opening);
    if (created && existed) {
      // Records anchored on a chain that no longer exists would have no proof: keep chain and databases together.
      await Promise.all(opened.map((dataSource) => dataSource.destroy()));
      opened = [];
      for (const plan of plans) await resetDatabase(plan, logger);
      opened = await databasesOf(openDatabases(plans));
    }
    logger.info({ rpcUrl: node.rpcUrl, registry: deployment.contracts.registry, created }, "embedded chain ready");
    const governed = connectConsortium(deployment, governance);
    const databases = opened;
    const institutions = plans.map((plan, index) => createInstitution(databases[index], plan.config));
    const signers = plans.map((plan) => devSigner(provider, plan.signerIndex));

    const empty = await Promise.all(institutions.map(async ({ repositories }) => (await repositories.organizations.list()).length === 0));
    if (empty[0] !== empty[1]) {
      const emptyOne = plans[empty.indexOf(true)].name;
      throw new Error(`${emptyOne}'s database is empty but the other university's is not: delete ${config.dataDir} to start the demo over`);
    }
    if (empty[0]) {
      logger.info("first start: seeding the demo consortium of 甲大学 and 乙大学");
      const orgs = await seedDemoChain(governed, { a: signers[0].address, b: signers[1].address });
      const accounts = await Promise.all(
        plans.map((plan, index) => seedDemoUniversity(governed, institutions[index], orgs, plan.university)),
      );
      writeDemoAccounts(path.join(config.dataDir, DEMO_ACCOUNTS_FILE), plans, accounts);
    }

    for (const [index, plan] of plans.entries()) {
      const logId = plan.config.logId ?? (await homeCommitteeOf(governed, institutions[index].repositories, signers[index].address));
      await publishEndpoint(governed, logId, plan.config.publicBaseUrl);
      const chain: ConnectedChain = { provider, deployment, signer: signers[index] };
      running.push(
        await runInstance({
          config: { ...plan.config, logId },
          logger: logger.child({ university: plan.name }),
          dataSource: databases[index],
          chain,
        }),
      );
    }
    return {
      instances: running.map((instance, index) => ({ name: plans[index].name, url: instance.url })),
      async stop() {
        await Promise.all(running.map((instance) => instance.stop()));
        provider.destroy();
        await node.stop();
      },
    };
  } catch (error) {
    await Promise.all(running.map((instance) => instance.stop()));
    opened ??= await databasesOf(opening).catch(() => []);
    for (const dataSource of opened.slice(running.length)) await dataSource.destroy();
    await node.stop();
    throw error;
  }
}

/** The committee the instance's key signs for (an Attester of it): its log, whatever the organizations' names or ids. */
async function homeCommitteeOf(
  contracts: DemoContracts,
  repositories: Pick<Repositories, "organizations">,
  account: string,
): Promise<number> {
  for (const organization of await repositories.organizations.list()) {
    if (organization.kind === "COMMITTEE" && (await contracts.registry.hasRole(organization.id, account, CHAIN_ROLES.ATTESTER)))
      return organization.id;
  }
  throw new Error(`the database holds no committee that ${account} signs for: delete the data directory to start the demo over`);
}

/** Publishes where the university's instance answers, so the other fetches member files there; only when it moved. */
async function publishEndpoint(contracts: DemoContracts, committee: number, url: string): Promise<void> {
  if ((await contracts.registry.serviceEndpoint(committee)) === url) return;
  await (await contracts.registry.setServiceEndpoint(committee, url)).wait();
}

function writeDemoAccounts(file: string, plans: readonly DemoUniversityPlan[], accounts: readonly DemoAccount[][]): void {
  const sections = plans.map((plan, index) => {
    const lines = accounts[index].map((a) => `  ${a.username.padEnd(12)} ${a.password.padEnd(14)} ${a.role.padEnd(10)} ${a.orgName}`);
    return `${plan.name} (${plan.config.publicBaseUrl}):\n${lines.join("\n")}`;
  });
  const text = `Demo accounts (username, password, role, organization), one instance per university:\n${sections.join("\n")}\n`;
  writeFileSync(file, text, { mode: 0o600 });
  process.stdout.write(`\n${text}(also saved in ${file})\n\n`);
}
