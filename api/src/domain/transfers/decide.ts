// The destination decides: its approving committee accepts a transfer (the receipt, 回执) or rejects it. A transfer
// issued here moves the member at once; another institution's waits for the chain (incoming.ts).
import type { Repositories, Transfer } from "../../data-access";
import { canonicalKeccak } from "../../lib/record-hash";
import { requireApprover } from "../access";
import { Conflict } from "../errors";
import type { Actor, Institution } from "../institution";
import { openPersonalData, sealPersonalData } from "../membership/members";
import { RULES } from "../refusals";
import { close } from "./close";
import { existing, requireOpen } from "./current";
import { reviewedHeadForAcceptance } from "./incoming";
import type { TransferMove } from "./state-machine";
import type { TransferView } from "./views";

export async function acceptTransfer(institution: Institution, actor: Actor, transferId: string): Promise<TransferView> {
  // A transfer issued here is accepted at once; another institution's waits for the chain's acceptance.
  const transfer = await openIncoming(institution, actor, transferId, (incoming) => (incoming.issuedHere ? "accept" : "sendAcceptance"));
  const receiptHash = canonicalKeccak({ version: 1, transferId, letterHash: transfer.letterHash, receivedByOrgId: transfer.toOrgId });
  if (!transfer.issuedHere) return acceptFromAnotherInstitution(institution, actor, transfer, receiptHash);
  return close(institution, actor, transfer, "transfer.accept", "accept", { receiptHash }, async (tx) => {
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
  const verifiedHead = await reviewedHeadForAcceptance(institution, transfer);
  return close(
    institution,
    actor,
    transfer,
    "transfer.accept",
    "sendAcceptance",
    { receiptHash, acceptedBy: actor.accountId, acceptanceRefusal: null },
    undefined,
    verifiedHead,
  );
}

export async function rejectTransfer(institution: Institution, actor: Actor, transferId: string, code: string): Promise<TransferView> {
  const transfer = await openIncoming(institution, actor, transferId, () => "reject");
  return close(institution, actor, transfer, "transfer.reject", "reject", { reasonCode: code });
}

async function openIncoming(
  institution: Institution,
  actor: Actor,
  transferId: string,
  moveOn: (transfer: Transfer) => TransferMove,
): Promise<Transfer> {
  const stored = await existing(institution.repositories, transferId);
  const transfer = await requireOpen(institution, stored, moveOn(stored));
  if (transfer.toOrgId === null) {
    throw new Conflict("an exported transfer is closed by its source with the outside receipt", { rule: RULES.transferExportOnly });
  }
  await requireApprover(institution.repositories, actor, transfer.toOrgId);
  return transfer;
}

/** Moves a member to another organization of this instance, its personal data sealed again for the new one. */
async function moveMember(institution: Institution, tx: Repositories, memberId: string, orgId: number): Promise<void> {
  const member = (await tx.members.get(memberId))!;
  const { personalData } = sealPersonalData(institution, member.memberKey, orgId, openPersonalData(institution, member));
  await tx.members.update(memberId, { orgId, personalData });
}
