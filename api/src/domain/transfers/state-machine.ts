// The transfer state machine (DESIGN §2), written once: the moves a transfer can make from each state, and who may make
// each one. A clerk's action here (issue's reissue, accept, reject, cancel, an export receipt, an expiry on reading)
// is a `local` move; what the chain confirmed (an event the indexer applies in federation/chain-events.ts, or the
// ledger refusing an acceptance) is a `chain` move. Both ask nextTransferState, and the repository's compare-and-set
// (TransfersRepository.updateState) refuses any change no move makes. The contract (TransferLedger.sol) and the test
// model keep their own copies on purpose: they check this one. Imports only the vocabulary and the refusal catalogue,
// so the data tier may import it as it imports the vocabulary.
import { RULES, type RuleId } from "../refusals";
import { TRANSFER_STATES, type TransferState } from "../vocabulary";

/**
 * accept: the destination takes the member (a transfer issued here accepted here, an export's receipt, or the chain's
 * final acceptance). sendAcceptance: another institution's transfer accepted here, waiting for the chain. refuseAcceptance:
 * the chain refused that acceptance, so the clerk decides again. reject, cancel: closed by the destination or the source
 * (a reissue cancels the letter it replaces). expire: an ISSUED transfer read past its validity.
 */
export const TRANSFER_MOVES = ["accept", "sendAcceptance", "refuseAcceptance", "reject", "cancel", "expire"] as const;
export type TransferMove = (typeof TRANSFER_MOVES)[number];

/** Who makes a move: this instance's clerks (`local`) or the chain, by an event or by refusing a call (`chain`). */
export const TRANSFER_MOVE_ORIGINS = ["local", "chain"] as const;
export type TransferMoveOrigin = (typeof TRANSFER_MOVE_ORIGINS)[number];

interface Transition {
  to: TransferState;
  by: readonly TransferMoveOrigin[];
}

const WHO: Record<TransferMoveOrigin, string> = { local: "a clerk here", chain: "the chain" };
const EITHER = ["local", "chain"] as const;
const LOCAL = ["local"] as const;
const CHAIN = ["chain"] as const;

/** Every transition, by state and move. A transfer that is ACCEPTING moves only as the chain says. */
const TRANSITIONS: Readonly<Record<TransferState, Partial<Record<TransferMove, Transition>>>> = {
  ISSUED: {
    accept: { to: "ACCEPTED", by: EITHER },
    sendAcceptance: { to: "ACCEPTING", by: LOCAL },
    reject: { to: "REJECTED", by: EITHER },
    cancel: { to: "CANCELLED", by: EITHER },
    expire: { to: "EXPIRED", by: LOCAL },
  },
  // Final on chain; refused by the chain (the clerk reviews again or rejects); or closed on chain by another key first.
  ACCEPTING: {
    accept: { to: "ACCEPTED", by: CHAIN },
    refuseAcceptance: { to: "ISSUED", by: CHAIN },
    reject: { to: "REJECTED", by: CHAIN },
    cancel: { to: "CANCELLED", by: CHAIN },
  },
  ACCEPTED: {},
  REJECTED: {},
  CANCELLED: {},
  EXPIRED: {},
};

/** The state a move leads to, or why the state machine refuses it (the rule a refusal names, and a short reason). */
export type TransferStep = { ok: true; state: TransferState } | { ok: false; rule: RuleId; reason: string };

/** The one transition function: where `move`, made by `origin`, takes a transfer that is `current`. */
export function nextTransferState(current: TransferState, move: TransferMove, origin: TransferMoveOrigin = "local"): TransferStep {
  const transition = TRANSITIONS[current][move];
  if (transition?.by.includes(origin)) return { ok: true, state: transition.to };
  const reason = transition
    ? `only ${transition.by.map((who) => WHO[who]).join(" or ")} may ${move} a transfer that is ${current}`
    : `a transfer that is ${current} has no move ${move}`;
  if (current === "EXPIRED") return { ok: false, rule: RULES.transferExpired, reason };
  if (current === "ACCEPTING") return { ok: false, rule: RULES.transferAccepting, reason };
  return { ok: false, rule: RULES.transferNotOpen, reason };
}

/** Whether some move, by anyone, takes a transfer from `from` to `to`: the repository's check before it writes. */
export function isTransferTransition(from: TransferState, to: TransferState): boolean {
  return TRANSFER_MOVES.some((move) =>
    TRANSFER_MOVE_ORIGINS.some((origin) => {
      const step = nextTransferState(from, move, origin);
      return step.ok && step.state === to;
    }),
  );
}

/** The states a transfer may move to from `from`, by any move. */
function transitionsFrom(from: TransferState): readonly TransferState[] {
  return TRANSFER_STATES.filter((to) => isTransferTransition(from, to));
}

/** The states each state may move to, derived from the moves (for reading; nextTransferState decides). */
export const TRANSFER_TRANSITIONS: Readonly<Record<TransferState, readonly TransferState[]>> = {
  ISSUED: transitionsFrom("ISSUED"),
  ACCEPTING: transitionsFrom("ACCEPTING"),
  ACCEPTED: transitionsFrom("ACCEPTED"),
  REJECTED: transitionsFrom("REJECTED"),
  CANCELLED: transitionsFrom("CANCELLED"),
  EXPIRED: transitionsFrom("EXPIRED"),
};
