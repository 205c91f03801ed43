// Organizational-relationship transfers (组织关系转接) inside this instance: issue, accept, reject, cancel,
// reissue and export, with the states and limits of DESIGN §2. The chain handshake comes with anchoring. Another
// institution's transfer settles on the chain first: accepting it makes it ACCEPTING, and the member is imported
// only when the chain's acceptance is final (federation/chain-events.ts); a refusal hands it back to the clerk.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import {
  OpenTransferExistsError,
  TransferStateConflictError,
  type ChainRefusal,
  type StateChange,
  type Member,
  type Repositories,
  type Transfer,
} from "../data-access";
import { canonicalKeccak } from "../lib/record-hash";
import { requireApprover, requireInScope, requireRole } from "./access";
import { closeCall, issueCall, transferOutboxItem } from "./chain-writes";
import { Conflict, NotFound, RuleViolation, ValidationError } from "./errors";
import { reviewFile } from "./federation/review";
import type { Actor, Institution } from "./institution";
import { letterOf } from "./letter-format";
import { holderHash, newHolderSalt, newLetterNumber, transferIdOfNumber } from "./letter-number";
import { openPersonalData, pageOrRefuse, sealPersonalData } from "./members";
import { closedOrganization } from "./organizations";
import type { TransferKind } from "./vocabulary";
import { RULES } from "./refusals";

export const MAX_VALIDITY_DAYS = 90;
const DAY_MS = 86_400_000;
const reasonCode = z.string().regex(/^[A-Z][A-Z0-9_]*$/, "must be an UPPER_SNAKE_CASE reason code");

export const issueTransferSchema = z
  .strictObject({
    memberId: z.uuid(),
    /** A destination inside the consortium… */
    toOrgId: z.number().int().positive().optional(),
    /** …or one outside it: the transfer is exported. */
    exportTo: z.strictObject({ name: z.string().trim().min(1).max(128), contact: z.string().max(128).optional() }).optional(),
    validDays: z.number().int().min(1).max(MAX_VALIDITY_DAYS).default(30),
  })
  .refine((request) => (request.toOrgId === undefined) !== (request.exportTo === undefined), {
    message: "give exactly one of toOrgId and exportTo",
    path: ["toOrgId"],
  });
export type IssueTransferRequest = z.infer<typeof issueTransferSchema>;

export const reissueTransferSchema = z.strictObject({
  validDays: z.number().int().min(1).max(MAX_VALIDITY_DAYS).default(30),
  toOrgId: z.number().int().positive().optional(),
});
export const closeTransferSchema = z.strictObject({ reasonCode });
export const exportReceiptSchema = z.strictObject({ reference: z.string().trim().min(1).max(128) });

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

function kindFor(member: Member): TransferKind {
  if (member.stage === "PROBATIONARY" || member.stage === "FULL") return "MEMBERSHIP";
  if (member.stage === "CANCELLED") {
    throw new RuleViolation({
      rule: RULES.transferKindFitsStage,
      field: "memberId",
      message: "a cancelled probationary member has nothing to transfer",
    });
  }
  return "MATERIALS";
}

export async function issueTransfer(institution: Institution, actor: Actor, request: IssueTransferRequest): Promise<TransferView> {
  const member = await institution.repositories.members.get(request.memberId);
  if (!member) throw new NotFound(`member ${request.memberId} not found`);
  return issue(institution, actor, member, request.validDays, request.toOrgId ?? null, request.exportTo ?? null, null);
}

export async function reissueTransfer(
  institution: Institution,
  actor: Actor,
  transferId: string,
  request: z.infer<typeof reissueTransferSchema>,
): Promise<TransferView> {
  const replaced = await existing(institution.repositories, transferId);
  if (replaced.state === "ACCEPTED") {
    throw new Conflict(`transfer ${transferId} was accepted; there is nothing to reissue`, { rule: RULES.transferReissueAccepted });
  }
  const replacing = await institution.repositories.transfers.findReplacing(transferId);
  if (replacing) {
    throw new Conflict(`transfer ${transferId} was already reissued as ${replacing.id}`, { rule: RULES.transferReissueOnce });
  }
  const member = replaced.memberId ? await institution.repositories.members.get(replaced.memberId) : null;
  if (!member || member.orgId !== replaced.fromOrgId) {
    throw new Conflict("only the organization still holding the member reissues its transfer", { rule: RULES.transferReissueSource });
  }
  const exportTo = exportedDestination(institution, replaced);
  const toOrgId = request.toOrgId ?? replaced.toOrgId;
  return issue(institution, actor, member, request.validDays, exportTo ? null : toOrgId, exportTo, replaced);
}

