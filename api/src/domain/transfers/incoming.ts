// A transfer another institution issued to one of this instance's organizations. It settles on the chain first:
// accepting it makes it ACCEPTING (decide.ts) once the member's file reviews as acceptable (federation/review.ts), and
// the member is imported only when the chain's acceptance is final (federation/chain-events.ts); a refusal hands it
// back to the clerk. This file imports nothing of the wing but its terms, so the review never leads back to it.
import { TransferStateConflictError, type Transfer } from "../../data-access";
import { Conflict } from "../errors";
import { reviewFile } from "../federation/review";
import type { Institution } from "../institution";
import { RULES } from "../refusals";
import { nextTransferState } from "./state-machine";

/**
 * Another institution's member arrives: the review is computed again now, and only an acceptable file is accepted.
 * Returns the head this review verified: the acceptance names it, so a source that writes to the member's chain
 * meanwhile makes the ledger refuse it rather than accept an outdated file, and nothing was imported.
 */
export async function reviewedHeadForAcceptance(institution: Institution, transfer: Transfer): Promise<string> {
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
  return review.member!.head!;
}

/**
 * An ACCEPTING transfer whose acceptance the chain refused (the source wrote a step since the review, say) is ISSUED
 * again, with the chain's reason for the clerk, and its file is fetched anew for the next review. Nothing was imported.
 * The ledger has the last word: while it reads the transfer as accepted (or cannot be read), the transfer stays
 * ACCEPTING and the indexer imports the member once the acceptance is final.
 */
export async function takeBackIfRefused(institution: Institution, transfer: Transfer): Promise<Transfer> {
  const back = nextTransferState(transfer.state, "refuseAcceptance", "chain");
  if (!back.ok) return transfer;
  const acceptance = (await institution.repositories.outbox.listByTransfer(transfer.id))
    .filter((item) => item.call.method === "accept")
    .at(-1);
  if (acceptance?.state !== "FAILED") return transfer;
  const onChain = await institution.federation?.reader.transfer(transfer.id).catch(() => null);
  if (!onChain || onChain.state === "ACCEPTED") return transfer;
  try {
    return await institution.transaction(async (tx) => {
      const refusal = acceptance.error;
      const handedBack = (await tx.transfers.updateState(transfer.id, {
        from: transfer.state,
        to: back.state,
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
      return handedBack;
    });
  } catch (error) {
    if (error instanceof TransferStateConflictError) return (await institution.repositories.transfers.get(transfer.id))!;
    throw error;
  }
}
