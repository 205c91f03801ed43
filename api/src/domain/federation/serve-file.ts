// The source's side of a transfer between institutions: another instance asks for a member's file with a request
// signed by its chain key. The chain decides: the transfer must be open on the ledger, go to the committee the request
// names, and the key must be that committee's attester at the current block. No account, no shared secret. A request
// is good once (its nonce is remembered while it is fresh) and the file is sealed to the key that signed it.
import { fileRequestDigest, fileRequestSigner, type SignedFileRequest } from "../../lib/file-request";
import { sealFile, type SealedFile } from "../../lib/sealed-file";
import { Conflict, Forbidden, NotFound } from "../errors";
import type { Institution } from "../institution";
import { buildMemberFile } from "./member-file";
import { federationOf } from "./sources";
import { RULES } from "../refusals";

export async function serveMemberFile(institution: Institution, signed: SignedFileRequest): Promise<SealedFile> {
  const federation = federationOf(institution);
  const { request } = signed;
  const signer = fileRequestSigner(federation.requestChain, signed);
  if (signer === null) {
    throw new Forbidden({ rule: RULES.federationSignature, message: "the request's signature does not recover to any key" });
  }
  const now = institution.now();
  const ageSeconds = Math.floor(now.getTime() / 1000) - request.issuedAt;
  if (ageSeconds < -federation.clockSkewSeconds) {
    throw new Forbidden({
      rule: RULES.federationRequestFromFuture,
      message: `the request is dated ${-ageSeconds} s ahead of this server's clock; at most ${federation.clockSkewSeconds} s is allowed (check the requesting server's clock)`,
    });
  }
  if (ageSeconds > federation.requestMaxAgeSeconds) {
    throw new Forbidden({
      rule: RULES.federationRequestExpired,
      message: `the request was signed ${ageSeconds} s ago; a request is good for ${federation.requestMaxAgeSeconds} s (check the requesting server's clock)`,
    });
  }
  // Remembered until the request would be refused as expired anyway, in the database so every process sees it.
  const expiresAt = new Date((request.issuedAt + federation.requestMaxAgeSeconds + 1) * 1000);
  if (!(await institution.repositories.requestNonces.claim(request.nonce, expiresAt, now))) {
    throw new Conflict("this request was already answered: a member-file request is good once (sign a new one)", {
      rule: RULES.federationReplayed,
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
      { rule: RULES.federationTransferNotOpen },
    );
  }
  const destination = onChain.toOrgId === 0 ? 0 : await federation.reader.approvingCommitteeOf(onChain.toOrgId);
  if (destination !== request.committeeId) {
    throw new Forbidden({
      rule: RULES.federationNotDestination,
      message: `the request speaks for committee ${request.committeeId}, but transfer ${transfer.id} goes to ${destination ? `committee ${destination}` : "an organization outside the consortium"}`,
    });
  }
  if (!(await federation.reader.hasRole(destination, signer.address, "ATTESTER"))) {
    throw new Forbidden({
      rule: RULES.federationNotDestinationAttester,
      message: `key ${signer.address} is not an attester of committee ${destination} on chain at the current block`,
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
    details: { memberKey: transfer.memberKey, requestedBy: signer.address, committeeId: destination },
  });
  return sealFile(JSON.stringify(file), signer, fileRequestDigest(federation.requestChain, request));
}
