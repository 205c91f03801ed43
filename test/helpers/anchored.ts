// An institution whose writes reach the chain: a scratch database (PostgreSQL with DATABASE_URL, PGlite otherwise),
// the test consortium on the in-process Hardhat network, and an anchoring worker signing as attesterA (who is also
// granted Attester on committee B, so the instance serves both universities as the issue-3 tests expect).
import { randomBytes, randomInt } from "node:crypto";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { ethers } from "hardhat";
import { AnchoringWorker, LogTree, type AnchoringOptions } from "../../api/src/anchoring";
import { devSigner, type ConsortiumAddresses } from "../../api/src/chain";
import { withTransaction } from "../../api/src/data-access";
import { createClerk, openScratchDatabase, ORG_IDS, seedConsortium, type ScratchDatabase } from "../../api/src/data-access/testing";
import type { Actor, Institution } from "../../api/src/domain/institution";
import type { PersonalData } from "../../api/src/domain/membership/members";
import { createLogger } from "../../api/src/lib/logger";
import { walkMember } from "../../api/src/seed/walk";
import { createInstitution } from "../../api/src/server";
import { deployConsortium, Role, type Consortium } from "./fixture";

/** Hardhat's default accounts come from the same mnemonic as devSigner's: index 2 is the fixture's attesterA. */
export const INSTANCE_SIGNER_INDEX = 2;

export const TEST_ANCHORING: AnchoringOptions = {
  logId: ORG_IDS.committeeA,
  everyRecords: 10,
  everySeconds: 3600,
  confirmations: 1,
  batchSize: 100,
  pollIntervalMs: 50,
  maxBackoffMs: 500,
};

export interface AnchoredInstance {
  database: ScratchDatabase;
  institution: Institution;
  consortium: Consortium;
  addresses: ConsortiumAddresses;
  tree: LogTree;
  worker: AnchoringWorker;
  actors: { clerk: Actor; approver: Actor; auditor: Actor };
  /** Enters a new person in branch A and records the journey up to `upTo`. Returns the member id. */
  walk(upTo: string): Promise<string>;
  /** Runs the worker until nothing is left to send, then checkpoints what remains of both logs and makes everything final. */
  anchorAll(): Promise<void>;
  close(): Promise<void>;
}

export function randomPerson(): PersonalData {
  const digits = Array.from({ length: 17 }, () => randomInt(10)).join("");
  return { name: "测试人员", idNumber: `${digits}${randomInt(10)}`, birthDate: "2000-05-10" };
}

export async function startAnchoredInstance(options: Partial<AnchoringOptions> = {}): Promise<AnchoredInstance> {
  const consortium = await loadFixture(deployConsortium);
  await consortium.registry
    .connect(consortium.signers.adminB)
    .grantRole(ORG_IDS.committeeB, consortium.signers.attesterA.address, Role.Attester);
  // As in production: the instance's key is the only one that may checkpoint its log.
  await consortium.checkpoints.connect(consortium.signers.adminA).setLogWriter(ORG_IDS.committeeA, consortium.signers.attesterA.address);
  const database = await openScratchDatabase(process.env.DATABASE_URL);
  await seedConsortium(database.repositories);
  const institution = createInstitution(database.dataSource, {
    fieldEncryptionKey: randomBytes(32).toString("hex"),
    blindIndexKey: randomBytes(32).toString("hex"),
  });
  const clerk = await createClerk(database.repositories, ORG_IDS.branchA);
  const approver = await database.repositories.accounts.create({
    username: `approver-${randomBytes(4).toString("hex")}`,
    passwordHash: "$argon2id$test-only",
    role: "APPROVER",
    orgId: ORG_IDS.committeeA,
  });
  const auditor = await database.repositories.accounts.create({
    username: `auditor-${randomBytes(4).toString("hex")}`,
    passwordHash: "$argon2id$test-only",
    role: "AUDITOR",
    orgId: ORG_IDS.committeeA,
  });
  const actors = {
    clerk: { accountId: clerk.id, orgId: ORG_IDS.branchA, role: "CLERK", canReadPersonalData: true },
    approver: { accountId: approver.id, orgId: ORG_IDS.committeeA, role: "APPROVER", canReadPersonalData: true },
    auditor: { accountId: auditor.id, orgId: ORG_IDS.committeeA, role: "AUDITOR", canReadPersonalData: false },
  } satisfies Record<string, Actor>;
  const addresses: ConsortiumAddresses = {
    registry: await consortium.registry.getAddress(),
    membership: await consortium.membership.getAddress(),
    transfers: await consortium.transfers.getAddress(),
    checkpoints: await consortium.checkpoints.getAddress(),
  };
  const tree = new LogTree(database.repositories);
  const anchoring = { ...TEST_ANCHORING, ...options };
  const worker = new AnchoringWorker(
    {
      repositories: database.repositories,
      transaction: (work) => withTransaction(database.dataSource, work),
      provider: ethers.provider,
      signer: devSigner(ethers.provider, INSTANCE_SIGNER_INDEX),
      addresses,
      chainId: Number((await ethers.provider.getNetwork()).chainId),
      logger: createLogger({ level: "silent" }),
      now: () => institution.now(),
      tree,
    },
    anchoring,
  );
  return {
    database,
    institution,
    consortium,
    addresses,
    tree,
    worker,
    actors,
    async walk(upTo) {
      const [enrolled] = await walkMember(institution, actors.clerk, actors.approver, {
        orgId: ORG_IDS.branchA,
        personal: randomPerson(),
        upTo,
      });
      return enrolled.memberId;
    },
    async anchorAll() {
      await worker.runOnce();
      await worker.checkpointNow();
      await worker.adminCheckpointNow();
      // Twice: the first round sends and sees the transactions mined, the second sees them confirmed.
      await worker.runOnce();
      await worker.runOnce();
    },
    close: () => database.close(),
  };
}
