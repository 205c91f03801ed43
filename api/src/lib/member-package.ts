// The export package (cunzheng.member-package/1): a member file sealed for a destination whose instance cannot fetch it.
// The package may travel by any channel; the package key travels by another, so whoever holds only one learns nothing.
// AES-256-GCM over the gzip'd JSON text; the format and transfer id are authenticated, so a package cannot be
// relabelled to another transfer. docs/formats.md documents it.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { constants } from "node:buffer";
import { gunzipSync, gzipSync } from "node:zlib";
import { z } from "zod";

export const MEMBER_PACKAGE_FORMAT = "cunzheng.member-package/1";

const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_TEXT_LENGTH = 43;

const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x followed by 64 lowercase hex digits");

/** Only the spelling Buffer writes: one package has one text, and a stray character cannot decode to the same bytes. */
function isBase64url(value: string, byteLength?: number): boolean {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return false;
  const bytes = Buffer.from(value, "base64url");
  return bytes.toString("base64url") === value && (byteLength === undefined || bytes.length === byteLength);
}

const base64url = (byteLength?: number) =>
  z
    .string()
    .refine(
      (value) => isBase64url(value, byteLength),
      byteLength === undefined ? "must be base64url" : `must be ${byteLength} bytes in base64url`,
    );

export const memberPackageSchema = z.strictObject({
  format: z.literal(MEMBER_PACKAGE_FORMAT),
  transferId: bytes32,
  cipher: z.literal("AES-256-GCM"),
  compression: z.literal("gzip"),
  iv: base64url(IV_BYTES),
  ciphertext: base64url(),
  tag: base64url(TAG_BYTES),
});
export type MemberPackage = z.infer<typeof memberPackageSchema>;

export class MemberPackageError extends Error {
  constructor(
    readonly reason: "packageKey" | "package",
    message: string,
  ) {
    super(message);
    this.name = "MemberPackageError";
  }
}

function additionalData(transferId: string): Buffer {
  return Buffer.from(`${MEMBER_PACKAGE_FORMAT}\n${transferId}`, "utf8");
}

/** Seals the member file's JSON text under a fresh random 32-byte key, returned once as base64url (43 chars): the "package key" the clerk hands over separately from the package. */
export function sealMemberPackage(transferId: string, fileJson: string): { memberPackage: MemberPackage; packageKey: string } {
  const key = randomBytes(KEY_BYTES);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(additionalData(transferId));
  const ciphertext = Buffer.concat([cipher.update(gzipSync(Buffer.from(fileJson, "utf8"))), cipher.final()]);
  const memberPackage: MemberPackage = {
    format: MEMBER_PACKAGE_FORMAT,
    transferId,
    cipher: "AES-256-GCM",
    compression: "gzip",
    iv: iv.toString("base64url"),
    ciphertext: ciphertext.toString("base64url"),
    tag: cipher.getAuthTag().toString("base64url"),
  };
  return { memberPackage, packageKey: key.toString("base64url") };
}

/** The JSON text back; throws MemberPackageError("packageKey", …) for a malformed key or when authentication fails (wrong key or altered package), MemberPackageError("package", …) when the transferId given does not match the package's. */
export function openMemberPackage(memberPackage: MemberPackage, packageKey: string, expectedTransferId: string): string {
  // A key pasted from a letter or an e-mail often carries a stray space or line break.
  const keyText = packageKey.trim();
  // Never echo the key: only its length.
  if (keyText.length !== KEY_TEXT_LENGTH) {
    throw new MemberPackageError("packageKey", `a package key is ${KEY_TEXT_LENGTH} characters long; the one given has ${keyText.length}`);
  }
  if (!isBase64url(keyText, KEY_BYTES)) {
    throw new MemberPackageError("packageKey", "this is not a package key: check that it was copied exactly (letters, digits, - and _)");
  }
  if (memberPackage.transferId !== expectedTransferId) {
    throw new MemberPackageError(
      "package",
      `this package is for transfer ${memberPackage.transferId}, not ${expectedTransferId}: import it on that transfer`,
    );
  }
  let compressed: Buffer;
  try {
    const decipher = createDecipheriv(ALGORITHM, Buffer.from(keyText, "base64url"), Buffer.from(memberPackage.iv, "base64url"), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(additionalData(memberPackage.transferId));
    decipher.setAuthTag(Buffer.from(memberPackage.tag, "base64url"));
    compressed = Buffer.concat([decipher.update(Buffer.from(memberPackage.ciphertext, "base64url")), decipher.final()]);
  } catch {
    throw new MemberPackageError("packageKey", "the package key does not open this package: wrong key, or the package was altered");
  }
  try {
    // A hostile gzip could expand without end; V8's longest string bounds any JSON text this process could parse.
    return gunzipSync(compressed, { maxOutputLength: constants.MAX_STRING_LENGTH }).toString("utf8");
  } catch {
    throw new MemberPackageError("package", "the package opened, but what it holds is not a member file this version can read");
  }
}
