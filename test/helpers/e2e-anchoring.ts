// An instance whose anchoring worker runs inside the test, against the e2e environment's Anvil node (directly or
// through a proxy), so that a test can write records, run rounds and look at the database between them. The records
// are written through the domain, as the API writes them.
import type { DataSource } from "typeorm";
import { AnchoringWorker, type AnchoringOptions } from "../../api/src/anchoring";
import { EMBEDDED_CHAIN_ID, providerFor } from "../../api/src/chain";
import { createRepositories, withTransaction, type Repositories } from "../../api/src/data-access";
import type { Actor, Institution } from "../../api/src/domain/institution";
import { recordStep } from "../../api/src/domain/membership/records";
import { JOURNEY } from "../../api/src/seed/journey";
import { createLogger } from "../../api/src/lib/logger";
import { walkMember } from "../../api/src/seed/walk";
import { createInstitution } from "../../api/src/server";
import { randomPerson } from "./anchored";
import { createE2eEnvironment, E2E_USERS, RECEIPT_POLL_MS, type E2eEnvironment } from "./e2e";
import { inParallel, sleep } from "./e2e-client";

const ROUND_PAUSE_MS = 20;
const WRITERS = 8;

export interface InProcessAnchoring {
  environment: E2eEnvironment;
  dataSource: DataSource;
  repositories: Repositories;
  institution: Institution;
  /** Enters `people` new members in branch A, each walked up to step `upTo`; resolves with their member ids. */
  walk(people: number, upTo: string): Promise<string[]>;
  /** Records the journey's `step` for a member walked before, as its clerk or approver would. */
  recordStep(memberId: string, step: string): Promise<void>;
  /** A worker signing with the instance's key, talking to the node at `rpcUrl` (the environment's by default). */
  worker(options?: Partial<AnchoringOptions>, rpcUrl?: string): AnchoringWorker;
  /** Runs `worker` round after round until every item is final and a final checkpoint covers every record. */
  anchorToTheEnd(worker: AnchoringWorker, maxRounds: number): Promise<number>;
  close(): Promise<void>;
}

export async function startInProcessAnchoring(): Promise<InProcessAnchoring> {
  const environment = await createE2eEnvironment();
  const closers: (() => Promise<void>)[] = [() => environment.close()];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    const dataSource = await environment.database.open();
    closers.push(() => dataSource.destroy());
    const repositories = createRepositories(dataSource.manager);
    const institution = createInstitution(dataSource, environment.database.keys);
    const [clerk, approver] = await Promise.all([actorOf(repositories, E2E_USERS.clerk), actorOf(repositories, E2E_USERS.approver)]);
    const { chain } = environment;
    return {
      environment,
      dataSource,
      repositories,
      institution,
      async walk(people, upTo) {
        const walked = await inParallel(Array.from({ length: people }), WRITERS, () =>
          walkMember(institution, clerk, approver, { orgId: chain.orgs.branchA, personal: randomPerson(), upTo }),
        );
        return walked.map(([enrolled]) => enrolled.memberId);
      },
      async recordStep(memberId, step) {
        const { effectiveDate, fields } = JOURNEY.find((record) => record.step === step)!;
        const actor = institution.ruleSet.step(step)!.recordedBy === "APPROVER" ? approver : clerk;
        await recordStep(institution, actor, memberId, { step, effectiveDate, fields: fields, evidence: [] });
      },
      worker(options = {}, rpcUrl = chain.rpcUrl) {
        const provider = providerFor(rpcUrl, EMBEDDED_CHAIN_ID);
        provider.pollingInterval = RECEIPT_POLL_MS;
        closers.push(async () => provider.destroy());
        return new AnchoringWorker(
          {
            repositories,
            transaction: (work) => withTransaction(dataSource, work),
            provider,
            signer: chain.instanceKey.connect(provider),
            addresses: chain.deployment.contracts,
            chainId: EMBEDDED_CHAIN_ID,
            logger: createLogger({ level: "silent" }),
            now: () => institution.now(),
            fromBlock: chain.deployment.deploymentBlock,
          },
          {
            logId: chain.orgs.committeeA,
            everyRecords: 20,
            everySeconds: 3600,
            confirmations: 1,
            batchSize: 8,
            pollIntervalMs: 50,
            maxBackoffMs: 500,
            ...options,
          },
        );
      },
      async anchorToTheEnd(worker, maxRounds) {
        const records = (await repositories.records.listLogHashes(0, 1_000_000)).length;
        for (let round = 1; round <= maxRounds; round += 1) {
          await worker.runOnce();
          const outbox = await repositories.outbox.countByState();
          if (outbox.PENDING + outbox.SENT + outbox.MINED === 0) {
            if (await repositories.checkpoints.finalCovering(records)) return round;
            await worker.checkpointNow();
          }
          await sleep(ROUND_PAUSE_MS);
        }
        throw new Error(`anchoring did not finish in ${maxRounds} rounds: ${JSON.stringify(await repositories.outbox.countByState())}`);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function actorOf(repositories: Repositories, username: string): Promise<Actor> {
  const account = (await repositories.accounts.findByUsername(username))!;
  return { accountId: account.id, orgId: account.orgId, role: account.role, canReadPersonalData: account.canReadPersonalData };
}
