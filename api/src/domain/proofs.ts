// Proof bundles (docs/formats.md): a record, or a member's whole file, with everything an outsider needs to check it
// against the chain alone. Built from the database, the log's Merkle tree and the chain; checked by verifyBundle.
import { ZeroHash } from "ethers";
import type { Member, StoredCheckpoint, StoredRecord } from "../data-access";
import {
  MEMBER_PROOF_FORMAT,
  memberProofSchema,
  RECORD_PROOF_FORMAT,
  recordProofSchema,
  type MemberProof,
  type RecordProof,
} from "../lib/proof-bundle";
import { anchoringViews, type AnchoringView } from "./anchoring-state";
import { Conflict, NotFound } from "./errors";
import { openRecordBody } from "./membership/history";
import type { Actor, Institution, ProofSources } from "./institution";
import { readableMember } from "./membership/members";
import { RULES } from "./refusals";

function sourcesOf(institution: Institution): ProofSources {
  if (!institution.proofs)
    throw new Conflict("this instance has no chain configured: proofs are unavailable", { rule: RULES.proofNoChain });
  return institution.proofs;
}

/** Bundles are parsed by their own schema on the way out: this instance never hands out a malformed one. */
export async function recordProof(institution: Institution, actor: Actor, recordId: number): Promise<RecordProof> {
  const sources = sourcesOf(institution);
  const record = await institution.repositories.records.get(recordId);
  if (!record) throw new NotFound(`record ${recordId} not found`);
  const member = await readableMember(institution, actor, record.memberId);
  const records = await institution.repositories.records.listByMember(member.id);
  const anchoring = (await anchoringViews(institution.repositories, [record.id])).get(record.id)!;
  const checkpoint = await institution.repositories.checkpoints.finalCovering(record.id);
  await sources.tree.sync();
  if (anchoring.state !== "FINAL" || !checkpoint) {
    throw new Conflict(`record ${recordId} is ${anchoring.state.toLowerCase()}: its proof exists once it is final`, {
      rule: RULES.proofNotFinal,
    });
  }
  const superseding = records.find((candidate) => candidate.supersedesRecordId === record.id);
  const opened = openRecordBody(institution, record);
  return recordProofSchema.parse({
    format: RECORD_PROOF_FORMAT,
    chain: sources.chain,
    record: { id: record.id, recordHash: record.recordHash, body: actor.canReadPersonalData ? opened : null },
    memberChain: {
      memberKey: member.memberKey,
      orgId: opened.orgId,
      sequence: record.sequence,
      prevHash: record.prevHash,
      anchor: anchorOf(anchoring)!,
    },
    inclusion: inclusionOf(sources, record, checkpoint),
    checkpoint: checkpointOf(sources, checkpoint),
    status: {
      superseded: superseding !== undefined,
      supersededBy: superseding ? { recordId: superseding.id, recordHash: superseding.recordHash } : null,
      asOf: institution.now().toISOString(),
    },
  });
}

export async function memberProof(institution: Institution, actor: Actor, memberId: string): Promise<MemberProof> {
  const member = await readableMember(institution, actor, memberId);
  return memberProofOf(institution, member, actor.canReadPersonalData);
}

/** The member's file as a proof bundle; bodies only `withBodies` (the caller has decided who may see them). */
export async function memberProofOf(institution: Institution, member: Member, withBodies: boolean): Promise<MemberProof> {
  const sources = sourcesOf(institution);
  const records = await institution.repositories.records.listByMember(member.id);
  const anchoring = await anchoringViews(
    institution.repositories,
    records.map((record) => record.id),
  );
  const checkpoint = await institution.repositories.checkpoints.finalCovering();
  await sources.tree.sync();
  const supersederOf = new Map(
    records.flatMap((record) => (record.supersedesRecordId ? [[record.supersedesRecordId, record.recordHash]] : [])),
  );
  // The head as of one named block, from the same RecordAppended order a verifier reads: never a head of another block.
  const latestBlock = await sources.reader.latestBlock();
  const history = await sources.reader.memberHistory(sources.chain.membershipLedger, member.memberKey, latestBlock);
  const appended = history.filter((event) => event.kind === "appended");
  const head = { head: appended.at(-1)?.recordHash ?? ZeroHash, recordCount: appended.length };
  return memberProofSchema.parse({
    format: MEMBER_PROOF_FORMAT,
    chain: sources.chain,
    memberKey: member.memberKey,
    records: records.map((record) => {
      const view = anchoring.get(record.id)!;
      const covered = checkpoint !== null && view.state === "FINAL" && record.id <= checkpoint.treeSize;
      const opened = openRecordBody(institution, record);
      return {
        id: record.id,
        recordHash: record.recordHash,
        body: withBodies ? opened : null,
        orgId: opened.orgId,
        sequence: record.sequence,
        prevHash: record.prevHash,
        anchor: anchorOf(view),
        inclusion: covered ? inclusionOf(sources, record, checkpoint) : null,
        supersededBy: supersederOf.get(record.id) ?? null,
      };
    }),
    checkpoint: checkpoint ? checkpointOf(sources, checkpoint) : null,
    head: { recordHash: head.head, recordCount: head.recordCount, blockNumber: latestBlock },
  });
}

function anchorOf(view: AnchoringView): { transactionHash: string; blockNumber: number } | null {
  if (view.transactionHash === null || view.blockNumber === null || view.state === "PENDING") return null;
  return { transactionHash: view.transactionHash, blockNumber: view.blockNumber };
}

/** Needs the tree synced up to the checkpoint (builders sync it once before asking for proofs). */
function inclusionOf(sources: ProofSources, record: StoredRecord, checkpoint: StoredCheckpoint) {
  return {
    logId: sources.logId,
    leafIndex: record.id - 1,
    treeSize: checkpoint.treeSize,
    proof: sources.tree.inclusionProof(record.id - 1, checkpoint.treeSize),
  };
}

function checkpointOf(sources: ProofSources, checkpoint: StoredCheckpoint) {
  return {
    logId: sources.logId,
    treeSize: checkpoint.treeSize,
    root: checkpoint.root,
    transactionHash: checkpoint.transactionHash!,
    blockNumber: checkpoint.blockNumber!,
  };
}
