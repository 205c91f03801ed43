// The member file (cunzheng.member-file/1) one institution hands another with a transfer: the member's personal data,
// every record with its body and proof (a member proof bundle), and the evidence files the records name. It crosses
// between instances over HTTP, or sealed in an export package; it never reaches the chain.
import { z } from "zod";
import { type Member, type Transfer } from "../../data-access";
import { memberProofSchema } from "../../lib/proof-bundle";
import { openVerifiedEvidence } from "../membership/evidence";
import type { Institution } from "../institution";
import { openPersonalData, personalDataSchema } from "../membership/members";
import { memberProofOf } from "../proofs";
import { MEMBER_STAGES } from "../vocabulary";

export const MEMBER_FILE_FORMAT = "cunzheng.member-file/1";

const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x followed by 64 lowercase hex digits");

export const memberFileSchema = z.strictObject({
  format: z.literal(MEMBER_FILE_FORMAT),
  transferId: bytes32,
  letterHash: bytes32,
  /** The holder commitment the letter's hash covers (version 2 letters); absent for a version 1 letter. */
  holderHash: bytes32.optional(),
  member: z.strictObject({
    memberKey: bytes32,
    stage: z.enum(MEMBER_STAGES),
    personal: personalDataSchema,
  }),
  proof: memberProofSchema,
  evidence: z.array(
    z.strictObject({
      sha256: bytes32,
      contentType: z.string().min(1).max(128),
      /** base64 */
      content: z.base64(),
    }),
  ),
});
export type MemberFileDocument = z.infer<typeof memberFileSchema>;

/** Built from this instance's database as it stands: whatever the rows say, the receiver checks it against the chain. */
export async function buildMemberFile(institution: Institution, transfer: Transfer, member: Member): Promise<MemberFileDocument> {
  const proof = await memberProofOf(institution, member, true);
  const digests = new Set(proof.records.flatMap((record) => record.body?.evidence.map((item) => item.sha256) ?? []));
  const evidence = [];
  for (const sha256 of digests) {
    const stored = await institution.repositories.evidence.get(sha256);
    // Re-hashed before it leaves: bytes altered in storage are left out rather than served under the hash the record
    // names, so the receiver's review reports the file missing (and the audit sweep names it EVIDENCE_TAMPERED here).
    const content = stored === null ? null : openVerifiedEvidence(institution.cipher, stored);
    if (stored === null || content === null) continue;
    evidence.push({ sha256, contentType: stored.contentType, content: content.toString("base64") });
  }
  return {
    format: MEMBER_FILE_FORMAT,
    transferId: transfer.id,
    letterHash: transfer.letterHash,
    ...(transfer.holderHash !== null && { holderHash: transfer.holderHash }),
    member: { memberKey: member.memberKey, stage: member.stage, personal: openPersonalData(institution, member) },
    proof,
    evidence,
  };
}
