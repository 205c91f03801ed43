// Accepting an incoming transfer brings the verified member file into this institution's database: the member (its
// personal data sealed with this instance's keys), every record with its original hash and body, where it came from
// (the source's log position and anchoring transaction), the findings of the replayed rules, and the evidence files.
// The imported records enter this institution's log too, so its own checkpoints vouch for what it holds.
import type { Member, MemberStage, Repositories, Transfer } from "../../data-access";
import { canonicalize } from "../../lib/canonical-json";
import type { RecordBody } from "../../lib/record-hash";
import { evidenceSha256, sealEvidence } from "../evidence";
import { sealRecordBody } from "../history";
import type { Actor, Institution } from "../institution";
import { sealPersonalData } from "../members";
import type { ReviewedFile } from "./review";

export async function importMemberFile(
  institution: Institution,
  tx: Repositories,
  actor: Actor,
  transfer: Transfer,
  reviewed: ReviewedFile,
): Promise<Member> {
  const file = reviewed.file!;
  const stage = (reviewed.stage ?? file.member.stage) as MemberStage;
  const sealed = sealPersonalData(institution, file.member.memberKey, file.member.personal);
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
      createdBy: actor.accountId,
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
    await tx.findings.add(stored.id, reviewed.findingsBySequence.get(record.sequence) ?? []);
  }
  for (const item of file.evidence) {
    const content = Buffer.from(item.content, "base64");
    await tx.evidence.putIfAbsent({
      sha256: evidenceSha256(content),
      contentType: item.contentType,
      size: content.length,
      content: sealEvidence(institution, item.sha256, content),
      uploadedBy: actor.accountId,
    });
  }
  await tx.transfers.attachMember(transfer.id, member.id);
  return member;
}
