// The audit sweep of one institution: every record re-hashed, the log against every checkpoint, every member's chain
// against the ledger, the log's order against the order the ledger received it in, overdue chain writes, people with
// more than one active member, and the rest of the instance (members, personal data, transfers, evidence, findings)
// against the chain and the logs that prove it, the findings also against the rules replayed over each member's file.
import type { AuditChainReader, ChainCheckpoint } from "../../chain/audit-reader";
import { adminLogIdOf } from "../../chain/log-ids";
import type { Repositories } from "../../data-access";
import type { FieldCipher } from "../../lib/field-encryption";
import { bodyCheckerInThread, type BodyChecker } from "./body-checker";
import { checkCheckpoints, ownCheckpoints } from "./checkpoints";
import { checkDuplicateMembers } from "./duplicate-members";
import { scanLog } from "./log-scan";
import { checkMemberChains } from "./member-chains";
import { MemberHeadReader } from "./member-heads";
import { checkInstance } from "./instance-checks";
import { checkOrder } from "./order";
import { AUDIT_REPORT_FORMAT, AuditIncompleteError, FindingSet, type AuditProgress, type AuditReport } from "./report";
import { checkUnanchored } from "./unanchored";

export interface AuditDependencies {
  repositories: Pick<
    Repositories,
    "records" | "logScan" | "checkpoints" | "adminLogCheckpoints" | "instanceScan" | "auditLog" | "chainTransactions"
  >;
  chain: AuditChainReader;
  /** Opens record bodies (the institution's field cipher). */
  cipher: Pick<FieldCipher, "decrypt">;
  /** Where bodies are checked; without it, in this thread with `cipher`. A large log wants bodyCheckerInWorkers. */
  bodies?: BodyChecker;
}

export interface AuditOptions {
  /** The institution's CheckpointLog log id (its committee id); its administrative log's id is derived from it. */
  logId: number;
  /** A record whose chain write is not final this long after it was written is reported. */
  deadlineSeconds: number;
  /** Where event reads start: the consortium's deployment block. */
  fromBlock: number;
  now(): Date;
  onProgress?(progress: AuditProgress): void;
}

export async function runAuditSweep(deps: AuditDependencies, options: AuditOptions): Promise<AuditReport> {
  const { repositories, chain } = deps;
  const onProgress = options.onProgress ?? (() => undefined);
  const startedAt = options.now();
  const findings = new FindingSet();
  // In this order: a record in the log has its outbox item from the same transaction, and an item final when the
  // outbox is read was mined before the chain's block is fixed. So each record is either pending or on the ledger.
  const size = await repositories.records.logSize();
  const unfinished = await repositories.logScan.unfinishedRecordItems();
  const [chainId, blockNumber] = await Promise.all([chain.chainId(), chain.latestBlock()]);

  const heads = new MemberHeadReader(chain, blockNumber);
  const log = await scanLog(repositories.logScan, deps.bodies ?? bodyCheckerInThread(deps.cipher), size, findings, {
    onProgress,
    onNewMember: (memberKey) => heads.want(memberKey),
  });
  const onChain = await readCheckpoints(chain, options.logId, options.fromBlock, blockNumber);
  const checkpoints = ownCheckpoints(onChain, await repositories.checkpoints.list(), findings);
  const adminOnChain = await readCheckpoints(chain, adminLogIdOf(options.logId), options.fromBlock, blockNumber);
  const adminWritten = (await repositories.adminLogCheckpoints.list()).map(({ treeSize, head }) => ({ treeSize, root: head }));
  const adminCheckpoints = ownCheckpoints(adminOnChain, adminWritten, findings, "the administrative log");
  const { vouchedSize, lostTailIds } = checkCheckpoints(log, checkpoints, findings, onProgress);
  const journaledOf = (hashes: readonly string[]) => repositories.chainTransactions.journaledOf(hashes);
  const chainReads = { chain, fromBlock: options.fromBlock, blockNumber, findings, onProgress, journaledOf };
  await checkMemberChains({
    ...chainReads,
    log,
    heads: await heads.all(),
    pendingIds: new Set(unfinished.map((item) => item.recordId)),
    lostIds: [...log.missingIds, ...lostTailIds],
  });
  await checkOrder({ ...chainReads, log, vouchedSize });
  checkUnanchored(unfinished, { logSize: size, deadlineSeconds: options.deadlineSeconds, asOf: startedAt }, findings, onProgress);
  await checkInstance({
    scan: repositories.instanceScan,
    auditLog: repositories.auditLog,
    chain,
    committeeId: options.logId,
    cipher: deps.cipher,
    log,
    logRows: (ids) => repositories.logScan.rows(ids),
    adminCheckpoints,
    fromBlock: options.fromBlock,
    blockNumber,
    journaledOf,
    findings,
    onProgress,
  });
  checkDuplicateMembers(await repositories.logScan.peopleWithSeveralActiveMembers(), findings);

  const sorted = findings.sorted();
  return {
    format: AUDIT_REPORT_FORMAT,
    logId: options.logId,
    startedAt: startedAt.toISOString(),
    finishedAt: options.now().toISOString(),
    chainId,
    blockNumber,
    totals: {
      records: log.recordCount,
      members: log.members.length,
      checkpoints: onChain.length,
      adminCheckpoints: adminOnChain.length,
      findings: sorted.length,
    },
    clean: sorted.length === 0,
    findings: sorted,
  };
}

/** The log's checkpoints from its events, checked against the contract's own count and latest checkpoint. */
async function readCheckpoints(chain: AuditChainReader, logId: number, fromBlock: number, blockNumber: number): Promise<ChainCheckpoint[]> {
  const [checkpoints, summary] = await Promise.all([
    chain.checkpoints(logId, fromBlock, blockNumber),
    chain.checkpointSummary(logId, blockNumber),
  ]);
  const last = checkpoints.at(-1);
  const agrees =
    last === undefined ? summary.count === 0 : last.treeSize === summary.treeSize && last.root.toLowerCase() === summary.root.toLowerCase();
  if (checkpoints.length !== summary.count || !agrees) {
    throw new AuditIncompleteError(
      `the node returned ${checkpoints.length} checkpoint events of log ${logId} from block ${fromBlock}, but the contract counts ${summary.count} (latest: ${summary.treeSize} records)`,
    );
  }
  return checkpoints;
}
