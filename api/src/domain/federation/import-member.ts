// Once the chain's acceptance of an incoming transfer is final, the member file the review verified comes into this
// institution's database: the member (its personal data sealed with this instance's keys), every record with its
// original hash and body, where it came from (the source's log position and anchoring transaction), the findings of the
// replayed rules, and the evidence files. The imported records enter this institution's log too, so its own
// checkpoints vouch for what it holds.
import type { Member, Repositories, Transfer } from "../../data-access";
import { canonicalize } from "../../lib/canonical-json";
import { recordHash, type RecordBody } from "../../lib/record-hash";
import { evidenceSha256, sealEvidence } from "../membership/evidence";
import { sealRecordBody } from "../membership/history";
import type { Institution } from "../institution";
import { sealPersonalData } from "../membership/members";
import { openStoredFile } from "./receive-file";
import { replayForImport, type ReplayedFile } from "./review";
import type { MemberStage } from "../vocabulary";

/**
 * The held file of a transfer the chain accepted, replayed for import, if it is the file the chain accepted: every
 * body hashes to its record hash, and its records end in the member's head when the chain accepted, with as many
 * records. Otherwise why not (a transfer another key accepted, whose file this instance never reviewed).
 */
export async function acceptedFile(
  institution: Institution,
  tx: Repositories,
  transfer: Transfer,
  onChain: { head: string; recordCount: number },
): Promise<ReplayedFile | string> {
  const stored = await tx.incomingFiles.get(transfer.id);
  if (!stored?.content) return "no member file is held for it";
  const file = openStoredFile(institution, transfer.id, stored.content);
  const { records } = file.proof;
  const intact = records.every((record) => record.body !== null && recordHash(record.body) === record.recordHash);
  if (!intact || records.length !== onChain.recordCount || records.at(-1)?.recordHash !== onChain.head) {
    return `the held file (${records.length} record(s) ending in ${records.at(-1)?.recordHash ?? "nothing"}) is not the member's chain the ledger accepted (${onChain.recordCount} ending in ${onChain.head})`;
  }
  return replayForImport(institution, file);
}

/** Imports the file in `tx` (the indexer's), entering its records in the name of `accountId`, who accepted it. */
export async function importMemberFile(
  institution: Institution,
  tx: Repositories,
  accountId: string,
  transfer: Transfer,
  replayed: ReplayedFile,
): Promise<Member> {
  const { file } = replayed;
  const stage = (replayed.stage ?? file.member.stage) as MemberStage;
  const sealed = sealPersonalData(institution, file.member.memberKey, transfer.toOrgId!, file.member.personal);
  // A member who once left this institution and comes back keeps its row; only the records it lacks are added.
  const returning = await tx.members.getByKey(file.member.memberKey);
  const member = returning
    ? (await tx.members.update(returning.id, { orgId: transfer.toOrgId!, stage, status: "ACTIVE", departedRecordCount: null, ...sealed }))!
    : await tx.members.create({ memberKey: file.member.memberKey, orgId: transfer.toOrgId!, stage, ...sealed });
  const held = new Map((await tx.records.listByMember(member.id)).map((record) => [record.recordHash, record.id]));
  for (const record of file.proof.records) {
    if (held.has(record.recordHash)) continue;
    const body = record.body as RecordBody;
    const supersedesRecordId = body.supersedes ? (held.get(body.supersedes.recordHash) ?? null) : null;
    const stored = await tx.records.append({
      memberId: member.id,
      sequence: record.sequence,
      step: body.step,
      ruleVersion: body.ruleVersion,
      recordHash: record.recordHash,
      prevHash: record.prevHash,
      effectiveDate: body.effectiveDate,
      body: sealRecordBody(institution, record.recordHash, canonicalize(body)),
      supersedesRecordId,
      reasonCode: supersedesRecordId === null ? null : body.supersedes!.reasonCode,
      createdBy: accountId,
    });
    held.set(record.recordHash, stored.id);
    await tx.recordImports.add({
      recordId: stored.id,
      transferId: transfer.id,
      sourceLogId: record.inclusion!.logId,
      sourceRecordId: record.id,
      anchorTransactionHash: record.anchor!.transactionHash,
      anchorBlockNumber: record.anchor!.blockNumber,
    });
    await tx.findings.add(stored.id, replayed.findingsBySequence.get(record.sequence) ?? []);
  }
  for (const item of file.evidence) {
    const content = Buffer.from(item.content, "base64");
    await tx.evidence.putIfAbsent({
      sha256: evidenceSha256(content),
      contentType: item.contentType,
      size: content.length,
      content: sealEvidence(institution, item.sha256, content),
      uploadedBy: accountId,
    });
    await tx.evidence.hold(item.sha256, transfer.toOrgId!);
  }
  await tx.transfers.attachMember(transfer.id, member.id);
  return member;
}
