// What each confirmed chain event does to this instance (the indexer calls this inside the transaction that moves its
// cursor, so each event is applied exactly once). The registry's events keep the organization tree (names, closings),
// approval power, endpoints and roles mirrored; the transfer ledger's events bring in transfers addressed to this instance's
// organizations, import the member of an incoming transfer once its acceptance is final, and close this instance's
// open transfers whichever key closed them on chain. The returned text is what the event did here ("ignored" when it
// does not concern this instance).
import type { IndexedEvent } from "../../indexer/event-indexer";
import { CHAIN_ORG_KINDS, CHAIN_ROLES, type ChainOrgKind, type ChainRole } from "../../chain/organizations";
import type { FederationReader } from "../../chain/federation-reader";
import { type Repositories, type Transfer } from "../../data-access";
import { reasonCodeFromChain } from "../chain-writes";
import type { Institution } from "../institution";
import { acceptedFile, importMemberFile } from "./import-member";
import { nextTransferState } from "../transfers/state-machine";
import { hashOrNone, transferKindFromChain } from "../../chain/codec";

export const IGNORED = "ignored";

export interface ChainEventContext {
  /** This instance's chain key (lowercase): the committees where it is an attester are the ones it serves. */
  account: string;
  reader: Pick<FederationReader, "member">;
  /** This instance's keys and rules: an incoming member is imported with them. */
  institution: Institution;
  /** Called after an incoming transfer is recorded, so its file is fetched without waiting for a poll. */
  onIncomingTransfer?(): void;
}

export function chainEventHandler(context: ChainEventContext) {
  return async (event: IndexedEvent, tx: Repositories): Promise<string> => {
    const { args } = event;
    switch (`${event.contract}.${event.name}`) {
      case "registry.OrganizationRegistered":
        return mirrorOrganization(tx, args);
      case "registry.OrganizationRenamed":
        await tx.organizations.applyChainChange(Number(args.orgId), { name: String(args.name) });
        return `organization ${args.orgId} renamed`;
      case "registry.OrganizationClosed":
        await tx.organizations.applyChainChange(Number(args.orgId), { closed: true });
        return `organization ${args.orgId} closed`;
      case "registry.ApprovalPowerChanged":
        await tx.organizations.applyChainChange(Number(args.orgId), { mayApprove: Boolean(args.mayApprove) });
        return `organization ${args.orgId} ${args.mayApprove ? "may" : "may no longer"} approve`;
      case "registry.ServiceEndpointSet":
        await tx.organizations.applyChainChange(Number(args.committeeId), { serviceEndpoint: String(args.url) || null });
        return `committee ${args.committeeId} publishes its instance at ${String(args.url) || "(none)"}`;
      case "registry.RoleGranted":
      case "registry.RoleRevoked":
        return mirrorRole(tx, context, event);
      case "transfers.TransferIssued":
        return transferIssued(tx, context, event);
      case "transfers.TransferAccepted":
        return transferAccepted(tx, context, event);
      case "transfers.TransferRejected":
        return transferClosed(tx, event, "reject", reasonCodeFromChain(Number(args.reasonCode)));
      case "transfers.TransferCancelled":
        return transferClosed(tx, event, "cancel", reasonCodeFromChain(Number(args.reasonCode)));
      default:
        return IGNORED;
    }
  };
}

async function mirrorOrganization(tx: Repositories, args: IndexedEvent["args"]): Promise<string> {
  const id = Number(args.orgId);
  if (await tx.organizations.get(id)) return `organization ${id} already mirrored`;
  const kind = (Object.keys(CHAIN_ORG_KINDS) as ChainOrgKind[]).find((name) => CHAIN_ORG_KINDS[name] === Number(args.kind))!;
  await tx.organizations.upsertFromChain({ id, parentId: Number(args.parentId) || null, kind, name: String(args.name), mayApprove: false });
  return `organization ${id} mirrored`;
}

async function mirrorRole(tx: Repositories, context: ChainEventContext, event: IndexedEvent): Promise<string> {
  const orgId = Number(event.args.orgId);
  const account = String(event.args.account);
  const role = (Object.keys(CHAIN_ROLES) as ChainRole[]).find((name) => CHAIN_ROLES[name] === Number(event.args.role))!;
  const granted = event.name === "RoleGranted";
  if (granted) await tx.chainIndex.grantRole(orgId, account, role);
  else await tx.chainIndex.revokeRole(orgId, account, role);
  const concerns =
    account === context.account || (await servedCommittees(tx, context.account)).has((await tx.organizations.committeeOf(orgId)) ?? 0);
  if (!concerns) return IGNORED;
  const whose = account === context.account ? "this instance's key" : account;
  return `${whose} ${granted ? "became" : "is no longer"} ${role} of organization ${orgId}`;
}

async function servedCommittees(tx: Repositories, account: string): Promise<Set<number>> {
  const roles = await tx.chainIndex.rolesOf(account);
  return new Set(roles.filter((role) => role.role === "ATTESTER").map((role) => role.orgId));
}

/** Whether this instance serves the organization: its key is an attester of the organization's committee. */
export async function servesOrganization(tx: Repositories, account: string, orgId: number): Promise<boolean> {
  const committee = await tx.organizations.committeeOf(orgId);
  return committee !== null && (await servedCommittees(tx, account)).has(committee);
}

