// Evidence files (PDF, images): checked by size and by their own bytes, stored encrypted under their SHA-256,
// which records then reference.
import { createHash } from "node:crypto";
import type { Evidence } from "../data-access";
import { requireRole } from "./access";
import { Forbidden, NotFound, ValidationError } from "./errors";
import type { Actor, Institution } from "./institution";

export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

/** Allowed content types and the leading bytes ("magic numbers") their files start with. */
const SIGNATURES: Record<string, number[]> = {
  "application/pdf": [0x25, 0x50, 0x44, 0x46, 0x2d],
  "image/png": [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  "image/jpeg": [0xff, 0xd8, 0xff],
};
export const EVIDENCE_CONTENT_TYPES = Object.keys(SIGNATURES);

export async function uploadEvidence(institution: Institution, actor: Actor, contentType: string, content: Uint8Array) {
  requireRole(actor, ["CLERK", "ORG_ADMIN", "APPROVER"], "uploading evidence");
  const signature = SIGNATURES[contentType];
  if (!signature) {
    throw new ValidationError({ field: "content-type", message: `must be one of ${EVIDENCE_CONTENT_TYPES.join(", ")}` });
  }
  if (content.length === 0 || content.length > MAX_EVIDENCE_BYTES) {
    throw new ValidationError({ field: "body", message: `a file must hold 1 to ${MAX_EVIDENCE_BYTES} bytes` });
  }
  if (!signature.every((byte, index) => content[index] === byte)) {
    throw new ValidationError({ field: "body", message: `the file's bytes are not a ${contentType} file` });
  }
  const sha256 = evidenceSha256(content);
  const { evidence, created } = await institution.repositories.evidence.putIfAbsent({
    sha256,
    contentType,
    size: content.length,
    content: sealEvidence(institution, sha256, content),
    uploadedBy: actor.accountId,
  });
  return { sha256: evidence.sha256, contentType: evidence.contentType, size: evidence.size, created };
}

export async function downloadEvidence(institution: Institution, actor: Actor, sha256: string) {
  requireRole(actor, ["CLERK", "ORG_ADMIN", "APPROVER"], "reading evidence");
  if (!actor.canReadPersonalData) {
    throw new Forbidden({
      rule: "personalData.notGranted",
      message: "evidence files may hold personal data, which your account is not granted",
    });
  }
  const evidence = await institution.repositories.evidence.get(sha256);
  if (!evidence) throw new NotFound(`no evidence file with SHA-256 ${sha256}`);
  return { contentType: evidence.contentType, content: openEvidence(institution, evidence) };
}

export function evidenceSha256(content: Uint8Array): string {
  return `0x${createHash("sha256").update(content).digest("hex")}`;
}

/** The encryption context binds the content to its digest, as a record body is bound to its hash. */
export function sealEvidence(institution: Institution, sha256: string, content: Uint8Array): Buffer {
  return Buffer.from(institution.cipher.encrypt(Buffer.from(content).toString("base64"), `evidence:${sha256}`));
}

export function openEvidence(institution: Institution, evidence: Pick<Evidence, "sha256" | "content">): Buffer {
  const base64 = institution.cipher.decrypt(Buffer.from(evidence.content).toString("utf8"), `evidence:${evidence.sha256}`);
  return Buffer.from(base64, "base64");
}
