// Proof bundles: one JSON file that lets anyone check a record (or a member's whole file) against any JSON-RPC node of
// the consortium's chain, with no server of ours. docs/formats.md documents them for auditors.
import { getAddress } from "ethers";
import { z } from "zod";
import { recordBodySchema, type Hex32 } from "./record-hash";

export const RECORD_PROOF_FORMAT = "cunzheng.record-proof/1";
export const MEMBER_PROOF_FORMAT = "cunzheng.member-proof/1";

const bytes32 = z
  .string()
  .refine((value): value is Hex32 => /^0x[0-9a-f]{64}$/.test(value), "must be 0x followed by 64 lowercase hex digits");

/** Any spelling an ethers user would paste is accepted; the parsed value is always the checksummed form. */
export const addressSchema = z.string().transform((value, context) => {
  try {
    return getAddress(value);
  } catch {
    context.addIssue({ code: "custom", message: "must be a 20-byte address (0x followed by 40 hex digits)" });
    return z.NEVER;
  }
});

const uint32 = z.number().int().min(0).max(0xffffffff);
const positiveUint32 = uint32.min(1);
const count = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const recordId = count.min(1);

const chainSchema = z.strictObject({
  chainId: count.min(1),
  registry: addressSchema,
  membershipLedger: addressSchema,
  checkpointLog: addressSchema,
});

/** The transaction that made a record its member's chain head on MembershipLedger. */
const anchorSchema = z.strictObject({
  transactionHash: bytes32,
  blockNumber: count,
});

const inclusionSchema = z.strictObject({
  logId: positiveUint32,
  leafIndex: count,
  treeSize: count.min(1),
  proof: z.array(bytes32),
});

/** A CheckpointLog checkpoint `(logId, treeSize, root)` and the transaction that recorded it. */
const checkpointSchema = z.strictObject({
  logId: positiveUint32,
  treeSize: count.min(1),
  root: bytes32,
  transactionHash: bytes32,
  blockNumber: count,
});

export const recordProofSchema = z.strictObject({
  format: z.literal(RECORD_PROOF_FORMAT),
  chain: chainSchema,
  record: z.strictObject({
    id: recordId,
    recordHash: bytes32,
    // null: the body is withheld (the bundle's recipient may not see the member's personal data).
    body: recordBodySchema.nullable(),
  }),
  memberChain: z.strictObject({
    memberKey: bytes32,
    orgId: positiveUint32,
    sequence: positiveUint32,
    prevHash: bytes32.nullable(),
    anchor: anchorSchema,
  }),
  inclusion: inclusionSchema,
  checkpoint: checkpointSchema,
  status: z.strictObject({
    superseded: z.boolean(),
    supersededBy: z.strictObject({ recordId, recordHash: bytes32 }).nullable(),
    asOf: z.iso.datetime({ offset: true }),
  }),
});

const memberRecordSchema = z.strictObject({
  id: recordId,
  recordHash: bytes32,
  body: recordBodySchema.nullable(),
  orgId: positiveUint32,
  sequence: positiveUint32,
  prevHash: bytes32.nullable(),
  // null while the record waits to be anchored, or to be covered by a checkpoint.
  anchor: anchorSchema.nullable(),
  inclusion: inclusionSchema.nullable(),
  supersededBy: bytes32.nullable(),
});

export const memberProofSchema = z.strictObject({
  format: z.literal(MEMBER_PROOF_FORMAT),
  chain: chainSchema,
  memberKey: bytes32,
  /** In sequence order. */
  records: z.array(memberRecordSchema),
  /** One checkpoint covering every record that has an inclusion proof. */
  checkpoint: checkpointSchema.nullable(),
  /** The member's on-chain head when the bundle was made. */
  head: z.strictObject({
    recordHash: bytes32,
    recordCount: count,
    blockNumber: count,
  }),
});

export const proofBundleSchema = z.discriminatedUnion("format", [recordProofSchema, memberProofSchema], {
  error: `format must be "${RECORD_PROOF_FORMAT}" or "${MEMBER_PROOF_FORMAT}"`,
});

export type RecordProof = z.infer<typeof recordProofSchema>;
export type MemberProof = z.infer<typeof memberProofSchema>;
export type MemberProofRecord = MemberProof["records"][number];
export type ProofBundle = RecordProof | MemberProof;
export type ProofBundleChain = RecordProof["chain"];
export type ProofBundleCheckpoint = RecordProof["checkpoint"];
export type ProofBundleInclusion = RecordProof["inclusion"];
export type ProofBundleAnchor = RecordProof["memberChain"]["anchor"];

/** Where in the bundle a problem is ("records[2].recordHash"; "" for the bundle itself) and what it is. */
export interface ProofBundleIssue {
  readonly path: string;
  readonly message: string;
}

export type ParsedProofBundle =
  | { readonly kind: "record"; readonly bundle: RecordProof }
  | { readonly kind: "member"; readonly bundle: MemberProof }
  | { readonly kind: "invalid"; readonly issues: readonly ProofBundleIssue[] };

/** Checks the shape of a bundle (parsed JSON); proves nothing about the chain. */
export function parseProofBundle(value: unknown): ParsedProofBundle {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "invalid", issues: [{ path: "", message: "a proof bundle is a JSON object" }] };
  }
  const parsed = proofBundleSchema.safeParse(value);
  if (!parsed.success) {
    return {
      kind: "invalid",
      issues: parsed.error.issues.map((issue) => ({ path: pathText(issue.path), message: issue.message })),
    };
  }
  const bundle = parsed.data;
  return bundle.format === RECORD_PROOF_FORMAT ? { kind: "record", bundle } : { kind: "member", bundle };
}

function pathText(path: readonly PropertyKey[]): string {
  return path.map((key, index) => (typeof key === "number" ? `[${key}]` : `${index === 0 ? "" : "."}${String(key)}`)).join("");
}