async function issue(
  institution: Institution,
  actor: Actor,
  member: Member,
  validDays: number,
  toOrgId: number | null,
  exportTo: { name: string; contact?: string } | null,
  replaced: Transfer | null,
): Promise<TransferView> {
  const { repositories } = institution;
  await requireApprover(repositories, actor, member.orgId);
  if (member.status !== "ACTIVE") {
    throw new Conflict(`member ${member.id} was transferred out`, { rule: RULES.memberTransferredOut });
  }
  const kind = kindFor(member);
  if (toOrgId !== null) await requireDestination(repositories, member, toOrgId);
  await expireIfStale(institution, await repositories.transfers.findIssuedForMember(member.memberKey));

  const letterNumber = newLetterNumber();
  const id = transferIdOfNumber(letterNumber);
  const destinationSalt = `0x${randomBytes(32).toString("hex")}`;
  // Whole seconds, as the chain stores it: anyone can then recompute the letter hash from the ledger alone.
  const validUntil = new Date(Math.floor((institution.now().getTime() + validDays * DAY_MS) / 1000) * 1000);
  const destinationHash = exportTo ? canonicalKeccak({ name: exportTo.name, salt: destinationSalt }) : null;
  const holderSalt = newHolderSalt();
  const personal = openPersonalData(institution, member);
  const holder = holderHash({ name: personal.name, idLast4: personal.idNumber.slice(-4), salt: holderSalt });
  const letter = letterOf({
    id,
    memberKey: member.memberKey,
    kind,
    fromOrgId: member.orgId,
    toOrgId,
    destinationHash,
    validUntil,
    holderHash: holder,
  });

  try {
    return await institution.transaction(async (tx) => {
      if (replaced?.state === "ISSUED") {
        // A lost letter: the old one stops being valid in the same transaction the new one is issued.
        await tx.transfers.updateState(replaced.id, { from: "ISSUED", to: "CANCELLED", reasonCode: "REISSUED" });
      }
      const transfer = await tx.transfers.create({
        id,
        memberKey: member.memberKey,
        memberId: member.id,
        kind,
        fromOrgId: member.orgId,
        toOrgId,
        destinationHash,
        destination: exportTo
          ? Buffer.from(institution.cipher.encryptJson({ ...exportTo, salt: destinationSalt }, `transfer:${id}`))
          : null,
        validUntil,
        letterHash: canonicalKeccak(letter),
        letterNumber,
        holderSalt,
        holderHash: holder,
        replaces: replaced?.id ?? null,
        createdBy: actor.accountId,
      });
      await tx.outbox.enqueue(transferOutboxItem(transfer, issueCall(transfer)));
      await audit(tx, actor, replaced ? "transfer.reissue" : "transfer.issue", transfer, { replaces: replaced?.id ?? null });
      return transferView(transfer);
    });
  } catch (error) {
    if (error instanceof OpenTransferExistsError) {
      throw new Conflict("the member already has an open transfer", { rule: RULES.transferOneOpen, field: "memberId" });
    }
    throw error;
  }
}

export async function acceptTransfer(institution: Institution, actor: Actor, transferId: string): Promise<TransferView> {
  const transfer = await openIncoming(institution, actor, transferId);
  const receiptHash = canonicalKeccak({ version: 1, transferId, letterHash: transfer.letterHash, receivedByOrgId: transfer.toOrgId });
  if (!transfer.issuedHere) return acceptFromAnotherInstitution(institution, actor, transfer, receiptHash);
  return close(institution, actor, transfer, "transfer.accept", { to: "ACCEPTED", receiptHash }, async (tx) => {
    if (transfer.memberId) await moveMember(institution, tx, transfer.memberId, transfer.toOrgId!);
  });
}

/**
 * Another institution's member arrives: the review is computed again now, and only an acceptable file is accepted.
 * The transfer becomes ACCEPTING and its file is held as reviewed; the member is imported when the chain's acceptance
 * is final. The acceptance names the head this review verified, so a source that writes to the member's chain
 * meanwhile makes the ledger refuse it rather than accept an outdated file, and nothing was imported.
 */
