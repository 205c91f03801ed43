// The source's side of a transfer between institutions: another instance asks for a member's file with a request
// signed by its chain key. The chain decides: the transfer must be open on the ledger, go to the committee the request
// names, and the key must be that committee's attester at the current block. No account, no shared secret.
import { fileRequestSigner, type SignedFileRequest } from "../../lib/file-request";
import { Conflict, Forbidden, NotFound } from "../errors";
import type { Institution } from "../institution";
import { buildMemberFile, type MemberFileDocument } from "./member-file";
import { federationOf } from "./sources";

export async function serveMemberFile(institution: Institution, signed: SignedFileRequest): Promise<MemberFileDocument> {
  const federation = federationOf(institution);
  const { request } = signed;
  const signer = fileRequestSigner(federation.requestChain, signed);
  if (signer === null) {
    throw new Forbidden({ rule: "federation.signature", message: "the request's signature does not recover to any key" });
  }
  const ageSeconds = Math.floor(institution.now().getTime() / 1000) - request.issuedAt;
  if (Math.abs(ageSeconds) > federation.requestMaxAgeSeconds) {
    throw new Forbidden({
      rule: "federation.requestExpired",
      message: `the request was signed ${ageSeconds} s from now; a request is good for ${federation.requestMaxAgeSeconds} s (check the requesting server's clock)`,
    });
  }
  const transfer = await institution.repositories.transfers.get(request.transferId);
  if (!transfer || !transfer.issuedHere || transfer.memberId === null) {
    throw new NotFound(`this instance issued no transfer ${request.transferId}`);
  }
  const onChain = await federation.reader.transfer(transfer.id);
  if (transfer.state !== "ISSUED" || onChain?.state !== "ISSUED") {
    throw new Conflict(
      `transfer ${transfer.id} is ${onChain?.state ?? "not on chain yet"}: a member's file is given only for a transfer open on chain`,
      { rule: "federation.transferNotOpen" },
    );
  }
  const destination = onChain.toOrgId === 0 ? 0 : await federation.reader.approvingCommitteeOf(onChain.toOrgId);
  if (destination !== request.committeeId) {
    throw new Forbidden({
      rule: "federation.notDestination",
      message: `the request speaks for committee ${request.committeeId}, but transfer ${transfer.id} goes to ${destination ? `committee ${destination}` : "an organization outside the consortium"}`,
    });
  }
  if (!(await federation.reader.hasRole(destination, signer, "ATTESTER"))) {
    throw new Forbidden({
      rule: "federation.notDestinationAttester",
      message: `key ${signer} is not an attester of committee ${destination} on chain at the current block`,
    });
  }
  const member = (await institution.repositories.members.get(transfer.memberId))!;
  const file = await buildMemberFile(institution, transfer, member);
  await institution.repositories.auditLog.append({
    accountId: null,
    orgId: transfer.fromOrgId,
    action: "transfer.fileServed",
    targetType: "transfer",
    targetId: transfer.id,
    details: { memberKey: transfer.memberKey, requestedBy: signer, committeeId: destination },
  });
  return file;
}
