// How the contracts' enums and empty hashes read in the domain's words, in one place: the chain stores a stage, a
// transfer's kind and state as the index of its Solidity enum, and "none" as bytes32 zero.
import { MEMBER_STAGES, TRANSFER_KINDS, type MemberStage, type TransferKind, type TransferState } from "../domain/vocabulary";

/** bytes32(0): the chain's "no hash" (no replaced transfer, no destination, no expected head). */
export const ZERO_HASH = `0x${"0".repeat(64)}`;

/** A bytes32 the chain returned, lowercased; null for ZERO_HASH. */
export function hashOrNone(value: string): string | null {
  return value.toLowerCase() === ZERO_HASH ? null : value.toLowerCase();
}

/** IMembershipLedger.Stage: None is 0, then the domain's stages in order. */
export function chainStage(stage: MemberStage): number {
  return MEMBER_STAGES.indexOf(stage) + 1;
}

/** The stage of an IMembershipLedger.Stage value; undefined for None or a value this service does not know. */
export function stageFromChain(value: number): MemberStage | undefined {
  return MEMBER_STAGES[value - 1];
}

/** ITransferLedger.Kind, in the domain's order. */
export function chainTransferKind(kind: TransferKind): number {
  return TRANSFER_KINDS.indexOf(kind);
}

export function transferKindFromChain(value: number): TransferKind {
  const kind = TRANSFER_KINDS[value];
  // The ledger refuses any other kind, so another value means the contracts and this codec disagree.
  if (kind === undefined) throw new Error(`the chain holds an unknown transfer kind ${value}`);
  return kind;
}

/** The states the ledger knows: ACCEPTING is an instance's own, while it waits for the ledger's acceptance. */
export type ChainTransferState = Exclude<TransferState, "ACCEPTING">;

/** ITransferLedger.State in its declared order, with `Expired` read through stateOf; None (0) is no transfer. */
const CHAIN_TRANSFER_STATES = [
  null,
  "ISSUED",
  "ACCEPTED",
  "REJECTED",
  "CANCELLED",
  "EXPIRED",
] as const satisfies readonly (ChainTransferState | null)[];

/** The state of an ITransferLedger.State value; null for None (no such transfer). */
export function transferStateFromChain(value: number): ChainTransferState | null {
  return CHAIN_TRANSFER_STATES[value] ?? null;
}
