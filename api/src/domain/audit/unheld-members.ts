// Members the ledger places under this university that no member row holds: a row deleted behind the service's back
// (its records too, where no log position is left to miss), or a member registered or moved in by a key outside this
// instance. The row-side checks cannot see either: they start from the rows.
import type { AuditChainReader, JoinedMemberEvent } from "../../chain/audit-reader";
import type { FindingSet } from "./report";

export interface UnheldMemberInputs {
  /** The member key of every member row, departed ones included. */
  heldMemberKeys: ReadonlySet<string>;
  chain: Pick<AuditChainReader, "membersJoined" | "memberHeads" | "committeesOf" | "sendersOf">;
  /** Which of these transactions this instance sent (its journal). */
  journaledOf(transactionHashes: readonly string[]): Promise<ReadonlySet<string>>;
  /** This instance's committee. */
  committeeId: number;
  fromBlock: number;
  blockNumber: number;
  findings: FindingSet;
}

export async function checkUnheldMembers(inputs: UnheldMemberInputs): Promise<void> {
  const { chain, blockNumber } = inputs;
  const arrivals = new Map<string, JoinedMemberEvent>();
  for (const event of await chain.membersJoined(inputs.fromBlock, blockNumber)) {
    if (!inputs.heldMemberKeys.has(event.memberKey)) arrivals.set(event.memberKey, event);
  }
  if (arrivals.size === 0) return;
  const heads = await chain.memberHeads([...arrivals.keys()], blockNumber);
  const committeeOf = await chain.committeesOf(
    [...heads.values()].map((head) => head.orgId),
    blockNumber,
  );
  const ours = [...arrivals.values()].filter((event) => committeeOf.get(heads.get(event.memberKey)!.orgId) === inputs.committeeId);
  if (ours.length === 0) return;
  const own = await inputs.journaledOf(ours.map((event) => event.transactionHash));
  const senders = await chain.sendersOf(ours.map((event) => event.transactionHash).filter((hash) => !own.has(hash)));
  for (const event of ours) {
    const head = heads.get(event.memberKey)!;
    const arrival = own.has(event.transactionHash)
      ? `this instance brought it there in transaction ${event.transactionHash}, and its row is gone`
      : `key ${senders.get(event.transactionHash)}, which is not this instance's, brought it there in transaction ${event.transactionHash}`;
    inputs.findings.add({
      kind: "UNHELD_MEMBER",
      recordId: null,
      memberKey: event.memberKey,
      detail: `The ledger holds member ${event.memberKey} in organization ${head.orgId} of this university, with ${head.recordCount} records, and no member row holds it: ${arrival}.`,
    });
  }
}
