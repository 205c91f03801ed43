// Write receipts (docs/formats.md): the instance's signed promise, given the moment it accepts a record, to anchor
// exactly that record hash at that place of the member's chain by a deadline — like a transparency log's signed
// entry timestamp. Anyone holding one can later show the chain kept the promise, or that the instance broke it.
import { getAddress, verifyTypedData, type TypedDataDomain, type TypedDataField } from "ethers";
import { z } from "zod";
import { addressSchema } from "./proof-bundle";

export const WRITE_RECEIPT_FORMAT = "cunzheng.write-receipt/1";

/** EIP-712 struct the signature covers; field order is part of the type hash. */
export const WRITE_RECEIPT_TYPES: Record<string, TypedDataField[]> = {
  WriteReceipt: [
    { name: "recordHash", type: "bytes32" },
    { name: "memberKey", type: "bytes32" },
    { name: "orgId", type: "uint32" },
    { name: "sequence", type: "uint32" },
    { name: "logIndex", type: "uint64" },
    { name: "acceptedAt", type: "uint64" },
    { name: "anchorBy", type: "uint64" },
  ],
};

const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x followed by 64 lowercase hex digits");
const uint32 = z.number().int().min(0).max(0xffffffff);
const seconds = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const writeReceiptSchema = z.strictObject({
  format: z.literal(WRITE_RECEIPT_FORMAT),
  /** The EIP-712 domain: name "cunzheng", version "1", this chain id, the MembershipLedger as verifying contract. */
  chain: z.strictObject({ chainId: z.number().int().min(1), membershipLedger: addressSchema }),
  promise: z.strictObject({
    recordHash: bytes32,
    memberKey: bytes32,
    orgId: uint32.min(1),
    sequence: uint32.min(1),
    /** The record's leaf in the instance's log: record id − 1. */
    logIndex: seconds,
    /** Unix seconds: when the instance accepted the write. */
    acceptedAt: seconds,
    /** Unix seconds: the record is on MembershipLedger at `sequence` by then, or the promise is broken. */
    anchorBy: seconds,
  }),
  signer: addressSchema,
  signature: z.string().regex(/^0x[0-9a-f]{130}$/, "must be a 65-byte signature (0x followed by 130 lowercase hex digits)"),
});
export type WriteReceipt = z.infer<typeof writeReceiptSchema>;
export type WriteReceiptPromise = WriteReceipt["promise"];

export function writeReceiptDomain(chain: WriteReceipt["chain"]): TypedDataDomain {
  return { name: "cunzheng", version: "1", chainId: chain.chainId, verifyingContract: getAddress(chain.membershipLedger) };
}

/** Anything that signs EIP-712 data the way an ethers Wallet does. */
export interface TypedDataSigner {
  getAddress(): Promise<string>;
  signTypedData(domain: TypedDataDomain, types: Record<string, TypedDataField[]>, value: Record<string, unknown>): Promise<string>;
}

export async function signWriteReceipt(
  signer: TypedDataSigner,
  chain: WriteReceipt["chain"],
  promise: WriteReceiptPromise,
): Promise<WriteReceipt> {
  const signature = await signer.signTypedData(writeReceiptDomain(chain), WRITE_RECEIPT_TYPES, promise);
  return writeReceiptSchema.parse({
    format: WRITE_RECEIPT_FORMAT,
    chain,
    promise,
    signer: getAddress(await signer.getAddress()),
    signature: signature.toLowerCase(),
  });
}

/** The address whose key made the signature, or null when it recovers to no address (a malformed signature). */
export function receiptSignerOf(receipt: WriteReceipt): string | null {
  try {
    return getAddress(verifyTypedData(writeReceiptDomain(receipt.chain), WRITE_RECEIPT_TYPES, receipt.promise, receipt.signature));
  } catch {
    return null;
  }
}
