// The sweep beyond the record log: members (and the ledger's members of this university that no row holds), personal data, transfers, findings, the administrative log, accounts and
// evidence files, each against the chain or the log that proves it; then the rules replayed over every member's file.
import type { AuditChainReader, AuditedTransfer, ChainCheckpoint } from "../../chain/audit-reader";
import type { Repositories } from "../../data-access";
import type { FieldCipher } from "../../lib/field-encryption";
import { checkAccounts, checkAdminLogChain, checkAdminLogCheckpoints } from "./admin-log-check";
import { checkEvidence } from "./evidence-check";
import { checkFindings } from "./findings-check";
import type { ScannedLog } from "./log-scan";
import { checkMembers } from "./members-check";
import type { AuditProgress, FindingSet } from "./report";
import { replayRules, type RulesReplayInputs } from "./rules-replay";
import { checkTransfers } from "./transfers-check";
import { checkUnheldMembers } from "./unheld-members";

export interface InstanceCheckInputs {
  scan: Repositories["instanceScan"];
  auditLog: Pick<Repositories["auditLog"], "chain">;
  chain: Pick<AuditChainReader, "memberHeads" | "transfers" | "committeesOf" | "membersJoined" | "sendersOf">;
  /** This instance's committee: its record log's id. */
  committeeId: number;
  cipher: Pick<FieldCipher, "decrypt">;
  log: ScannedLog;
  /** The log's rows by id, for the rules' replay. */
  logRows: RulesReplayInputs["rows"];
  /** The administrative log's checkpoints this instance wrote, as the chain holds them. */
  adminCheckpoints: readonly ChainCheckpoint[];
  fromBlock: number;
  blockNumber: number;
  /** Which of these transactions this instance sent (its journal). */
  journaledOf(transactionHashes: readonly string[]): Promise<ReadonlySet<string>>;
  findings: FindingSet;
  onProgress(progress: AuditProgress): void;
}

/** Every record of a foreign member is foreign too: this instance holds it for a member that is not its own. */
function checkForeignRecords(log: ScannedLog, foreignMemberKeys: ReadonlySet<string>, findings: FindingSet): void {
  for (const member of log.members) {
    if (!foreignMemberKeys.has(member.memberKey)) continue;
    for (const id of member.ids) {
      findings.add({
        kind: "FOREIGN_RECORD",
        recordId: id,
        recordHash: log.hashOf(id),
        memberKey: member.memberKey,
        sequence: log.sequenceOf(id),
        detail: `Record ${id} belongs to member ${member.memberKey}, whom the ledger does not hold as a member of this instance (see its FOREIGN_MEMBER finding).`,
      });
    }
  }
}

/** Runs the checks, the rules' replay last; returns how many rows of each table it read. */
export async function checkInstance(inputs: InstanceCheckInputs): Promise<{ members: number; transfers: number; evidence: number }> {
  const { scan, chain, findings, blockNumber } = inputs;
  const steps = 5;
  inputs.onProgress({ phase: "instance", done: 0, total: steps });
  const [members, transfers] = await Promise.all([scan.members(), scan.transfers()]);
  const [heads, onLedger] = await Promise.all([
    chain.memberHeads(
      members.map((member) => member.memberKey),
      blockNumber,
    ),
    chain.transfers(
      transfers.map((transfer) => transfer.id),
      blockNumber,
    ),
  ]);
  const ledgerTransfersOf = new Map<string, AuditedTransfer[]>();
  for (const transfer of onLedger.values()) {
    if (transfer === null) continue;
    ledgerTransfersOf.set(transfer.memberKey, [...(ledgerTransfersOf.get(transfer.memberKey) ?? []), transfer]);
  }
  const movingMemberKeys = new Set(transfers.filter((transfer) => transfer.hasUnfinishedWrites).map((transfer) => transfer.memberKey));
  const committeeOf = await chain.committeesOf(
    [...heads.values()].map((head) => head.orgId),
    blockNumber,
  );
  const foreign = checkMembers({
    members,
    heads,
    ledgerTransfersOf,
    movingMemberKeys,
    cipher: inputs.cipher,
    committeeId: inputs.committeeId,
    committeeOf,
    findings,
  });
  checkForeignRecords(inputs.log, foreign, findings);
  await checkUnheldMembers({ ...inputs, heldMemberKeys: new Set(members.map((member) => member.memberKey)) });
  inputs.onProgress({ phase: "instance", done: 1, total: steps });
  checkTransfers(transfers, onLedger, findings);
  inputs.onProgress({ phase: "instance", done: 2, total: steps });
  const [stored, logged] = await Promise.all([scan.findingRules(), scan.loggedFindingRules()]);
  checkFindings(stored, logged, (recordId) => inputs.log.has(recordId) && inputs.log.isImported(recordId), findings);
  inputs.onProgress({ phase: "instance", done: 3, total: steps });
  const [entries, accounts] = await Promise.all([inputs.auditLog.chain(), scan.accounts()]);
  checkAdminLogChain(entries, findings);
  checkAdminLogCheckpoints(entries, inputs.adminCheckpoints, findings);
  checkAccounts(entries, accounts, findings);
  inputs.onProgress({ phase: "instance", done: 4, total: steps });
  const evidence = await checkEvidence(scan, inputs.cipher, findings);
  inputs.onProgress({ phase: "instance", done: steps, total: steps });
  await replayRules({
    rows: inputs.logRows,
    log: inputs.log,
    members,
    foreignMemberKeys: foreign,
    storedRules: new Map(stored.map((entry) => [entry.recordId, entry.rules])),
    cipher: inputs.cipher,
    findings,
    onProgress: inputs.onProgress,
  });
  return { members: members.length, transfers: transfers.length, evidence };
}
