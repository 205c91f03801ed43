// A record's place in its member's hash chain, against the chain's live head: for one record, that the chain reaches
// its sequence; for a member's file, that no record is missing, repeated or forged, and that the file is up to date.
import type { MemberProof, MemberProofRecord } from "../../lib/proof-bundle";
import type { ChainFacts } from "./chain-facts";
import { nameOf, type RecordClaim } from "./record-checks";
import { step, type Reason, type StepResult } from "./verdict";

/** A record bundle's record: the member's chain on the ledger holds at least `sequence` records, and the head matches. */
export async function positionStep(claim: RecordClaim, facts: ChainFacts): Promise<StepResult> {
  const fail = (reason: Reason, message: string) => step("failed", reason, message, claim);
  const member = await facts.reader.member(facts.chain.membershipLedger, claim.memberKey);
  const chain = `member ${claim.memberKey}'s chain`;
  if (member.recordCount < claim.sequence) {
    return fail(
      "memberChain.beyondHead",
      `${nameOf(claim)} claims sequence ${claim.sequence}, but ${chain} holds only ${member.recordCount} record(s).`,
    );
  }
  if (member.recordCount === claim.sequence && member.head !== claim.recordHash) {
    return fail(
      "memberChain.headMismatch",
      `${nameOf(claim)} claims sequence ${claim.sequence}, the last of ${chain}, but the chain's head is ${member.head}.`,
    );
  }
  return step(
    "passed",
    "memberChain.onChain",
    `The ${chain} holds ${member.recordCount} record(s), this one at sequence ${claim.sequence}.`,
    claim,
  );
}

/** Sequences run 1, 2, …, n with no gap or repeat, each record naming its predecessor's hash. */
export function continuitySteps(bundle: MemberProof): StepResult[] {
  const { memberKey, records } = bundle;
  const fail = (reason: Reason, message: string) => step("failed", reason, message);
  const describe = ({ id, recordHash, sequence }: MemberProofRecord) =>
    `record ${id} (${recordHash}, sequence ${sequence})`;
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
 * The chain's live head is the bundle's record at sequence `recordCount`, no record beyond it claims an anchor, and
 * the chain holds nothing the bundle lacks. Records still waiting to be anchored may follow the head.
 */
export async function headSteps(bundle: MemberProof, facts: ChainFacts): Promise<StepResult[]> {
  const { memberKey, records, head: madeAt } = bundle;
  const ledger = facts.chain.membershipLedger;
  const fail = (reason: Reason, message: string, claim?: RecordClaim) => step("failed", reason, message, claim);
  const { recordCount, head } = await facts.reader.member(ledger, memberKey);
  const chain = `Member ${memberKey}'s chain on MembershipLedger ${ledger}`;
  if (recordCount === 0) return [fail("memberChain.unknownMember", `${chain} holds no record.`)];
  const lastSequence = Math.max(0, ...records.map((record) => record.sequence));
  if (recordCount > lastSequence) {
    const when = `it was made at block ${madeAt.blockNumber}, when the head was ${madeAt.recordHash}`;
    return [
      fail(
        "memberChain.headMoved",
        `${chain} now holds ${recordCount} record(s) ending in ${head}, but the bundle ends at sequence ${lastSequence} (${when}): the bundle is out of date.`,
      ),
    ];
  }
  const problems: StepResult[] = [];
  const atHead = records.filter((record) => record.sequence === recordCount);
  if (!atHead.some((record) => record.recordHash === head)) {
    const found = atHead.map((record) => `record ${record.id} (${record.recordHash})`).join(" and ") || "missing";
    problems.push(
      fail("memberChain.headMismatch", `${chain} ends in ${head}, at sequence ${recordCount}; the bundle's record there is ${found}.`),
    );
  }
  for (const record of records.filter((candidate) => candidate.sequence > recordCount && candidate.anchor !== null)) {
    const claim = { ...record, memberKey };
    problems.push(
      fail(
        "memberChain.beyondHead",
        `${nameOf(claim)} claims sequence ${record.sequence} and an anchor, but ${chain} holds only ${recordCount} record(s).`,
        claim,
      ),
    );
  }
  if (problems.length > 0) return problems;
  const pending = records.filter((record) => record.sequence > recordCount).length;
  const waiting = pending > 0 ? `; ${pending} later record(s) wait to be anchored` : "";
  return [
    step(
      "passed",
      "memberChain.headMatches",
      `${chain} holds ${recordCount} record(s) and ends in ${head}, the bundle's record of sequence ${recordCount}${waiting}.`,
    ),
  ];
}
