// Two universities' instances as separate processes, set up as their operators would: one Anvil node with the
// consortium deployed by governance (dev account 0), university A's key (account 1) Attester of committee A and B's
// key (account 2) Attester of committee B, each committee's instance address published on chain; a PostgreSQL database
// of each instance's own with the organizations mirrored and a clerk, an approver and an auditor; and `npm start` of
// each, serving its HTTP API. close() ends every process and drops both databases, whatever state the test left.
import path from "node:path";
import type { HDNodeWallet, JsonRpcProvider } from "ethers";
import {
  EMBEDDED_CHAIN_ID,
  connectConsortium,
  devSigner,
  grantRole,
  loadOrDeploy,
  providerFor,
  registerCommittee,
  registerOrganization,
  startEmbeddedNode,
  type ConsortiumDeployment,
} from "../../api/src/chain";
import { ApiClient, ApiError, waitForHealth } from "./e2e-client";
import { E2E_PASSWORD, RECEIPT_POLL_MS, createDatabase, createTeardown, instanceEnv, seedDatabase, type E2eDatabase } from "./e2e";
import { spawnInstance, type InstanceProcess } from "./e2e-processes";
import { freePort, freePorts } from "./ports";

/** Beside instanceEnv's quick anchoring: a quick indexer, so each instance sees the other's transactions soon. */
const INSTANCE_SETTINGS = { HOST: "127.0.0.1", INDEXER_POLL_MS: "200" };

export type Role = "clerk" | "approver" | "auditor";

export interface FederationInstance {
  readonly name: "A" | "B";
  readonly baseUrl: string;
  /** The instance's chain key, Attester of its committee. */
  readonly key: HDNodeWallet;
  /** Its committee (the log id) and the branch its clerk works in. */
  readonly orgs: { readonly committee: number; readonly branch: number };
  readonly usernames: Readonly<Record<Role, string>>;
  readonly process: InstanceProcess;
  readonly database: E2eDatabase;
}

export interface FederationEnvironment {
  readonly rpcUrl: string;
  readonly provider: JsonRpcProvider;
  readonly deployment: ConsortiumDeployment;
  readonly a: FederationInstance;
  readonly b: FederationInstance;
  /** The tail of what each instance printed, to explain a failure. */
  output(): string;
  close(): Promise<void>;
}

export async function createFederationEnvironment(): Promise<FederationEnvironment> {
  const { workDir, cleanups, processes, close } = createTeardown("cunzheng-e2e-federation-");
  try {
    const node = await startEmbeddedNode({ stateDir: path.join(workDir, "chain"), port: await freePort() });
    cleanups.push(() => node.stop());
    const provider = providerFor(node.rpcUrl, EMBEDDED_CHAIN_ID);
    provider.pollingInterval = RECEIPT_POLL_MS;
    cleanups.push(async () => provider.destroy());
    const governance = devSigner(provider, 0);
    const deploymentFile = path.join(workDir, "deployment.json");
    const { deployment } = await loadOrDeploy({ provider, signer: governance, deploymentFile, consortiumName: "高校党建联盟" });
    const { registry } = connectConsortium(deployment, governance);
    const committeeA = await registerCommittee(registry, "甲大学党委", true);
    const generalBranchA = await registerOrganization(registry, committeeA, "GENERAL_BRANCH", "计算机学院党总支");
    const branchA = await registerOrganization(registry, generalBranchA, "BRANCH", "计算机学院本科生第一党支部");
    const committeeB = await registerCommittee(registry, "乙大学党委", true);
    const branchB = await registerOrganization(registry, committeeB, "BRANCH", "数学学院党支部");
    const [portA, portB] = await freePorts(2);
    const plans = [
      { name: "A", key: devSigner(provider, 1), orgs: { committee: committeeA, branch: branchA }, port: portA },
      { name: "B", key: devSigner(provider, 2), orgs: { committee: committeeB, branch: branchB }, port: portB },
    ] as const;
    for (const plan of plans) {
      await grantRole(registry, plan.orgs.committee, plan.key.address, "ATTESTER");
      await (await registry.setServiceEndpoint(plan.orgs.committee, baseUrlOf(plan.port))).wait();
    }
    const chain = { rpcUrl: node.rpcUrl, deploymentFile, deployment, provider };
    // Both settle before anything is cleaned up: a half-started instance must not spawn after close() has run.
    const started = await Promise.allSettled(
      plans.map(async (plan): Promise<FederationInstance> => {
        const database = await createDatabase(workDir, cleanups);
        const usernames = { clerk: `${plan.name}-clerk`, approver: `${plan.name}-approver`, auditor: `${plan.name}-auditor` };
        await seedDatabase(database, chain, [
          { username: usernames.clerk, role: "CLERK", orgId: plan.orgs.branch, canReadPersonalData: true },
          { username: usernames.approver, role: "APPROVER", orgId: plan.orgs.committee, canReadPersonalData: true },
          { username: usernames.auditor, role: "AUDITOR", orgId: plan.orgs.committee, canReadPersonalData: false },
        ]);
        const child = spawnInstance("main", {
          ...instanceEnv(chain, database, { privateKey: plan.key.privateKey, logId: plan.orgs.committee }),
          ...INSTANCE_SETTINGS,
          PORT: String(plan.port),
        });
        processes.push(child);
        const baseUrl = baseUrlOf(plan.port);
        await waitForHealth(baseUrl, child);
        return { name: plan.name, baseUrl, key: plan.key, orgs: plan.orgs, usernames, process: child, database };
      }),
    );
    const failed = started.find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
    const [a, b] = started.map((result) => (result as PromiseFulfilledResult<FederationInstance>).value);
    return {
      rpcUrl: node.rpcUrl,
      provider,
      deployment,
      a,
      b,
      output: () => [a, b].map((instance) => `--- instance ${instance.name} ---\n${instance.process.output()}`).join("\n"),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** One user logged in to one instance. */
export class Session {
  private constructor(
    /** The end-to-end client, for what it already knows (waiting for records to anchor). */
    readonly api: ApiClient,
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async login(instance: FederationInstance, role: Role): Promise<Session> {
    const username = instance.usernames[role];
    // ApiClient keeps its token to itself: the calls it does not offer go with a token of their own.
    const [api, login] = await Promise.all([
      ApiClient.login(instance.baseUrl, username, E2E_PASSWORD),
      send<{ token: string }>(instance.baseUrl, undefined, "POST", "/api/auth/login", { username, password: E2E_PASSWORD }),
    ]);
    if (login.status !== 200) throw new ApiError(login.status, login.body, `logging in as ${username}`);
    return new Session(api, instance.baseUrl, login.body.token);
  }

  /** Any answer, with its status: for refusals the test expects. */
  request<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    return send(this.baseUrl, this.token, method, path, body);
  }

  /** The answer's body; anything but the expected status throws with what the instance said. */
  async call<T = any>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const answer = await this.request<T>(method, path, body);
    if (answer.status !== expected) throw new ApiError(answer.status, answer.body, `${method} ${path}`);
    return answer.body;
  }
}

async function send<T>(
  baseUrl: string,
  token: string | undefined,
  method: string,
  path: string,
  body: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

function baseUrlOf(port: number): string {
  return `http://127.0.0.1:${port}`;
}
