// The member file (cunzheng.member-file/1) one institution hands another with a transfer: the member's personal data,
// every record with its body and proof (a member proof bundle), and the evidence files the records name. It crosses
// between instances over HTTP, or sealed in an export package; it never reaches the chain.
import { z } from "zod";
import { MEMBER_STAGES, type Member, type Transfer } from "../../data-access";
import { memberProofSchema } from "../../lib/proof-bundle";
import { openEvidence } from "../evidence";
import type { Institution } from "../institution";
import { openPersonalData, personalDataSchema } from "../members";
import { memberProofOf } from "../proofs";

export const MEMBER_FILE_FORMAT = "cunzheng.member-file/1";

const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x followed by 64 lowercase hex digits");

export const memberFileSchema = z.strictObject({
  format: z.literal(MEMBER_FILE_FORMAT),
  transferId: bytes32,
  letterHash: bytes32,
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
    if (!stored) continue;
    evidence.push({ sha256, contentType: stored.contentType, content: openEvidence(institution, stored).toString("base64") });
  }
  return {
    format: MEMBER_FILE_FORMAT,
    transferId: transfer.id,
    letterHash: transfer.letterHash,
    member: { memberKey: member.memberKey, stage: member.stage, personal: openPersonalData(institution, member) },
    proof,
    evidence,
  };
}
