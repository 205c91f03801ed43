// The instance an audit-sweep benchmark sweeps, set up from nothing: a fresh database on the PostgreSQL server
// DATABASE_URL names, a fresh Anvil with the contracts deployed, committee A and its branch A registered and the
// instance's key their Attester, then a synthetic log loaded and anchored (see anchored-log.ts).
import { randomBytes } from "node:crypto";
import type { JsonRpcProvider } from "ethers";
import { Client } from "pg";
import type { DataSource } from "typeorm";
import {
  connectConsortium,
  deployConsortium,
  devSigner,
  grantRole,
  providerFor,
  readOrganizationTree,
  registerCommittee,
  registerOrganization,
  type ConsortiumDeployment,
} from "../../../api/src/chain";
import { createDataSource, createRepositories } from "../../../api/src/data-access";
import { createFieldCipher } from "../../../api/src/lib/field-encryption";
import { loadAnchoredLog, type AnchoredLog, type AnchoredLogOptions } from "./anchored-log";
import { BulkAnchorer } from "./bulk-anchoring";
import { startBulkAnvil, type BulkAnvil } from "./bulk-anvil";
import { createScratchPostgres, type ScratchPostgres } from "./scratch-postgres";

const GOVERNANCE_INDEX = 0;
const INSTANCE_SIGNER_INDEX = 1;
/** The rule set the bodies name (rules/2014). */
const RULE_VERSION = "2014";

export interface SweptInstance {
  scratch: ScratchPostgres;
  dataSource: DataSource;
  anvil: BulkAnvil;
  provider: JsonRpcProvider;
  deployment: ConsortiumDeployment;
  logId: number;
  fieldEncryptionKey: string;
  log: AnchoredLog & { transactions: number; gasUsed: bigint };
}

export interface SetupOptions extends Omit<AnchoredLogOptions, "logId"> {
  blockGasLimit: bigint;
  transactionGasLimit: bigint;
}

/** Cleanups are pushed onto `cleanups` as soon as each part exists, so a failure half-way still tears down. */
export async function setUpSweptInstance(
  serverUrl: string,
  options: SetupOptions,
  cleanups: (() => Promise<void>)[],
): Promise<SweptInstance> {
  const scratch = await createScratchPostgres(serverUrl, "cunzheng_audit_bench");
  cleanups.push(() => scratch.drop());
  const anvil = await startBulkAnvil(options.blockGasLimit);
  cleanups.push(() => anvil.stop());
  const provider = providerFor(anvil.rpcUrl, anvil.chainId);
  cleanups.push(async () => provider.destroy());

  const governance = devSigner(provider, GOVERNANCE_INDEX);
  const signer = devSigner(provider, INSTANCE_SIGNER_INDEX);
  const deployment = await deployConsortium(governance, "高校党建联盟（审计基准测试）");
  const { registry } = connectConsortium(deployment, governance);
  const committeeId = await registerCommittee(registry, "甲大学党委", true);
  const branchId = await registerOrganization(registry, committeeId, "BRANCH", "计算机学院本科生第一党支部");
  await grantRole(registry, committeeId, signer.address, "ATTESTER");

  const dataSource = await createDataSource({ databaseUrl: scratch.url });
  cleanups.push(() => dataSource.destroy());
  const repositories = createRepositories(dataSource.manager);
  for (const { id, parentId, kind, name, mayApprove } of await readOrganizationTree(registry)) {
    await repositories.organizations.upsertFromChain({ id, parentId, kind, name, mayApprove });
  }
  const clerk = await repositories.accounts.create({
    username: "bench-clerk",
    passwordHash: "$argon2id$bench-only",
    role: "CLERK",
    orgId: branchId,
  });

  const fieldEncryptionKey = randomBytes(32).toString("hex");
  const client = new Client({ connectionString: scratch.url });
  await client.connect();
  try {
    const anchorer = await BulkAnchorer.create(provider, signer, deployment.contracts, options.transactionGasLimit);
    const context = {
      cipher: createFieldCipher(fieldEncryptionKey),
      blindIndexKey: randomBytes(32).toString("hex"),
      ruleVersion: RULE_VERSION,
      orgId: branchId,
      createdBy: clerk.id,
    };
    const log = await loadAnchoredLog(client, context, anchorer, { ...options, logId: committeeId });
    // As autovacuum would have by the time anyone sweeps a log this size: visibility and statistics up to date.
    await client.query("VACUUM (ANALYZE) records, members, outbox, chain_transactions, checkpoints");
    return {
      scratch,
      dataSource,
      anvil,
      provider,
      deployment,
      logId: committeeId,
      fieldEncryptionKey,
      log: { ...log, transactions: anchorer.mined.transactions, gasUsed: anchorer.mined.gasUsed },
    };
  } finally {
    await client.end();
  }
}
