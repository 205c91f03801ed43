// Evidence files (PDF, images): checked by size and by their own bytes, stored encrypted under their SHA-256,
// which records then reference. A file belongs to the organizations holding it (its uploader's, and those whose
// records name it): only their subtrees may read or reference it, and an upload says nothing about anyone else's.
import { createHash } from "node:crypto";
import type { Evidence, EvidenceMeta, Repositories } from "../../data-access";
import { requireRole } from "../access";
import type { FieldCipher } from "../../lib/field-encryption";
import { Conflict, Forbidden, NotFound, ValidationError } from "../errors";
import type { Actor, Institution } from "../institution";
import { RULES } from "../refusals";

export const MAX_EVIDENCE_BYTES = 10 * 1024 * 1024;

/** Allowed content types, the leading bytes ("magic numbers") their files start with, and their file name extension. */
const FILE_TYPES: Record<string, { signature: number[]; extension: string }> = {
  "application/pdf": { signature: [0x25, 0x50, 0x44, 0x46, 0x2d], extension: "pdf" },
  "image/png": { signature: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], extension: "png" },
  "image/jpeg": { signature: [0xff, 0xd8, 0xff], extension: "jpg" },
};
export const EVIDENCE_CONTENT_TYPES = Object.keys(FILE_TYPES);

/** The name a download is saved under: the digest's start and the extension of its checked type. */
export function evidenceFileName(sha256: string, contentType: string): string {
  return `evidence-${sha256.slice(2, 18)}.${FILE_TYPES[contentType]?.extension ?? "bin"}`;
}

export async function uploadEvidence(institution: Institution, actor: Actor, contentType: string, content: Uint8Array) {
  requireRole(actor, "handleEvidence");
  const signature = FILE_TYPES[contentType]?.signature;
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
  await institution.transaction(async (tx) => {
    await tx.evidence.putIfAbsent({
      sha256,
      contentType,
      size: content.length,
      content: sealEvidence(institution, sha256, content),
      uploadedBy: actor.accountId,
    });
    await tx.evidence.hold(sha256, actor.orgId);
  });
  // What the caller sent, never what was stored before: the answer is the same whether or not the bytes were here.
  return { sha256, contentType, size: content.length };
}

/** The file's metadata when the actor's organization subtree holds it; null otherwise, as for a file never stored. */
export async function heldEvidenceMeta(repositories: Repositories, actor: Actor, sha256: string): Promise<EvidenceMeta | null> {
  if (!(await repositories.evidence.isHeldWithin(sha256, actor.orgId))) return null;
  return repositories.evidence.getMeta(sha256);
}

export async function downloadEvidence(institution: Institution, actor: Actor, sha256: string) {
  requireRole(actor, "handleEvidence");
  if (!actor.canReadPersonalData) {
    throw new Forbidden({
      rule: RULES.personalDataNotGranted,
      message: "evidence files may hold personal data, which your account is not granted",
    });
  }
  const held = await institution.repositories.evidence.isHeldWithin(sha256, actor.orgId);
  const evidence = held ? await institution.repositories.evidence.get(sha256) : null;
  if (!evidence) throw new NotFound(`no evidence file with SHA-256 ${sha256} in your organization's records`);
  const content = openVerifiedEvidence(institution.cipher, evidence);
  if (content === null) {
    throw new Conflict(
      `the stored evidence file ${sha256} no longer has that SHA-256: it was altered in storage and is not served (the audit sweep names it)`,
      {
        rule: RULES.evidenceMatchesItsHash,
      },
    );
  }
  return { contentType: evidence.contentType, content };
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

/** The file's bytes when they open and hash to the SHA-256 they are stored under and their size; null otherwise. */
export function openVerifiedEvidence(
  cipher: Pick<FieldCipher, "decrypt">,
  evidence: Pick<Evidence, "sha256" | "content" | "size">,
): Buffer | null {
  let content: Buffer;
  try {
    content = Buffer.from(cipher.decrypt(Buffer.from(evidence.content).toString("utf8"), `evidence:${evidence.sha256}`), "base64");
  } catch {
    return null;
  }
  return content.length === evidence.size && evidenceSha256(content) === evidence.sha256 ? content : null;
}
