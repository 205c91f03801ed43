// A record's place in its member's hash chain, against the chain's live head: for one record, that the chain reaches
// its sequence; for a member's file, that no record is missing, repeated or forged, and that the file is up to date.
import { ZeroHash } from "ethers";
import type { MemberEvent } from "../../chain/chain-reader";
import type { MemberProof, MemberProofRecord } from "../../lib/proof-bundle";
import type { ChainFacts } from "./chain-facts";
import { nameOf, type RecordClaim } from "./record-checks";
import { step, type Reason, type StepResult } from "./verdict";

/** The member's records in the ledger's RecordAppended order: sequence n is entry n − 1. */
async function ledgerOrder(memberKey: string, facts: ChainFacts) {
  const history = await facts.memberHistory(memberKey);
  const appended = history.filter((event) => event.kind === "appended");
  return { history, appended, chain: `member ${memberKey}'s chain on MembershipLedger ${facts.chain.membershipLedger}` };
}

/**
 * A record bundle's record: the ledger's RecordAppended order puts this record hash at `sequence`, right after the
 * record `prevHash` names (none for sequence 1). With the body withheld this is what proves the bundle's place claims.
 */
export async function positionStep(claim: RecordClaim, facts: ChainFacts): Promise<StepResult> {
  const fail = (reason: Reason, message: string) => step("failed", reason, message, claim);
  const { appended, chain } = await ledgerOrder(claim.memberKey, facts);
  const atSequence = appended[claim.sequence - 1];
  if (atSequence === undefined) {
    return fail(
      "memberChain.beyondHead",
      `${nameOf(claim)} claims sequence ${claim.sequence}, but ${chain} holds only ${appended.length} record(s).`,
    );
  }
  if (atSequence.recordHash !== claim.recordHash) {
    return fail(
      "memberChain.notOnLedger",
      `${nameOf(claim)} claims sequence ${claim.sequence}, but ${chain} holds ${atSequence.recordHash} there.`,
    );
  }
  const previous = claim.sequence === 1 ? null : appended[claim.sequence - 2].recordHash;
  if (claim.prevHash !== previous) {
    return fail(
      "memberChain.brokenLink",
      `${nameOf(claim)} names previous hash ${claim.prevHash}, but ${chain} holds ${previous ?? "no record"} before it.`,
    );
  }
  return step(
    "passed",
    "memberChain.onChain",
    `The ${chain} holds ${appended.length} record(s), this one at sequence ${claim.sequence}, after ${previous ?? "none"}.`,
    claim,
  );
}

/**
 * A member bundle's record against the ledger's order: at or below the live head its hash must be the one appended at
 * its sequence, by the anchor the bundle names; beyond the head it may only wait to be anchored (proving nothing yet).
 */
export async function ledgerStep(claim: RecordClaim, anchored: StepResult, facts: ChainFacts): Promise<StepResult> {
  const { appended, chain } = await ledgerOrder(claim.memberKey, facts);
  const atSequence = appended[claim.sequence - 1];
  if (atSequence === undefined) {
    if (claim.anchor !== null) {
      const message = `${nameOf(claim)} claims sequence ${claim.sequence} and an anchor, but ${chain} holds only ${appended.length} record(s).`;
      return step("failed", "memberChain.beyondHead", message, claim);
    }
    return step(
      "skipped",
      "memberChain.notAnchored",
      `${nameOf(claim)} waits to be anchored: ${chain} holds ${appended.length} record(s), so nothing vouches for it yet.`,
      claim,
    );
  }
  if (atSequence.recordHash !== claim.recordHash) {
    const message = `${nameOf(claim)} claims sequence ${claim.sequence}, but ${chain} holds ${atSequence.recordHash} there (appended by transaction ${atSequence.transactionHash}).`;
    return step("failed", "memberChain.notOnLedger", message, claim);
  }
  if (claim.anchor === null) {
    const message = `${nameOf(claim)} is on ${chain} at sequence ${claim.sequence}, but the bundle names no anchor for it: it was made before the record was anchored; fetch it again.`;
    return step("skipped", "memberChain.anchorOmitted", message, claim);
  }
  if (anchored.status !== "passed") return anchored;
  return { ...anchored, message: `${anchored.message} The ledger holds it at sequence ${claim.sequence}.` };
}

