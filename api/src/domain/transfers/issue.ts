// Issuing a transfer letter (开具介绍信): by the member's current approving committee, to an organization of the
// consortium or exported to one outside it, valid at most 90 days; and reissuing one (lost, expired or rejected) as a
// new transfer that names the one it replaces.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { OpenTransferExistsError, type Member, type Repositories, type Transfer } from "../../data-access";
import { canonicalKeccak } from "../../lib/record-hash";
import { requireApprover } from "../access";
import { issueCall, transferOutboxItem } from "../chain-writes";
import { Conflict, NotFound, RuleViolation, ValidationError } from "../errors";
import type { Actor, Institution } from "../institution";
import { openPersonalData } from "../membership/members";
import { closedOrganization } from "../organizations";
import { RULES } from "../refusals";
import type { TransferKind } from "../vocabulary";
import { audit } from "./close";
import { existing, expireIfStale } from "./current";
import { letterOf } from "./letter/format";
import { nextTransferState } from "./state-machine";
import { holderHash, newHolderSalt, newLetterNumber, transferIdOfNumber } from "./letter/number";
import { exportedDestination, transferView, type TransferView } from "./views";

export const MAX_VALIDITY_DAYS = 90;
const DAY_MS = 86_400_000;

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
      const cancelling = replaced && nextTransferState(replaced.state, "cancel");
      if (replaced && cancelling?.ok) {
        // A lost letter: the old one stops being valid in the same transaction the new one is issued.
        await tx.transfers.updateState(replaced.id, { from: replaced.state, to: cancelling.state, reasonCode: "REISSUED" });
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
