// Closing a transfer: the source cancels it, or records the outside organization's receipt (回执) of an exported one;
// and the one write every closing goes through (the state, the chain call in the outbox, the audit entry).
import { z } from "zod";
import { TransferStateConflictError, type Repositories, type StateChange, type Transfer } from "../../data-access";
import { canonicalKeccak } from "../../lib/record-hash";
import { requireApprover } from "../access";
import { closeCall, transferOutboxItem } from "../chain-writes";
import { Conflict } from "../errors";
import type { Actor, Institution } from "../institution";
import { RULES } from "../refusals";
import { existing, requireOpen } from "./current";
import { nextTransferState, type TransferMove } from "./state-machine";
import { transferView, type TransferView } from "./views";

const reasonCode = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be an UPPER_SNAKE_CASE reason code");

export const closeTransferSchema = z.strictObject({ reasonCode });
export const exportReceiptSchema = z.strictObject({ reference: z.string().trim().min(1).max(128) });

export async function cancelTransfer(institution: Institution, actor: Actor, transferId: string, code: string): Promise<TransferView> {
  const transfer = await openOutgoing(institution, actor, transferId, "cancel");
  return close(institution, actor, transfer, "transfer.cancel", "cancel", { reasonCode: code });
}

/** Closes an exported transfer when the outside organization's receipt (回执) comes back: the member leaves. */
export async function recordExportReceipt(
  institution: Institution,
  actor: Actor,
  transferId: string,
  reference: string,
): Promise<TransferView> {
  const transfer = await openOutgoing(institution, actor, transferId, "accept");
  if (transfer.toOrgId !== null) {
    throw new Conflict("only an exported transfer is closed with an outside receipt", { rule: RULES.transferExportOnly });
  }
  const receiptHash = canonicalKeccak({ version: 1, transferId, letterHash: transfer.letterHash, reference });
  return close(institution, actor, transfer, "transfer.exportReceipt", "accept", { receiptHash }, async (tx) => {
    if (transfer.memberId) await tx.members.update(transfer.memberId, { status: "TRANSFERRED_OUT" });
  });
}

async function openOutgoing(institution: Institution, actor: Actor, transferId: string, move: TransferMove): Promise<Transfer> {
  const transfer = await requireOpen(institution, await existing(institution.repositories, transferId), move);
  await requireApprover(institution.repositories, actor, transfer.fromOrgId);
  return transfer;
}

/**
 * Makes a clerk's `move` on an open transfer (requireOpen): its new state as the state machine gives it, the chain call
 * in the outbox, `alsoWrite`, and the audit entry, in one transaction.
 */
export async function close(
  institution: Institution,
  actor: Actor,
  transfer: Transfer,
  action: string,
  move: TransferMove,
  details: Omit<StateChange, "from" | "to"> & { reasonCode?: string; receiptHash?: string },
  alsoWrite?: (tx: Repositories) => Promise<void>,
  verifiedHead?: string,
): Promise<TransferView> {
  const step = nextTransferState(transfer.state, move);
  if (!step.ok) throw new Conflict(`transfer ${transfer.id} is ${transfer.state}: ${step.reason}`, { rule: step.rule });
  const change = { ...details, to: step.state };
  try {
    return await institution.transaction(async (tx) => {
      const updated = (await tx.transfers.updateState(transfer.id, { from: transfer.state, ...change }))!;
      const head = verifiedHead ?? (transfer.memberId ? (await tx.records.latestOfMember(transfer.memberId))?.recordHash : null);
      await tx.outbox.enqueue(transferOutboxItem(transfer, closeCall(transfer, change, head ?? null)));
      await alsoWrite?.(tx);
      await audit(tx, actor, action, updated, { reasonCode: change.reasonCode ?? null });
      return transferView(alsoWrite ? (await tx.transfers.get(transfer.id))! : updated);
    });
  } catch (error) {
    if (error instanceof TransferStateConflictError) {
      throw new Conflict(`transfer ${transfer.id} changed meanwhile; reload it`, { rule: RULES.transferNotOpen });
    }
    throw error;
  }
}

export async function audit(tx: Repositories, actor: Actor, action: string, transfer: Transfer, details: Record<string, unknown>) {
  await tx.auditLog.append({
    accountId: actor.accountId,
    orgId: actor.orgId,
    action,
    targetType: "transfer",
    targetId: transfer.id,
    details: { memberKey: transfer.memberKey, state: transfer.state, ...details },
  });
}