/** Sequences run 1, 2, …, n with no gap or repeat, each record naming its predecessor's hash. */
export function continuitySteps(bundle: MemberProof): StepResult[] {
  const { memberKey, records } = bundle;
  const fail = (reason: Reason, message: string) => step("failed", reason, message);
  const describe = ({ id, recordHash, sequence }: MemberProofRecord) => `record ${id} (${recordHash}, sequence ${sequence})`;
  if (records.length === 0) return [fail("memberChain.noRecords", `The bundle holds no record of member ${memberKey}.`)];

  const problems: StepResult[] = [];
  const lacks = (from: number, to: number) =>
    `The bundle lacks member ${memberKey}'s record(s) of sequence ${from === to ? from : `${from} to ${to}`}`;
  const [first] = records;
  if (first.sequence !== 1) {
    problems.push(fail("memberChain.missingRecord", `${lacks(1, first.sequence - 1)}: it starts with ${describe(first)}.`));
  } else if (first.prevHash !== null) {
    problems.push(
      fail("memberChain.brokenLink", `${describe(first)} is member ${memberKey}'s first, yet names previous hash ${first.prevHash}.`),
    );
  }
  for (const [index, current] of records.entries()) {
    const previous = records[index - 1];
    if (previous === undefined) continue;
    if (current.sequence === previous.sequence) {
      problems.push(
        fail(
          "memberChain.duplicateSequence",
          `Both ${describe(previous)} and ${describe(current)} claim one place in member ${memberKey}'s chain.`,
        ),
      );
    } else if (current.sequence < previous.sequence) {
      problems.push(fail("memberChain.outOfOrder", `${describe(current)} follows ${describe(previous)}: records are out of order.`));
    } else if (current.sequence > previous.sequence + 1) {
      problems.push(
        fail(
          "memberChain.missingRecord",
          `${lacks(previous.sequence + 1, current.sequence - 1)}: ${describe(previous)} is followed by ${describe(current)}.`,
        ),
      );
    } else if (current.prevHash !== previous.recordHash) {
      problems.push(
        fail(
          "memberChain.brokenLink",
          `${describe(current)} names previous hash ${current.prevHash}, but the record before it is ${describe(previous)}.`,
        ),
      );
    }
  }
  if (problems.length > 0) return problems;
  return [
    step(
      "passed",
      "memberChain.continuous",
      `Member ${memberKey}'s ${records.length} record(s) run from sequence 1 to ${records.length}, each naming the previous one's hash.`,
    ),
  ];
}

/**
 * The bundle's `head` is what the ledger held at the block it names, and the bundle reaches the live head — or the
 * member's departure: a member moved away after the bundle's last record is proven up to the move.
 */
export async function headSteps(bundle: MemberProof, facts: ChainFacts): Promise<StepResult[]> {
  const { memberKey, records, head: claimed } = bundle;
  const fail = (reason: Reason, message: string) => step("failed", reason, message);
  const { history, appended, chain } = await ledgerOrder(memberKey, facts);
  const latest = await facts.latestBlock();
  if (claimed.blockNumber > latest) {
    return [
      fail(
        "memberChain.headFromFuture",
        `The bundle names the head at block ${claimed.blockNumber}, but the node's newest block is ${latest}.`,
      ),
    ];
  }
  const then = appended.filter((event) => event.blockNumber <= claimed.blockNumber);
  const headThen = then.at(-1)?.recordHash ?? ZeroHash;
  if (then.length !== claimed.recordCount || headThen !== claimed.recordHash) {
    return [
      fail(
        "memberChain.headClaimFalse",
        `The bundle says ${chain} held ${claimed.recordCount} record(s) ending in ${claimed.recordHash} at block ${claimed.blockNumber}; it held ${then.length} ending in ${headThen}.`,
      ),
    ];
  }
  const lastSequence = Math.max(0, ...records.map((record) => record.sequence));
  const head = appended.at(-1)?.recordHash ?? ZeroHash;
  if (appended.length <= lastSequence) {
    const pending = lastSequence - appended.length;
    const waiting = pending > 0 ? `; ${pending} later record(s) wait to be anchored` : "";
    return [
      step(
        "passed",
        "memberChain.headMatches",
        `${chain} holds ${appended.length} record(s) ending in ${head}, and held what the bundle says at block ${claimed.blockNumber}${waiting}.`,
      ),
    ];
  }
  const departure = departureAfter(history, lastSequence);
  if (departure) {
    return [
      step(
        "passed",
        "memberChain.upToDeparture",
        `The member left organization ${departure.fromOrgId} for organization ${departure.toOrgId} in block ${departure.blockNumber}, right after the bundle's last record (sequence ${lastSequence}); the bundle is complete up to the departure, and ${chain} has ${appended.length - lastSequence} record(s) since.`,
      ),
    ];
  }
  return [
    fail(
      "memberChain.headMoved",
      `${chain} now holds ${appended.length} record(s) ending in ${head}, but the bundle ends at sequence ${lastSequence} (it was made at block ${claimed.blockNumber}): the bundle is out of date.`,
    ),
  ];
}

/** The MemberMoved event between the ledger's record `sequence` and the next one, if the member moved there. */
function departureAfter(history: MemberEvent[], sequence: number) {
  let seen = 0;
  let moved: Extract<MemberEvent, { kind: "moved" }> | undefined;
  for (const event of history) {
    if (event.kind === "appended") {
      seen += 1;
      if (seen > sequence) return moved;
    } else if (seen === sequence) {
      moved ??= event;
    }
  }
  return moved;
}
