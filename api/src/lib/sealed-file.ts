// A member file sealed to one key (ECIES on secp256k1): the source makes a one-time key pair, agrees a secret with the
// requester's public key (ECDH), derives an AES-256-GCM key from it (HKDF-SHA256) and encrypts the file with the
// request's EIP-712 digest as associated data. Only the holder of the requester's private key can open it, and only
// as the answer to that one request: a captured or replayed answer is useless to anyone else. node:crypto does the
// curve (OpenSSL's secp256k1), the KDF and the cipher; docs/formats.md describes it for other implementations.
import { createCipheriv, createDecipheriv, createECDH, hkdfSync, randomBytes } from "node:crypto";
import { z } from "zod";

export const SEALED_FILE_FORMAT = "cunzheng.sealed-member-file/1";
const CURVE = "secp256k1";
const KDF_INFO = Buffer.from("cunzheng member-file/1", "utf8");
const IV_BYTES = 12;
const TAG_BYTES = 16;

const hex = (bytes: number) => z.string().regex(new RegExp(`^0x[0-9a-f]{${bytes * 2}}$`), `must be 0x + ${bytes * 2} lowercase hex digits`);

export const sealedFileSchema = z.strictObject({
  format: z.literal(SEALED_FILE_FORMAT),
  /** The address the file is sealed to (the requester's, recovered from its signature). */
  recipient: z.string().regex(/^0x[0-9a-fA-F]{40}$/, "must be an address"),
  /** The one-time public key, compressed (33 bytes). */
  ephemeralPublicKey: hex(33),
  iv: hex(IV_BYTES),
  /** AES-256-GCM ciphertext followed by its 16-byte tag, base64. */
  ciphertext: z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, "must be base64"),
});
export type SealedFile = z.infer<typeof sealedFileSchema>;

export class SealedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SealedFileError";
  }
}

function keyFor(sharedSecret: Buffer, ephemeralPublicKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", sharedSecret, ephemeralPublicKey, KDF_INFO, 32));
}

const bytesOf = (hexString: string) => Buffer.from(hexString.slice(2), "hex");

/**
 * Seals plaintext to a secp256k1 public key (0x04… uncompressed, or compressed), bound to `associatedData` (the
 * request's EIP-712 digest, 0x + 64 hex).
 */
export function sealFile(plaintext: string, recipient: { address: string; publicKey: string }, associatedData: string): SealedFile {
  const ephemeral = createECDH(CURVE);
  ephemeral.generateKeys();
  const ephemeralPublicKey = ephemeral.getPublicKey(null, "compressed");
  const key = keyFor(ephemeral.computeSecret(bytesOf(recipient.publicKey)), ephemeralPublicKey);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(bytesOf(associatedData));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return {
    format: SEALED_FILE_FORMAT,
    recipient: recipient.address,
    ephemeralPublicKey: `0x${ephemeralPublicKey.toString("hex")}`,
    iv: `0x${iv.toString("hex")}`,
    ciphertext: ciphertext.toString("base64"),
  };
}

/** Opens a sealed file with the recipient's private key (0x + 64 hex); throws SealedFileError when it cannot. */
export function openSealedFile(sealed: SealedFile, privateKey: string, associatedData: string): string {
  const own = createECDH(CURVE);
  own.setPrivateKey(bytesOf(privateKey));
  let sharedSecret: Buffer;
  try {
    sharedSecret = own.computeSecret(bytesOf(sealed.ephemeralPublicKey));
  } catch {
    throw new SealedFileError("the sealed file's one-time public key is not a point on secp256k1");
  }
  const sealedBytes = Buffer.from(sealed.ciphertext, "base64");
  if (sealedBytes.length < TAG_BYTES) throw new SealedFileError("the sealed file is too short to hold its tag");
  const decipher = createDecipheriv("aes-256-gcm", keyFor(sharedSecret, bytesOf(sealed.ephemeralPublicKey)), bytesOf(sealed.iv));
  decipher.setAAD(bytesOf(associatedData));
  decipher.setAuthTag(sealedBytes.subarray(sealedBytes.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(sealedBytes.subarray(0, sealedBytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SealedFileError("the sealed file does not open with this key for this request (sealed to another, or altered)");
  }
}
