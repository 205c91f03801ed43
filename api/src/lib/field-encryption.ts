// Encryption at rest of personal data (names, ID numbers, birth dates, step texts) and the keyed blind
// index that lets the service find a member by ID number without storing it in the clear.
// Format of a sealed value: "v1:" + base64(nonce[12] ‖ ciphertext ‖ tag[16]), AES-256-GCM (docs/formats.md).
// AES-GCM runs in node:crypto (OpenSSL, hardware AES): the audit sweep opens every record body of the log.
import { createCipheriv, createDecipheriv, createHmac } from "node:crypto";
import { hexToBytes } from "@noble/hashes/utils";
import { pooledRandomBytes } from "./random-pool";

const FORMAT_PREFIX = "v1:";
const KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MIN_INDEX_KEY_BYTES = 32;
const ALGORITHM = "aes-256-gcm";

export interface FieldCipher {
  /** Seals a string. `context` (e.g. "member:<id>:name") is authenticated, so a value copied elsewhere fails. */
  encrypt(plain: string, context?: string): string;
  /** Opens a sealed string; throws if it was altered, sealed under another key or another context. */
  decrypt(sealed: string, context?: string): string;
  encryptJson(value: unknown, context?: string): string;
  decryptJson<T = unknown>(sealed: string, context?: string): T;
}

function keyBytes(keyHex: string, what: string, isValidLength: (length: number) => boolean, expected: string): Uint8Array {
  const hex = keyHex.startsWith("0x") ? keyHex.slice(2) : keyHex;
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2 !== 0) throw new Error(`${what} must be hex`);
  // Never echo the key itself: only its length.
  if (!isValidLength(hex.length / 2)) throw new Error(`${what} must be ${expected}, got ${hex.length / 2} bytes`);
  return hexToBytes(hex);
}

/** A cipher for one 32-byte AES-256-GCM key given as 64 hex digits (0x prefix optional). */
export function createFieldCipher(keyHex: string): FieldCipher {
  const key = keyBytes(keyHex, "field encryption key", (n) => n === KEY_BYTES, "32 bytes (64 hex digits)");

  function encrypt(plain: string, context?: string): string {
    // A fresh random nonce per value: GCM is broken if a nonce ever repeats under one key.
    const nonce = pooledRandomBytes(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
    if (context !== undefined) cipher.setAAD(Buffer.from(context, "utf8"));
    const payload = Buffer.concat([nonce, cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
    return FORMAT_PREFIX + payload.toString("base64");
  }

  function decrypt(sealed: string, context?: string): string {
    if (!sealed.startsWith(FORMAT_PREFIX)) throw new Error("sealed value: unknown format (expected v1:)");
    const payload = Buffer.from(sealed.slice(FORMAT_PREFIX.length), "base64");
    if (payload.length < NONCE_BYTES + TAG_BYTES) throw new Error("sealed value: too short");
    try {
      const decipher = createDecipheriv(ALGORITHM, key, payload.subarray(0, NONCE_BYTES), { authTagLength: TAG_BYTES });
      if (context !== undefined) decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(payload.subarray(payload.length - TAG_BYTES));
      const plain = decipher.update(payload.subarray(NONCE_BYTES, payload.length - TAG_BYTES));
      return Buffer.concat([plain, decipher.final()]).toString("utf8");
    } catch {
      throw new Error("sealed value: authentication failed (altered, wrong key or wrong context)");
    }
  }

  return {
    encrypt,
    decrypt,
    encryptJson: (value, context) => encrypt(JSON.stringify(value), context),
    decryptJson: <T>(sealed: string, context?: string) => JSON.parse(decrypt(sealed, context)) as T,
  };
}

/** The form a value is indexed in: NFKC (full-width digits → ASCII), trimmed, upper case (a final "x" → "X"). */
export function normalizeForIndex(value: string): string {
  return value.normalize("NFKC").trim().toUpperCase();
}

/** Blind index keys already checked and decoded, by their hex form: an import computes one index and several name
 * tokens per member, and checking and decoding the key each time cost as much as the HMAC. An instance has one key. */
const indexKeys = new Map<string, Buffer>();
const MAX_CACHED_INDEX_KEYS = 8;

function indexKeyBytes(hmacKeyHex: string): Buffer {
  let key = indexKeys.get(hmacKeyHex);
  if (key === undefined) {
    key = Buffer.from(keyBytes(hmacKeyHex, "blind index key", (n) => n >= MIN_INDEX_KEY_BYTES, "at least 32 bytes"));
    if (indexKeys.size >= MAX_CACHED_INDEX_KEYS) indexKeys.clear();
    indexKeys.set(hmacKeyHex, key);
  }
  return key;
}

/** HMAC-SHA256 in node:crypto (OpenSSL): the same digest as @noble/hashes' hmac, several times faster. */
function hmacSha256Hex(key: Buffer, text: string): string {
  return createHmac("sha256", key).update(text, "utf8").digest("hex");
}

/** HMAC-SHA256 of the normalized value under a secret key (≥ 32 bytes, hex), as 64 lowercase hex digits. */
export function blindIndex(hmacKeyHex: string, value: string): string {
  return hmacSha256Hex(indexKeyBytes(hmacKeyHex), normalizeForIndex(value));
}

/**
 * A keyed search token: HMAC-SHA256 under the blind index key of `purpose`, a NUL and the normalized value. The
 * purpose keeps tokens of different fields apart, so a staff number equal to someone's ID number, or a name prefix
 * equal to a staff number, gives unrelated tokens.
 */
export function searchToken(hmacKeyHex: string, purpose: string, value: string): string {
  return hmacSha256Hex(indexKeyBytes(hmacKeyHex), `${purpose}\u0000${normalizeForIndex(value)}`);
}