async function transferIssued(tx: Repositories, context: ChainEventContext, event: IndexedEvent): Promise<string> {
  const { args } = event;
  const id = String(args.transferId);
  const replaces = hashOrNone(String(args.replaces));
  const effects: string[] = [];
  const replaced = replaces ? await tx.transfers.get(replaces) : null;
  const cancelling = replaced && nextTransferState(replaced.state, "cancel", "chain");
  if (replaced && !replaced.issuedHere && cancelling?.ok) {
    // A lost letter's reissue cancels the old one on chain in the same transaction (an acceptance sent meanwhile is refused).
    await tx.transfers.updateState(replaced.id, { from: replaced.state, to: cancelling.state, reasonCode: "REISSUED" });
    effects.push(`incoming transfer ${replaced.id} replaced`);
  }
  const existing = await tx.transfers.get(id);
  const toOrgId = Number(args.toOrgId);
  if (existing) return [...effects, existing.issuedHere ? "issued here" : "already recorded"].join("; ");
  if (toOrgId === 0 || !(await servesOrganization(tx, context.account, toOrgId))) return effects.join("; ") || IGNORED;
  await tx.transfers.create({
    id,
    memberKey: String(args.memberKey),
    memberId: null,
    kind: transferKindFromChain(Number(args.kind)),
    fromOrgId: Number(args.fromOrgId),
    toOrgId,
    destinationHash: null,
    destination: null,
    validUntil: new Date(Number(args.validUntil) * 1000),
    letterHash: String(args.letterHash),
    replaces: replaced ? replaces : null,
    createdBy: null,
    issuedHere: false,
  });
  await tx.incomingFiles.expect(id);
  await tx.auditLog.append({
    accountId: null,
    orgId: toOrgId,
    action: "transfer.incoming",
    targetType: "transfer",
    targetId: id,
    details: { memberKey: String(args.memberKey), fromOrgId: Number(args.fromOrgId), blockNumber: event.blockNumber },
  });
  context.onIncomingTransfer?.();
  return [...effects, `incoming transfer from organization ${args.fromOrgId} to ${toOrgId} recorded`].join("; ");
}

/**
 * A transfer accepted on chain, final now. One this instance issued: the member has left and its file here becomes
 * read-only. One it received: the member file its review verified is imported now, in this transaction.
 */
async function transferAccepted(tx: Repositories, context: ChainEventContext, event: IndexedEvent): Promise<string> {
  const transfer = await tx.transfers.get(String(event.args.transferId));
  const step = transfer && nextTransferState(transfer.state, "accept", "chain");
  if (!transfer || !step?.ok) return IGNORED;
  const receiptHash = String(event.args.receiptHash);
  await tx.transfers.updateState(transfer.id, { from: transfer.state, to: step.state, receiptHash });
  // The chain as the acceptance left it: the records it held then are the source's, later ones the destination's.
  const onChain = await context.reader.member(transfer.memberKey, event.blockNumber);
  if (!transfer.issuedHere) return importAccepted(tx, context, transfer, onChain, event);
  if (transfer.memberId) {
    await tx.members.update(transfer.memberId, { status: "TRANSFERRED_OUT", departedRecordCount: onChain.recordCount });
  }
  await tx.auditLog.append({
    accountId: null,
    orgId: transfer.fromOrgId,
    action: "transfer.acceptedByDestination",
    targetType: "transfer",
    targetId: transfer.id,
    details: { memberKey: transfer.memberKey, receiptHash, blockNumber: event.blockNumber },
  });
  return `transfer ${transfer.id} accepted by organization ${event.args.toOrgId}: member transferred out`;
}

async function importAccepted(
  tx: Repositories,
  context: ChainEventContext,
  transfer: Transfer,
  onChain: { head: string; recordCount: number },
  event: IndexedEvent,
): Promise<string> {
  const file = transfer.acceptedBy ? await acceptedFile(context.institution, tx, transfer, onChain) : "no account here accepted it";
  const details = { memberKey: transfer.memberKey, receiptHash: String(event.args.receiptHash), blockNumber: event.blockNumber };
  const entry = { accountId: transfer.acceptedBy, orgId: transfer.toOrgId, targetType: "transfer", targetId: transfer.id };
  if (typeof file === "string") {
    // Accepted on chain by another key of this committee, outside this instance: it holds no reviewed file to import.
    await tx.auditLog.append({ ...entry, action: "transfer.acceptedNotImported", details: { ...details, reason: file } });
    return `transfer ${transfer.id} accepted on chain; member not imported: ${file}`;
  }
  const member = await importMemberFile(context.institution, tx, transfer.acceptedBy!, transfer, file);
  await tx.auditLog.append({ ...entry, action: "transfer.imported", details: { ...details, memberId: member.id } });
  return `transfer ${transfer.id} accepted on chain: member imported into organization ${transfer.toOrgId}`;
}

/** Rejected or cancelled on chain, by whichever key of the institution that did it (this instance's, or another). */
async function transferClosed(tx: Repositories, event: IndexedEvent, move: "reject" | "cancel", reasonCode: string): Promise<string> {
  const transfer = await tx.transfers.get(String(event.args.transferId));
  const step = transfer && nextTransferState(transfer.state, move, "chain");
  // Closed here already (this instance rejected or cancelled it itself), or not ours at all.
  if (!transfer || !step?.ok) return IGNORED;
  const to = step.state;
  await tx.transfers.updateState(transfer.id, { from: transfer.state, to, reasonCode });
  await tx.auditLog.append({
    accountId: null,
    orgId: transfer.issuedHere ? transfer.fromOrgId : transfer.toOrgId,
    action: move === "reject" ? "transfer.rejectedByDestination" : "transfer.cancelledBySource",
    targetType: "transfer",
    targetId: transfer.id,
    details: { memberKey: transfer.memberKey, reasonCode, blockNumber: event.blockNumber },
  });
  return `transfer ${transfer.id} ${to.toLowerCase()} (${reasonCode})`;
}
