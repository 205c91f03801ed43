// The record body (what is hashed) and the one function that computes a record hash:
// keccak256(utf8(RFC 8785 canonical JSON of the body)), hex "0x…". docs/formats.md specifies it for auditors.
import { z } from "zod";
import { canonicalize } from "./canonical-json";
import { isIsoDate } from "./calendar";
import { keccak256Hex } from "./keccak";
import { pooledRandomBytes } from "./random-pool";

export type Hex32 = `0x${string}`;

// Lowercase only: "0xAB…" and "0xab…" would canonicalize to different bytes, hence different hashes.
const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x followed by 64 lowercase hex digits");
const isoDate = z.string().refine(isIsoDate, "must be a calendar date YYYY-MM-DD");

export const evidenceSchema = z.strictObject({
  sha256: bytes32,
  contentType: z.string().min(1).max(255),
  size: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

export const supersedesSchema = z.strictObject({
  recordHash: bytes32,
  reasonCode: z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be an UPPER_SNAKE_CASE reason code"),
});

/**
 * The mark of a record entered from earlier files (a roster import) rather than when its step happened: the imported
 * file's SHA-256 and the account that imported it. The rules checked only what the file's dates allow; the ledger
 * registered the member with `registerArchival`.
 */
export const archivalMarkSchema = z.strictObject({
  sourceSha256: bytes32,
  importedBy: z.string().uuid(),
});
export type ArchivalMark = z.infer<typeof archivalMarkSchema>;

/** Version 1 of the record body. Strict: an unknown key is refused, since it would silently change the hash. */
export const recordBodySchema = z
  .strictObject({
    version: z.literal(1),
    ruleVersion: z.string().regex(/^[0-9A-Za-z._-]{1,32}$/),
    memberKey: bytes32,
    orgId: z.number().int().min(1).max(0xffffffff),
    step: z.string().regex(/^S[1-9][0-9]*$/),
    sequence: z.number().int().min(1).max(0xffffffff),
    prevHash: bytes32.nullable(),
    effectiveDate: isoDate,
    fields: z.record(z.string(), z.json()),
    evidence: z.array(evidenceSchema),
    supersedes: supersedesSchema.nullable(),
    /** Absent on a record written when its step happened (so older bodies and hashes are unchanged). */
    archival: archivalMarkSchema.optional(),
    salt: bytes32,
  })
  .refine((body) => (body.sequence === 1) === (body.prevHash === null), {
    message: "prevHash is null exactly for a member's first record (sequence 1)",
    path: ["prevHash"],
  });

export type RecordBody = z.infer<typeof recordBodySchema>;

/** keccak256 of the canonical JSON of any JSON value (record bodies, rule sets), as 0x-hex. */
export function canonicalKeccak(value: unknown): Hex32 {
  return `0x${keccak256Hex(canonicalize(value))}`;
}

/** The hash of a record body. Throws if the body is not a valid version-1 body. */
export function recordHash(body: RecordBody): Hex32 {
  return hashedRecord(body).recordHash;
}

/**
 * The hash of a record body and the canonical JSON it was computed over, for a writer that stores that JSON too (a
 * bulk import canonicalizes each body once). Throws if the body is not a valid version-1 body, unless `validate` is
 * false: only for a bulk writer building many bodies by one code path from values it drew or checked itself, which
 * validates a sample of them (the schema check was a fifth of a roster import's CPU).
 */
export function hashedRecord(body: RecordBody, { validate = true }: { validate?: boolean } = {}): { recordHash: Hex32; canonical: string } {
  if (validate) recordBodySchema.parse(body);
  // Hash what the caller holds, not zod's copy: the parse only checks, it must not reshape what is hashed.
  const canonical = canonicalize(body);
  return { recordHash: `0x${keccak256Hex(canonical)}`, canonical };
}

/** A fresh 32-byte salt, so a record's hash cannot be guessed by trying likely field values. */
export function newSalt(): Hex32 {
  return `0x${pooledRandomBytes(32).toString("hex")}`;
}
