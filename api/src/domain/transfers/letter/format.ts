// The transfer letter's skeleton in one place: what its hash (the letterHash on chain) covers, built from a transfer
// issued here or rebuilt from the ledger's own fields by whoever checks it.
import type { ChainTransfer } from "../../../chain/federation-reader";
import type { Transfer } from "../../../data-access";

type LetterFields = Pick<Transfer, "id" | "memberKey" | "kind" | "fromOrgId" | "toOrgId" | "destinationHash" | "validUntil" | "holderHash">;

/**
 * The letter's skeleton (no personal data): its hash is the letterHash. Version 2 adds the salted holder commitment,
 * so that the hash binds the person named on the paper; version 1 (no commitment) is what letters issued before
 * carry, recomputable from the ledger alone.
 */
export function letterOf(transfer: LetterFields) {
  return {
    version: transfer.holderHash === null ? 1 : 2,
    transferId: transfer.id,
    memberKey: transfer.memberKey,
    kind: transfer.kind,
    fromOrgId: transfer.fromOrgId,
    toOrgId: transfer.toOrgId,
    destinationHash: transfer.destinationHash,
    validUntil: transfer.validUntil.toISOString(),
    ...(transfer.holderHash !== null && { holderHash: transfer.holderHash }),
  };
}

export type Letter = ReturnType<typeof letterOf>;

/** The letter as the ledger's own fields rebuild it, given the holder commitment (null: a version 1 letter). */
export function ledgerLetter(onChain: ChainTransfer, holderHash: string | null): Letter {
  return letterOf({ ...onChain, toOrgId: onChain.toOrgId || null, validUntil: new Date(onChain.validUntil * 1000), holderHash });
}
