// What an auditor compares after anchoring: the records in the database, the instance's transaction journal, and
// what the chain holds — every RecordAppended event, every transaction the instance's key sent, the latest checkpoint.
import type { DataSource } from "typeorm";
import { CheckpointLog__factory } from "../../typechain-types/factories/contracts/CheckpointLog__factory";
import { MembershipLedger__factory } from "../../typechain-types/factories/contracts/MembershipLedger__factory";
import { createRepositories, type ChainTransactionState, type OutboxState } from "../../api/src/data-access";
import { recordLeaf, rootOf } from "../../api/src/lib/merkle";
import type { Hex32 } from "../../api/src/lib/record-hash";
import { inParallel } from "./e2e-client";
import type { E2eChain } from "./e2e";

const BLOCK_READS_IN_PARALLEL = 16;
const ALL_RECORDS = 1_000_000;

export interface AnchoringAudit {
  /** Record ids and hashes in log order, from the database. */
  records: { id: number; recordHash: string }[];
  /** The RFC 9162 root of the whole log, computed from the database's record hashes. */
  logRoot: Hex32;
  outbox: Record<OutboxState, number>;
  /** Journaled transactions by state. */
  journal: Record<ChainTransactionState, number>;
  /** Hashes of the journaled transactions the chain mined (MINED, FINAL or REVERTED). */
  journaledMined: string[];
  /** How many RecordAppended events the membership ledger emitted for each record hash. */
  appendedPerHash: Map<string, number>;
  /** The sender's nonce on chain: how many transactions it ever had mined. */
  senderNonce: number;
  /** Hashes of every transaction from the sender in the chain's blocks since the deployment. */
  senderTransactions: string[];
  latestCheckpoint: { treeSize: number; root: string };
}

export async function auditAnchoring(chain: E2eChain, dataSource: DataSource): Promise<AnchoringAudit> {
  const repositories = createRepositories(dataSource.manager);
  const records = await repositories.records.listLogHashes(0, ALL_RECORDS);
  const transactions = await repositories.chainTransactions.list();
  const journal: Record<ChainTransactionState, number> = { SIGNED: 0, MINED: 0, FINAL: 0, REVERTED: 0, REPLACED: 0 };
  for (const transaction of transactions) journal[transaction.state] += 1;
  const mined = transactions.filter((transaction) => ["MINED", "FINAL", "REVERTED"].includes(transaction.state));
  const { provider, deployment, instanceKey } = chain;
  const membership = MembershipLedger__factory.connect(deployment.contracts.membership, provider);
  const events = await membership.queryFilter(membership.filters.RecordAppended(), deployment.deploymentBlock);
  const appendedPerHash = new Map<string, number>();
  for (const event of events) appendedPerHash.set(event.args.recordHash, (appendedPerHash.get(event.args.recordHash) ?? 0) + 1);
  const checkpoint = await CheckpointLog__factory.connect(deployment.contracts.checkpoints, provider).latestCheckpoint(
    chain.orgs.committeeA,
  );
  return {
    records,
    logRoot: rootOf(records.map((record) => recordLeaf(record.recordHash as Hex32))),
    outbox: await repositories.outbox.countByState(),
    journal,
    journaledMined: mined.map((transaction) => transaction.hash),
    appendedPerHash,
    senderNonce: await provider.getTransactionCount(instanceKey.address, "latest"),
    senderTransactions: await transactionsFrom(chain, instanceKey.address),
    latestCheckpoint: { treeSize: Number(checkpoint.treeSize), root: checkpoint.root },
  };
}

async function transactionsFrom(chain: E2eChain, sender: string): Promise<string[]> {
  const latest = await chain.provider.getBlockNumber();
  const numbers = Array.from(
    { length: latest - chain.deployment.deploymentBlock + 1 },
    (_, offset) => chain.deployment.deploymentBlock + offset,
  );
  const blocks = await inParallel(numbers, BLOCK_READS_IN_PARALLEL, (number) => chain.provider.getBlock(number, true));
  return blocks.flatMap((block) =>
    block!.prefetchedTransactions.filter((transaction) => transaction.from === sender).map((transaction) => transaction.hash),
  );
}
