// When the destination's instance cannot fetch the file (it is outside the consortium, or this instance is not
// reachable from it), the source's approver exports the same member file as an encrypted package. The package key is
// shown once and travels separately from the package (e.g. the key on the letter, the package by mail).
import { sealMemberPackage, type MemberPackage } from "../../lib/member-package";
import { requireApprover } from "../access";
import { Conflict, NotFound } from "../errors";
import type { Actor, Institution } from "../institution";
import { buildMemberFile } from "./member-file";
import { RULES } from "../refusals";

export async function exportMemberPackage(
  institution: Institution,
  actor: Actor,
  transferId: string,
): Promise<{ memberPackage: MemberPackage; packageKey: string }> {
  const transfer = await institution.repositories.transfers.get(transferId);
  if (!transfer || !transfer.issuedHere || transfer.memberId === null) throw new NotFound(`this instance issued no transfer ${transferId}`);
  await requireApprover(institution.repositories, actor, transfer.fromOrgId);
  if (transfer.state !== "ISSUED" || transfer.validUntil <= institution.now()) {
    throw new Conflict(`transfer ${transferId} is not open: a member's file is exported only for an open transfer`, {
      rule: RULES.transferNotOpen,
    });
  }
  const member = (await institution.repositories.members.get(transfer.memberId))!;
  const file = await buildMemberFile(institution, transfer, member);
  const sealed = sealMemberPackage(transfer.id, JSON.stringify(file));
  await institution.repositories.auditLog.append({
    accountId: actor.accountId,
    orgId: actor.orgId,
    action: "transfer.exportPackage",
    targetType: "transfer",
    targetId: transfer.id,
    details: { memberKey: transfer.memberKey },
  });
  return sealed;
}