async function acceptFromAnotherInstitution(institution: Institution, actor: Actor, transfer: Transfer, receiptHash: string) {
  const reviewed = await reviewFile(institution, transfer);
  const { review } = reviewed;
  if (review.verdict === "WAITING_FOR_FILE") {
    throw new Conflict(`the member's file has not arrived yet${review.file.lastError ? ` (last attempt: ${review.file.lastError})` : ""}`, {
      rule: RULES.transferFileMissing,
    });
  }
  if (review.verdict !== "ACCEPTABLE") {
    const failures = review.steps.filter((result) => result.status === "failed");
    throw new Conflict(`the member's file does not verify: ${failures.map((result) => `${result.reason}: ${result.message}`).join(" ")}`, {
      rule: RULES.transferReviewFailed,
    });
  }
  return close(
    institution,
    actor,
    transfer,
    "transfer.accept",
    { to: "ACCEPTING", receiptHash, acceptedBy: actor.accountId, acceptanceRefusal: null },
    undefined,
    review.member!.head!,
  );
}

export async function rejectTransfer(institution: Institution, actor: Actor, transferId: string, code: string): Promise<TransferView> {
  const transfer = await openIncoming(institution, actor, transferId);
  return close(institution, actor, transfer, "transfer.reject", { to: "REJECTED", reasonCode: code });
}

export async function cancelTransfer(institution: Institution, actor: Actor, transferId: string, code: string): Promise<TransferView> {
  const transfer = await openOutgoing(institution, actor, transferId);
  return close(institution, actor, transfer, "transfer.cancel", { to: "CANCELLED", reasonCode: code });
}

