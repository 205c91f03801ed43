// The request one institution's instance signs to fetch a member's file from another's (EIP-712). The source recovers
// the key that signed and asks the chain whether it is an attester of the destination committee: no account, no shared
// secret. The same recovery gives the signer's public key, to which the source seals its answer; a random nonce makes
// every request single-use. docs/formats.md documents the typed data so another implementation can sign or check it.
import { randomBytes } from "node:crypto";
import { computeAddress, getAddress, SigningKey, TypedDataEncoder, type Signer, type TypedDataDomain, type TypedDataField } from "ethers";
import { z } from "zod";

export const FILE_REQUEST_DOMAIN_NAME = "cunzheng";
export const FILE_REQUEST_DOMAIN_VERSION = "1";

export const FILE_REQUEST_TYPES: Record<string, TypedDataField[]> = {
  MemberFileRequest: [
    { name: "transferId", type: "bytes32" },
    { name: "committeeId", type: "uint32" },
    { name: "issuedAt", type: "uint64" },
    { name: "nonce", type: "bytes32" },
  ],
};

/** The EIP-712 domain: bound to the chain and to its TransferLedger, so a signature cannot be replayed on another deployment. */
export interface FileRequestChain {
  chainId: number;
  transferLedger: string;
}

export function fileRequestDomain(chain: FileRequestChain): TypedDataDomain {
  return {
    name: FILE_REQUEST_DOMAIN_NAME,
    version: FILE_REQUEST_DOMAIN_VERSION,
    chainId: chain.chainId,
    verifyingContract: getAddress(chain.transferLedger),
  };
}

const bytes32 = z.string().regex(/^0x[0-9a-f]{64}$/, "must be 0x followed by 64 lowercase hex digits");

export const fileRequestSchema = z.strictObject({
  transferId: bytes32,
  committeeId: z.number().int().min(1).max(0xffffffff),
  /** Unix seconds: the source refuses a request too far from its own clock, so a captured one goes stale. */
  issuedAt: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** 32 random bytes: the source refuses a nonce it has seen, so a captured request cannot be sent again. */
  nonce: bytes32,
});
export type FileRequest = z.infer<typeof fileRequestSchema>;

export const signedFileRequestSchema = z.strictObject({
  request: fileRequestSchema,
  signature: z.string().regex(/^0x[0-9a-fA-F]{130}$/, "must be a 65-byte signature (0x + 130 hex)"),
});
export type SignedFileRequest = z.infer<typeof signedFileRequestSchema>;

export async function signFileRequest(signer: Signer, chain: FileRequestChain, request: FileRequest): Promise<SignedFileRequest> {
  // Refused here rather than by the source: a request it would reject should not cost a round trip.
  const checked = fileRequestSchema.parse(request);
  const signature = await signer.signTypedData(fileRequestDomain(chain), FILE_REQUEST_TYPES, checked);
  return { request: checked, signature };
}

export function newRequestNonce(): string {
  return `0x${randomBytes(32).toString("hex")}`;
}

/** The EIP-712 digest of a request: what is signed, and what binds the sealed answer to this one request. */
export function fileRequestDigest(chain: FileRequestChain, request: FileRequest): string {
  return TypedDataEncoder.hash(fileRequestDomain(chain), FILE_REQUEST_TYPES, request);
}

export interface RequestSigner {
  /** Checksummed. */
  address: string;
  /** Uncompressed secp256k1 public key, 0x04 + 128 hex. */
  publicKey: string;
}

/** The key that signed, or null when the signature is malformed/unrecoverable. */
export function fileRequestSigner(chain: FileRequestChain, signed: SignedFileRequest): RequestSigner | null {
  // Outside the try: a misconfigured TransferLedger address is this instance's fault, not a bad signature.
  const digest = fileRequestDigest(chain, signed.request);
  try {
    // ethers refuses a high-s signature, so a valid signature cannot be re-spelled into a second valid one.
    const publicKey = SigningKey.recoverPublicKey(digest, signed.signature);
    return { address: computeAddress(publicKey), publicKey };
  } catch {
    return null;
  }
}
