// What a reader sees of a transfer: the view the API returns, the detail of one, and the incoming and outgoing lists.
// Each transfer is brought up to date (expired, or an acceptance the chain refused handed back) as it is read.
import type { ChainRefusal, Transfer } from "../../data-access";
import { requireInScope, requireRole } from "../access";
import type { Actor, Institution } from "../institution";
import { pageOrRefuse } from "../membership/members";
import type { TransferKind } from "../vocabulary";
import { current, existing } from "./current";

export interface TransferView {
  id: string;
  memberKey: string;
  memberId: string | null;
  kind: TransferKind;
  fromOrgId: number;
  toOrgId: number | null;
  exported: boolean;
  destinationHash: string | null;
  state: Transfer["state"];
  validUntil: string;
  letterHash: string;
  /** The printed letter's 编号; null for a transfer issued elsewhere or before letters had numbers. */
  letterNumber: string | null;
  /** The salted holder commitment the letter's hash covers (nothing personal without the paper's 核验码). */
  holderHash: string | null;
  replaces: string | null;
  reasonCode: string | null;
  receiptHash: string | null;
  /** False for a transfer another institution issued to one of this instance's organizations. */
  issuedHere: boolean;
  /** Why the chain refused this instance's latest acceptance: review the file again (it is fetched anew), then accept or reject. */
  acceptanceRefusal: ChainRefusal | null;
  createdAt: string;
  updatedAt: string;
}

/** The outside organization an exported transfer goes to, as the issuer typed it; null for a transfer inside. */
export function exportedDestination(institution: Institution, transfer: Transfer): { name: string; contact?: string } | null {
  if (!transfer.destination) return null;
  const sealed = Buffer.from(transfer.destination).toString("utf8");
  return institution.cipher.decryptJson<{ name: string; contact?: string }>(sealed, `transfer:${transfer.id}`);
}

export function transferView(transfer: Transfer): TransferView {
  return {
    id: transfer.id,
    memberKey: transfer.memberKey,
    memberId: transfer.memberId,
    kind: transfer.kind,
    fromOrgId: transfer.fromOrgId,
    toOrgId: transfer.toOrgId,
    exported: transfer.toOrgId === null,
    destinationHash: transfer.destinationHash,
    state: transfer.state,
    validUntil: transfer.validUntil.toISOString(),
    letterHash: transfer.letterHash,
    letterNumber: transfer.letterNumber,
    holderHash: transfer.holderHash,
    replaces: transfer.replaces,
    reasonCode: transfer.reasonCode,
    receiptHash: transfer.receiptHash,
    issuedHere: transfer.issuedHere,
    acceptanceRefusal: transfer.acceptanceRefusal,
    createdAt: transfer.createdAt.toISOString(),
    updatedAt: transfer.updatedAt.toISOString(),
  };
}

export async function getTransfer(institution: Institution, actor: Actor, transferId: string): Promise<TransferView> {
  return transferView(await readableTransfer(institution, actor, transferId));
}

/** A transfer the actor may read: one concerning the actor's subtree, as either source or destination. */
export async function readableTransfer(institution: Institution, actor: Actor, transferId: string): Promise<Transfer> {
  requireRole(actor, "readTransfers");
  const transfer = await existing(institution.repositories, transferId);
  const { organizations } = institution.repositories;
  const concerns =
    (await organizations.isInSubtree(actor.orgId, transfer.fromOrgId)) ||
    (transfer.toOrgId !== null && (await organizations.isInSubtree(actor.orgId, transfer.toOrgId)));
  if (!concerns) await requireInScope(institution.repositories, actor, transfer.fromOrgId);
  return current(institution, transfer);
}

export async function listTransfers(
  institution: Institution,
  actor: Actor,
  direction: "incoming" | "outgoing",
  request: { cursor?: string; limit?: number },
) {
  requireRole(actor, "readTransfers");
  const { transfers } = institution.repositories;
  const page = await pageOrRefuse(
    direction === "incoming" ? transfers.listIncoming(actor.orgId, request) : transfers.listOutgoing(actor.orgId, request),
  );
  const items = [];
  for (const transfer of page.items) items.push(transferView(await current(institution, transfer)));
  return { items, nextCursor: page.nextCursor };
}