/** Closes an exported transfer when the outside organization's receipt (回执) comes back: the member leaves. */
export async function recordExportReceipt(
  institution: Institution,
  actor: Actor,
  transferId: string,
  reference: string,
): Promise<TransferView> {
  const transfer = await openOutgoing(institution, actor, transferId);
  if (transfer.toOrgId !== null) {
    throw new Conflict("only an exported transfer is closed with an outside receipt", { rule: RULES.transferExportOnly });
  }
  const receiptHash = canonicalKeccak({ version: 1, transferId, letterHash: transfer.letterHash, reference });
  return close(institution, actor, transfer, "transfer.exportReceipt", { to: "ACCEPTED", receiptHash }, async (tx) => {
    if (transfer.memberId) await tx.members.update(transfer.memberId, { status: "TRANSFERRED_OUT" });
  });
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

async function requireDestination(repositories: Repositories, member: Member, toOrgId: number): Promise<void> {
  const destination = await repositories.organizations.get(toOrgId);
  const committee = destination && (await committeeAbove(repositories, toOrgId));
  if (!destination || destination.kind === "CONSORTIUM" || toOrgId === member.orgId || !committee?.mayApprove) {
    throw new ValidationError({
      field: "toOrgId",
      message: `organization ${toOrgId} cannot receive a transfer (unknown, the member's own, or without an approving committee)`,
    });
  }
  if (destination.closed) throw closedOrganization(destination, "toOrgId");
}

async function committeeAbove(repositories: Repositories, orgId: number) {
  for (
    let org = await repositories.organizations.get(orgId);
    org;
    org = org.parentId ? await repositories.organizations.get(org.parentId) : null
  ) {
    if (org.kind === "COMMITTEE") return org;
  }
  return null;
}

async function existing(repositories: Repositories, transferId: string): Promise<Transfer> {
  const transfer = await repositories.transfers.get(transferId);
  if (!transfer) throw new NotFound(`transfer ${transferId} not found`);
  return transfer;
}

/**
 * The transfer as it stands: an acceptance the chain refused goes back to the clerk, and an ISSUED transfer past its
 * validity becomes EXPIRED, each the first time anyone looks at it.
 */
async function current(institution: Institution, transfer: Transfer): Promise<Transfer> {
  return expireIfStale(institution, await takeBackIfRefused(institution, transfer));
}

/**
 * An ACCEPTING transfer whose acceptance the chain refused (the source wrote a step since the review, say) is ISSUED
 * again, with the chain's reason for the clerk, and its file is fetched anew for the next review. Nothing was imported.
 * The ledger has the last word: while it reads the transfer as accepted (or cannot be read), the transfer stays
 * ACCEPTING and the indexer imports the member once the acceptance is final.
 */
async function takeBackIfRefused(institution: Institution, transfer: Transfer): Promise<Transfer> {
  if (transfer.state !== "ACCEPTING") return transfer;
  const acceptance = (await institution.repositories.outbox.listByTransfer(transfer.id))
    .filter((item) => item.call.method === "accept")
    .at(-1);
  if (acceptance?.state !== "FAILED") return transfer;
  const onChain = await institution.federation?.reader.transfer(transfer.id).catch(() => null);
  if (!onChain || onChain.state === "ACCEPTED") return transfer;
  try {
    return await institution.transaction(async (tx) => {
      const refusal = acceptance.error;
      const back = (await tx.transfers.updateState(transfer.id, {
        from: "ACCEPTING",
        to: "ISSUED",
        receiptHash: null,
        acceptanceRefusal: refusal,
      }))!;
      await tx.incomingFiles.fetchAgain(transfer.id);
      await tx.auditLog.append({
        accountId: null,
        orgId: transfer.toOrgId,
        action: "transfer.acceptanceRefused",
        targetType: "transfer",
        targetId: transfer.id,
        details: { memberKey: transfer.memberKey, error: refusal?.name ?? null },
      });
      return back;
    });
  } catch (error) {
    if (error instanceof TransferStateConflictError) return (await institution.repositories.transfers.get(transfer.id))!;
    throw error;
  }
}

/** An ISSUED transfer past its validity becomes EXPIRED the first time anyone looks at it. */
async function expireIfStale(institution: Institution, transfer: Transfer): Promise<Transfer>;
async function expireIfStale(institution: Institution, transfer: Transfer | null): Promise<Transfer | null>;
async function expireIfStale(institution: Institution, transfer: Transfer | null): Promise<Transfer | null> {
  if (!transfer || transfer.state !== "ISSUED" || transfer.validUntil > institution.now()) return transfer;
  try {
    return await institution.repositories.transfers.updateState(transfer.id, { from: "ISSUED", to: "EXPIRED" });
  } catch (error) {
    if (error instanceof TransferStateConflictError) return institution.repositories.transfers.get(transfer.id);
    throw error;
  }
}

async function openIncoming(institution: Institution, actor: Actor, transferId: string): Promise<Transfer> {
  const transfer = await requireOpen(institution, await existing(institution.repositories, transferId));
  if (transfer.toOrgId === null) {
    throw new Conflict("an exported transfer is closed by its source with the outside receipt", { rule: RULES.transferExportOnly });
  }
  await requireApprover(institution.repositories, actor, transfer.toOrgId);
  return transfer;
}

async function openOutgoing(institution: Institution, actor: Actor, transferId: string): Promise<Transfer> {
  const transfer = await requireOpen(institution, await existing(institution.repositories, transferId));
  await requireApprover(institution.repositories, actor, transfer.fromOrgId);
  return transfer;
}

async function requireOpen(institution: Institution, transfer: Transfer): Promise<Transfer> {
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

async function close(
  institution: Institution,
  actor: Actor,
  transfer: Transfer,
  action: string,
  change: Omit<StateChange, "from"> & { reasonCode?: string; receiptHash?: string },
  alsoWrite?: (tx: Repositories) => Promise<void>,
  verifiedHead?: string,
): Promise<TransferView> {
  try {
    return await institution.transaction(async (tx) => {
      const updated = (await tx.transfers.updateState(transfer.id, { from: "ISSUED", ...change }))!;
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

async function audit(tx: Repositories, actor: Actor, action: string, transfer: Transfer, details: Record<string, unknown>) {
  await tx.auditLog.append({
    accountId: actor.accountId,
    orgId: actor.orgId,
    action,
    targetType: "transfer",
    targetId: transfer.id,
    details: { memberKey: transfer.memberKey, state: transfer.state, ...details },
  });
}

/** Moves a member to another organization of this instance, its personal data sealed again for the new one. */
async function moveMember(institution: Institution, tx: Repositories, memberId: string, orgId: number): Promise<void> {
  const member = (await tx.members.get(memberId))!;
  const { personalData } = sealPersonalData(institution, member.memberKey, orgId, openPersonalData(institution, member));
  await tx.members.update(memberId, { orgId, personalData });
}
