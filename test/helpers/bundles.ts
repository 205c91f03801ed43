// Builds proof bundles by hand, as an institution's instance would: records anchored on MembershipLedger, a log of
// record hashes (with other members' records between them), a checkpoint on CheckpointLog. The log is kept as its list
// of leaf hashes, so that a test can build a MerkleLog of any variant of it.
import type { Signer } from "ethers";
import type { CheckpointLog, MembershipLedger } from "../../typechain-types";
import { MerkleLog, recordLeaf } from "../../api/src/lib/merkle";
import {
  MEMBER_PROOF_FORMAT,
  RECORD_PROOF_FORMAT,
  type MemberProof,
  type ProofBundleAnchor,
  type ProofBundleChain,
  type ProofBundleCheckpoint,
  type RecordProof,
} from "../../api/src/lib/proof-bundle";
import { newSalt, recordHash, type Hex32, type RecordBody } from "../../api/src/lib/record-hash";
import { dayOf } from "./fixture";

export interface LoggedRecord {
  /** The record's id, which is its log position + 1. */
  readonly id: number;
  readonly body: RecordBody;
  readonly recordHash: Hex32;
  readonly anchor: ProofBundleAnchor;
}

export interface MemberRecords {
  readonly memberKey: Hex32;
  readonly orgId: number;
  readonly effectiveDates: readonly string[];
  /** The member's latest record; omitted, the first date registers the member. */
  readonly after?: LoggedRecord;
  /** The record the first new record corrects (its body's `supersedes`). */
  readonly supersedes?: Hex32;
}

export function chainOf(chainId: number, contracts: { registry: string; membership: string; checkpoints: string }): ProofBundleChain {
  return { chainId, registry: contracts.registry, membershipLedger: contracts.membership, checkpointLog: contracts.checkpoints };
}

/** Appends leaves for records of other members, which share the log. */
export function appendOtherRecords(leaves: Uint8Array[], count: number): void {
  for (let index = 0; index < count; index += 1) leaves.push(recordLeaf(newSalt()));
}

/** Anchors one record per date for a member (register, then appends), each taking the log's next id. */
export async function anchorRecords(
  membership: MembershipLedger,
  signer: Signer,
  leaves: Uint8Array[],
  member: MemberRecords,
): Promise<LoggedRecord[]> {
  const records: LoggedRecord[] = [];
  let previous = member.after;
  for (const effectiveDate of member.effectiveDates) {
    const sequence = previous === undefined ? 1 : previous.body.sequence + 1;
    const body: RecordBody = {
      version: 1,
      ruleVersion: "2014.1",
      memberKey: member.memberKey,
      orgId: member.orgId,
      step: `S${sequence}`,
      sequence,
      prevHash: previous?.recordHash ?? null,
      effectiveDate,
      fields: { note: `record ${sequence}` },
      evidence: [],
      supersedes:
        member.supersedes !== undefined && records.length === 0 ? { recordHash: member.supersedes, reasonCode: "CORRECTION" } : null,
      salt: newSalt(),
    };
    const hash = recordHash(body);
    const writer = membership.connect(signer);
    const transaction =
      previous === undefined
        ? await writer.register(member.memberKey, member.orgId, hash, dayOf(effectiveDate))
        : await writer.append(member.memberKey, previous.recordHash, hash, dayOf(effectiveDate));
    const receipt = (await transaction.wait())!;
    leaves.push(recordLeaf(hash));
    previous = {
      id: leaves.length,
      body,
      recordHash: hash,
      anchor: { transactionHash: receipt.hash as Hex32, blockNumber: receipt.blockNumber },
    };
    records.push(previous);
  }
  return records;
}

/** Checkpoints the whole log as it stands. */
export async function recordCheckpoint(
  checkpoints: CheckpointLog,
  signer: Signer,
  logId: number,
  leaves: readonly Uint8Array[],
): Promise<ProofBundleCheckpoint> {
  const log = new MerkleLog(leaves);
  const root = log.root();
  const receipt = (await (await checkpoints.connect(signer).checkpoint(logId, log.size, root)).wait())!;
  return { logId, treeSize: log.size, root, transactionHash: receipt.hash as Hex32, blockNumber: receipt.blockNumber };
}

export function recordProofOf(
  chain: ProofBundleChain,
  record: LoggedRecord,
  log: MerkleLog,
  checkpoint: ProofBundleCheckpoint,
  status: Pick<RecordProof["status"], "supersededBy"> = { supersededBy: null },
): RecordProof {
  // A copy that tests may tamper with, leaving the scenario's records as they are.
  return structuredClone({
    format: RECORD_PROOF_FORMAT,
    chain,
    record: { id: record.id, recordHash: record.recordHash, body: record.body },
    memberChain: {
      memberKey: record.body.memberKey as Hex32,
      orgId: record.body.orgId,
      sequence: record.body.sequence,
      prevHash: record.body.prevHash as Hex32 | null,
      anchor: record.anchor,
    },
    inclusion: inclusionOf(record, log, checkpoint),
    checkpoint,
    status: { superseded: status.supersededBy !== null, supersededBy: status.supersededBy, asOf: new Date().toISOString() },
  });
}

/** A member's file: `records` in sequence order, and the chain's head as it stood at `headBlock`. */
export function memberProofOf(
  chain: ProofBundleChain,
  records: readonly LoggedRecord[],
  log: MerkleLog,
  checkpoint: ProofBundleCheckpoint,
  headBlock: number,
): MemberProof {
  const last = records[records.length - 1];
  return structuredClone({
    format: MEMBER_PROOF_FORMAT,
    chain,
    memberKey: last.body.memberKey as Hex32,
    records: records.map((record) => ({
      id: record.id,
      recordHash: record.recordHash,
      body: record.body,
      orgId: record.body.orgId,
      sequence: record.body.sequence,
      prevHash: record.body.prevHash as Hex32 | null,
      anchor: record.anchor,
      inclusion: inclusionOf(record, log, checkpoint),
      supersededBy: null,
    })),
    checkpoint,
    head: { recordHash: last.recordHash, recordCount: records.length, blockNumber: headBlock },
  });
}

function inclusionOf(record: LoggedRecord, log: MerkleLog, checkpoint: ProofBundleCheckpoint) {
  const leafIndex = record.id - 1;
  return {
    logId: checkpoint.logId,
    leafIndex,
    treeSize: checkpoint.treeSize,
    proof: log.inclusionProof(leafIndex, checkpoint.treeSize),
  };
}
