// A transfer as it stands when someone looks at it or acts on it: an ISSUED transfer past its validity is EXPIRED, an
// acceptance the chain refused is handed back (incoming.ts), and an action needs the transfer open.
import { TransferStateConflictError, type Repositories, type Transfer } from "../../data-access";
import { Conflict, NotFound } from "../errors";
import type { Institution } from "../institution";
import { RULES } from "../refusals";
import { takeBackIfRefused } from "./incoming";

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
  if (!transfer || transfer.state !== "ISSUED" || transfer.validUntil > institution.now()) return transfer;
  try {
    return await institution.repositories.transfers.updateState(transfer.id, { from: "ISSUED", to: "EXPIRED" });
  } catch (error) {
    if (error instanceof TransferStateConflictError) return institution.repositories.transfers.get(transfer.id);
    throw error;
  }
}

export async function requireOpen(institution: Institution, transfer: Transfer): Promise<Transfer> {
  const now = await current(institution, transfer);
  if (now.state === "EXPIRED") {
    throw new Conflict(`transfer ${transfer.id} expired on ${transfer.validUntil.toISOString()}`, { rule: RULES.transferExpired });
  }
  if (now.state === "ACCEPTING") {
    throw new Conflict(`transfer ${transfer.id} was accepted and waits for the chain to confirm it`, { rule: RULES.transferAccepting });
  }
  if (now.state !== "ISSUED") {
    throw new Conflict(`transfer ${transfer.id} is ${now.state}`, { rule: RULES.transferNotOpen });
  }
  return now;
}
