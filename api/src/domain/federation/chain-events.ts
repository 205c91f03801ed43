// What each confirmed chain event does to this instance (the indexer calls this inside the transaction that moves its
// cursor, so each event is applied exactly once). The registry's events keep the organization tree, approval power,
// endpoints and roles mirrored; the transfer ledger's events bring in transfers addressed to this instance's
// organizations and close the ones it issued when another institution accepts or rejects them. The returned text is
// what the event did here ("ignored" when it does not concern this instance).
import type { IndexedEvent } from "../../chain/event-indexer";
import { CHAIN_ORG_KINDS, CHAIN_ROLES, type ChainOrgKind, type ChainRole } from "../../chain/organizations";
import type { FederationReader } from "../../chain/federation-reader";
import type { Repositories, Transfer } from "../../data-access";
import { reasonCodeFromChain } from "../chain-writes";

export const IGNORED = "ignored";
const ZERO_HASH = `0x${"0".repeat(64)}`;
const TRANSFER_KINDS = ["MEMBERSHIP", "MATERIALS"] as const;

export interface ChainEventContext {
  /** This instance's chain key (lowercase): the committees where it is an attester are the ones it serves. */
  account: string;
  reader: Pick<FederationReader, "member">;
  /** Called after an incoming transfer is recorded, so its file is fetched without waiting for a poll. */
  onIncomingTransfer?(): void;
}

export function chainEventHandler(context: ChainEventContext) {
  return async (event: IndexedEvent, tx: Repositories): Promise<string> => {
    const { args } = event;
    switch (`${event.contract}.${event.name}`) {
      case "registry.OrganizationRegistered":
        return mirrorOrganization(tx, args);
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
        return transferClosed(tx, event, "REJECTED", reasonCodeFromChain(Number(args.reasonCode)));
      case "transfers.TransferCancelled":
        return transferClosed(tx, event, "CANCELLED", reasonCodeFromChain(Number(args.reasonCode)));
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
  const concerns = account === context.account || (await servedCommittees(tx, context.account)).has((await tx.organizations.committeeOf(orgId)) ?? 0);
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
  const replaces = String(args.replaces) === ZERO_HASH ? null : String(args.replaces);
  const effects: string[] = [];
  const replaced = replaces ? await tx.transfers.get(replaces) : null;
  if (replaced && !replaced.issuedHere && replaced.state === "ISSUED") {
    // A lost letter's reissue cancels the old one on chain in the same transaction.
    await tx.transfers.updateState(replaced.id, { from: "ISSUED", to: "CANCELLED", reasonCode: "REISSUED" });
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
    kind: TRANSFER_KINDS[Number(args.kind)],
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

/** Another institution accepted a transfer this one issued: the member has left and its file here becomes read-only. */
async function transferAccepted(tx: Repositories, context: ChainEventContext, event: IndexedEvent): Promise<string> {
  const transfer = await openIssuedHere(tx, String(event.args.transferId));
  if (!transfer) return IGNORED;
  await tx.transfers.updateState(transfer.id, { from: "ISSUED", to: "ACCEPTED", receiptHash: String(event.args.receiptHash) });
  if (transfer.memberId) {
    // The records the chain held when the destination accepted are this institution's; later ones are the destination's.
    const { recordCount } = await context.reader.member(transfer.memberKey, event.blockNumber);
    await tx.members.update(transfer.memberId, { status: "TRANSFERRED_OUT", departedRecordCount: recordCount });
  }
  await tx.auditLog.append({
    accountId: null,
    orgId: transfer.fromOrgId,
    action: "transfer.acceptedByDestination",
    targetType: "transfer",
    targetId: transfer.id,
    details: { memberKey: transfer.memberKey, receiptHash: String(event.args.receiptHash), blockNumber: event.blockNumber },
  });
  return `transfer ${transfer.id} accepted by organization ${event.args.toOrgId}: member transferred out`;
}

async function transferClosed(tx: Repositories, event: IndexedEvent, to: "REJECTED" | "CANCELLED", reasonCode: string): Promise<string> {
  const transfer = await tx.transfers.get(String(event.args.transferId));
  // Closed here already (this instance rejected or cancelled it itself), or not ours at all.
  if (!transfer || transfer.state !== "ISSUED" || (to === "REJECTED") !== transfer.issuedHere) return IGNORED;
  await tx.transfers.updateState(transfer.id, { from: "ISSUED", to, reasonCode });
  await tx.auditLog.append({
    accountId: null,
    orgId: transfer.issuedHere ? transfer.fromOrgId : transfer.toOrgId,
    action: to === "REJECTED" ? "transfer.rejectedByDestination" : "transfer.cancelledBySource",
    targetType: "transfer",
    targetId: transfer.id,
    details: { memberKey: transfer.memberKey, reasonCode, blockNumber: event.blockNumber },
  });
  return `transfer ${transfer.id} ${to.toLowerCase()} (${reasonCode})`;
}

async function openIssuedHere(tx: Repositories, transferId: string): Promise<Transfer | null> {
  const transfer = await tx.transfers.get(transferId);
  return transfer && transfer.issuedHere && transfer.state === "ISSUED" ? transfer : null;
}
