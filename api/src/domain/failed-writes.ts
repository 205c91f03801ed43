// Writes the chain refused, for an organization's administrator: which records and transfers of the subtree failed
// and why, and a way to send one again. The worker then tries it afresh: if the chain already holds the write, the
// item is anchored by the transaction that made it; if the reason has passed, it is sent; otherwise it fails again
// with the chain's present reason. The member's later items it held back go with it.
import type { FailedWrite } from "../data-access";
import { requireRole } from "./access";
import { Conflict, Forbidden, NotFound } from "./errors";
import type { Actor, Institution } from "./institution";
import { RULES } from "./refusals";

const LISTED = 500;

export async function listFailedWrites(institution: Institution, actor: Actor): Promise<{ items: FailedWrite[] }> {
  requireRole(actor, "retryFailedWrites");
  return { items: await institution.repositories.outbox.listFailedInSubtree(actor.orgId, LISTED) };
}

export async function requeueFailedWrite(institution: Institution, actor: Actor, outboxId: number): Promise<{ requeued: number[] }> {
  requireRole(actor, "retryFailedWrites");
  return institution.transaction(async (tx) => {
    const item = await tx.outbox.get(outboxId);
    if (!item) throw new NotFound(`no outbox item ${outboxId}`);
    if (item.state !== "FAILED")
      throw new Conflict(`outbox item ${outboxId} has not failed: it is ${item.state}`, { rule: RULES.outboxOnlyFailed });
    const [inScope] = await tx.outbox.listFailedInSubtree(actor.orgId, 1, outboxId);
    if (!inScope) {
      throw new Forbidden({
        rule: RULES.scopeOrgSubtree,
        message: `outbox item ${outboxId} is not a write of your organization ${actor.orgId} or its subtree`,
      });
    }
    return { requeued: await tx.outbox.requeue([outboxId]) };
  });
}
