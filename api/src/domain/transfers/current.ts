// A transfer as it stands when someone looks at it or acts on it: an ISSUED transfer past its validity is EXPIRED, an
// acceptance the chain refused is handed back (incoming.ts), and an action needs the transfer open.
import { TransferStateConflictError, type Repositories, type Transfer } from "../../data-access";
import { Conflict, NotFound } from "../errors";
import type { Institution } from "../institution";
import { RULES } from "../refusals";
import { takeBackIfRefused } from "./incoming";
import { nextTransferState, type TransferMove } from "./state-machine";

export async function existing(repositories: Repositories, transferId: string): Promise<Transfer> {
  const transfer = await repositories.transfers.get(transferId);
  if (!transfer) throw new NotFound(`transfer ${transferId} not found`);
  return transfer;
}

/**
 * The transfer as it stands: an acceptance the chain refused goes back to the clerk, and an ISSUED transfer past its
 * validity becomes EXPIRED, each the first time anyone looks at it.
 */
export async function current(institution: Institution, transfer: Transfer): Promise<Transfer> {
  return expireIfStale(institution, await takeBackIfRefused(institution, transfer));
}

/** An ISSUED transfer past its validity becomes EXPIRED the first time anyone looks at it. */
export async function expireIfStale(institution: Institution, transfer: Transfer): Promise<Transfer>;
export async function expireIfStale(institution: Institution, transfer: Transfer | null): Promise<Transfer | null>;
export async function expireIfStale(institution: Institution, transfer: Transfer | null): Promise<Transfer | null> {
  if (!transfer || transfer.validUntil > institution.now()) return transfer;
  const expiry = nextTransferState(transfer.state, "expire");
  if (!expiry.ok) return transfer;
  try {
    return await institution.repositories.transfers.updateState(transfer.id, { from: transfer.state, to: expiry.state });
  } catch (error) {
    if (error instanceof TransferStateConflictError) return institution.repositories.transfers.get(transfer.id);
    throw error;
  }
}

/** The transfer as it stands, if a clerk here may make `move` on it now; else the state machine's refusal. */
export async function requireOpen(institution: Institution, transfer: Transfer, move: TransferMove): Promise<Transfer> {
  const now = await current(institution, transfer);
  const step = nextTransferState(now.state, move);
  if (step.ok) return now;
  const message =
    step.rule === RULES.transferExpired
      ? `transfer ${transfer.id} expired on ${transfer.validUntil.toISOString()}`
      : step.rule === RULES.transferAccepting
        ? `transfer ${transfer.id} was accepted and waits for the chain to confirm it`
        : `transfer ${transfer.id} is ${now.state}`;
  throw new Conflict(message, { rule: step.rule });
}
