// What the indexer has seen, for operators and auditors: where its cursor stands and the chain events that concerned
// this instance, each with what it did here.
import { requireRole } from "../access";
import type { Actor, Institution } from "../institution";

export const EVENT_CURSOR = "consortium";

export async function listChainEvents(
  institution: Institution,
  actor: Actor,
  request: { all: boolean; limit: number; beforeBlock?: number; beforeLogIndex?: number },
) {
  requireRole(actor, "readChainEvents");
  const { chainIndex } = institution.repositories;
  const before =
    request.beforeBlock === undefined ? undefined : { blockNumber: request.beforeBlock, logIndex: request.beforeLogIndex ?? 0 };
  const [cursor, events] = await Promise.all([
    chainIndex.cursor(EVENT_CURSOR),
    chainIndex.listEvents({ concerningOnly: !request.all, limit: request.limit, before }),
  ]);
  return { cursor, events };
}
