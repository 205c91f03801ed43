import { expect } from "chai";
import { ethers } from "hardhat";
import fc from "fast-check";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { dayOf, deployConsortium, Stage, TransferKind, TransferState, type Consortium } from "../helpers/fixture";
import { addMonths, ReferenceModel, RegistryModel, type IssueRequestModel } from "../helpers/reference-model";

const RUNS = 50;
const MAX_COMMANDS = 40;
/** Few member keys, so that operations collide on the same members and transfers. */
const POOL_SIZE = 3;
const DAY = 86_400;
/** Letters end half a day off the whole days the clock moves by, so a few seconds of block time never decide expiry. */
const HALF_DAY = DAY / 2;
/** Generated dates start here and stay years before the chain's clock, except the deliberate future ones. */
const FIRST_DAY = dayOf("2015-01-01");
const { ZeroHash } = ethers;

type University = "A" | "B" | "C";
type MemberAction =
  "register" | "registerArchival" | "append" | "selectActivist" | "selectCandidate" | "admit" | "extendProbation" | "convert" | "cancel";
type ProbationOutcome = "convert" | "extendProbation" | "cancel";

/** Operations are symbolic: callers, heads, dates and ids are resolved against the model when the step runs. */
type MemberOp = {
  type: "member";
  /** "next" is whatever moves the member one stage on, so runs reach the later stages. */
  action: MemberAction | "next";
  probationOutcome: ProbationOutcome;
  member: number;
  /** "right" is whom the action needs: an attester on the member's path (the branch clerk in A), or the approver. */
  caller: "right" | "approver" | "branchClerk" | "otherUniversity" | "outsider";
  registerOrg: "branchA" | "generalBranchA" | "branchB" | "branchC" | "consortium";
  staleHead: boolean;
  zeroRecord: boolean;
  dateMode: "forward" | "backwards" | "future";
  /** Whether "next" enters a new member from earlier files rather than as applicant. */
  fromArchive: boolean;
  /** The stage an archival entry claims (None and Cancelled are refused). */
  archivalStage: number;
  /** One thing wrong with an archival entry, or none. */
  archivalFlaw: "none" | "ownDateMissing" | "laterDateGiven" | "earlierDateMissing" | "fewerHashes";
  /** Days after the previous record (or, for a registration, in 15-day steps after FIRST_DAY). */
  gap: number;
  /** Days around a rule's boundary: one year after activist selection, the end of probation. */
  boundary: number;
  /** Days from candidate selection to the branch meeting, which may be moved to its month's end. */
  meetingOffset: number;
  meetingAtMonthEnd: boolean;
  /** Days before the last day of the six-month approval window. */
  approvalBeforeDeadline: number;
  /** Months beyond the minimal six-month extension, and days on top. */
  extensionMonths: number;
  extensionDays: number;
};

type TransferOp = {
  type: "transfer";
  action: "issue" | "reissue" | "accept" | "reject" | "cancel";
  member: number;
  /** The transfer acted on (or replaced): the member's latest, any known one, or an id never issued. */
  target: "latest" | "any" | "unknown";
  pick: number;
  reuseId: boolean;
  destination: "otherUniversity" | "sameUniversity" | "ownOrg" | "noApproval" | "consortium";
  kindFits: boolean;
  /** Whole days of validity; -1 and 90 (plus the half day) fall outside (now, now + 90 days]. */
  validityDays: number;
  /** "right" is the source's approver for issue, reissue and cancel, the destination's for accept and reject. */
  caller: "right" | "otherSide" | "branchClerk" | "outsider";
  staleHead: boolean;
  reasonCode: number;
};

type WaitOp = { type: "wait"; days: number };
type Op = MemberOp | TransferOp | WaitOp;

const often = <T>(arbitrary: fc.Arbitrary<T>, weight: number) => ({ arbitrary, weight });
const oneIn = (n: number) => fc.nat(n - 1).map((draw) => draw === 0);

const memberOp: fc.Arbitrary<MemberOp> = fc.record({
  type: fc.constant("member" as const),
  action: fc.oneof(
    often(fc.constant("next" as const), 8),
    often(
      fc.constantFrom<MemberAction>(
        "register",
        "registerArchival",
        "append",
        "selectActivist",
        "selectCandidate",
        "admit",
        "extendProbation",
        "convert",
        "cancel",
      ),
      2,
    ),
  ),
  probationOutcome: fc.constantFrom<ProbationOutcome>("convert", "convert", "extendProbation", "extendProbation", "cancel"),
  member: fc.nat(POOL_SIZE - 1),
  caller: fc.oneof(
    often(fc.constant("right" as const), 12),
    often(fc.constant("approver" as const), 3),
    often(fc.constantFrom("branchClerk" as const, "otherUniversity" as const, "outsider" as const), 1),
  ),
  fromArchive: oneIn(3),
  archivalStage: fc.oneof(
    often(fc.integer({ min: Stage.Applicant, max: Stage.Full }), 20),
    often(fc.constantFrom(Stage.None, Stage.Cancelled), 1),
  ),
  archivalFlaw: fc.oneof(
    often(fc.constant("none" as const), 12),
    often(fc.constantFrom("ownDateMissing" as const, "laterDateGiven" as const, "earlierDateMissing" as const, "fewerHashes" as const), 1),
  ),
  registerOrg: fc.oneof(
    often(fc.constantFrom("branchA" as const, "branchB" as const), 10),
    often(fc.constantFrom("generalBranchA" as const, "branchC" as const, "consortium" as const), 1),
  ),
  staleHead: oneIn(10),
  zeroRecord: oneIn(40),
  dateMode: fc.oneof(often(fc.constant("forward" as const), 16), often(fc.constantFrom("backwards" as const, "future" as const), 2)),
  gap: fc.integer({ min: 0, max: 90 }),
  boundary: fc.oneof(often(fc.integer({ min: -4, max: -1 }), 1), often(fc.integer({ min: 0, max: 10 }), 5)),
  meetingOffset: fc.integer({ min: -3, max: 40 }),
  meetingAtMonthEnd: oneIn(3),
  approvalBeforeDeadline: fc.oneof(
    often(fc.integer({ min: -3, max: -1 }), 2),
    often(fc.integer({ min: 0, max: 3 }), 2),
    often(fc.integer({ min: 4, max: 180 }), 5),
    often(fc.integer({ min: 181, max: 190 }), 1),
  ),
  extensionMonths: fc.integer({ min: 0, max: 6 }),
  extensionDays: fc.integer({ min: -3, max: 3 }),
});

const transferOp: fc.Arbitrary<TransferOp> = fc.record({
  type: fc.constant("transfer" as const),
  action: fc.oneof(
    often(fc.constant("issue" as const), 4),
    often(fc.constantFrom("accept" as const, "reject" as const, "cancel" as const), 4),
    often(fc.constant("reissue" as const), 2),
  ),
  member: fc.nat(POOL_SIZE - 1),
  target: fc.oneof(
    often(fc.constant("latest" as const), 8),
    often(fc.constant("any" as const), 2),
    often(fc.constant("unknown" as const), 1),
  ),
  pick: fc.nat(7),
  reuseId: oneIn(15),
  destination: fc.oneof(
    often(fc.constant("otherUniversity" as const), 6),
    often(fc.constant("sameUniversity" as const), 2),
    often(fc.constantFrom("ownOrg" as const, "noApproval" as const, "consortium" as const), 1),
  ),
  kindFits: fc.nat(9).map((draw) => draw !== 0),
  validityDays: fc.oneof(often(fc.integer({ min: 0, max: 89 }), 12), often(fc.constantFrom(-1, 90), 1)),
  caller: fc.oneof(
    often(fc.constant("right" as const), 10),
    often(fc.constant("otherSide" as const), 2),
    often(fc.constantFrom("branchClerk" as const, "outsider" as const), 1),
  ),
  staleHead: oneIn(8),
  reasonCode: fc.integer({ min: 1, max: 9 }),
});

const waitOp: fc.Arbitrary<WaitOp> = fc.record({
  type: fc.constant("wait" as const),
  days: fc.integer({ min: 1, max: 90 }),
});

const anyOp: fc.Arbitrary<Op> = fc.oneof(often(memberOp, 12), often(transferOp, 8), often(waitOp, 2));

/**
 * Outcomes every file run must have reached, so that a generator drifting into dead ends (every step refused early)
 * fails loudly instead of passing vacuously. Each group succeeds dozens of times in a normal run.
 */
const REQUIRED_SUCCESSES = [
  ["register"],
  ["registerArchival"],
  ["selectActivist"],
  ["selectCandidate"],
  ["admit"],
  ["convert", "extendProbation", "cancel"],
  ["transfer issue", "transfer reissue"],
  ["transfer accept", "transfer reject", "transfer cancel"],
];

/** The fixture's consortium as the model sees it, transcribed from deployConsortium's description. */
function registryModelOf({ ids, signers }: Consortium): RegistryModel {
  const committee = (id: number, mayApprove: boolean) => ({
    id,
    parentId: ids.consortium,
    committeeId: id,
    isConsortium: false,
    mayApprove,
  });
  const below = (id: number, parentId: number, committeeId: number) => ({
    id,
    parentId,
    committeeId,
    isConsortium: false,
    mayApprove: false,
  });
  return new RegistryModel(
    [
      { id: ids.consortium, parentId: 0, committeeId: 0, isConsortium: true, mayApprove: false },
      committee(ids.committeeA, true),
      below(ids.generalBranchA, ids.committeeA, ids.committeeA),
      below(ids.branchA, ids.generalBranchA, ids.committeeA),
      committee(ids.committeeB, true),
      below(ids.branchB, ids.committeeB, ids.committeeB),
      committee(ids.committeeC, false),
      below(ids.branchC, ids.committeeC, ids.committeeC),
    ],
    new Map([
      [ids.committeeA, [signers.attesterA.address]],
      [ids.branchA, [signers.branchClerkA.address]],
      [ids.committeeB, [signers.attesterB.address]],
      [ids.committeeC, [signers.attesterC.address]],
    ]),
  );
}

/** The real side of a run: the contracts, the member-key pool and the ids the run has used. */
class Harness {
  readonly memberKeys = Array.from({ length: POOL_SIZE }, (_, i) => ethers.id(`member ${i}`));
  /** Every transfer id a step has named, issued or not: all of them are compared after each step. */
  readonly transferIds: string[] = [];
  private readonly previousHeads = new Map<string, string>();
  private hashCount = 0;

  constructor(
    readonly c: Consortium,
    private readonly successes: Map<string, number>,
  ) {}

  /** Ids are derived from a per-run counter, so a failing sequence replays identically. */
  fresh(label: string): string {
    return ethers.id(`${label} ${++this.hashCount}`);
  }

  freshTransferId(): string {
    const transferId = this.fresh("transfer");
    this.transferIds.push(transferId);
    return transferId;
  }

  rememberPreviousHead(memberKey: string, head: string): void {
    this.previousHeads.set(memberKey, head);
  }

  /** The head before the current one, as a client that missed a write would send it. */
  staleHeadOf(memberKey: string): string {
    return this.previousHeads.get(memberKey) ?? this.fresh("never a head");
  }

  universityOf(orgId: number): University | undefined {
    const { ids } = this.c;
    if ([ids.committeeA, ids.generalBranchA, ids.branchA].includes(orgId)) return "A";
    if ([ids.committeeB, ids.branchB].includes(orgId)) return "B";
    if ([ids.committeeC, ids.branchC].includes(orgId)) return "C";
    return undefined;
  }

  /** The attester of the university's committee, the one account that may approve for it; A's for no university. */
  approverOf(university: University | undefined): HardhatEthersSigner {
    const { attesterA, attesterB, attesterC } = this.c.signers;
    return { A: attesterA, B: attesterB, C: attesterC }[university ?? "A"];
  }

  approverElsewhere(university: University | undefined): HardhatEthersSigner {
    return this.approverOf(university === "A" ? "B" : "A");
  }

  countSuccess(action: string, errorName: string | undefined): void {
    if (errorName === undefined) this.successes.set(action, (this.successes.get(action) ?? 0) + 1);
  }
}

/** The last day of the month holding `day`: from there, adding months has to clamp. */
function monthEndOf(day: number): number {
  const date = new Date(day * DAY * 1000);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0) / 1000 / DAY;
}

function nextAction(stage: number, op: MemberOp): MemberAction {
  switch (stage) {
    case Stage.None:
      return op.fromArchive ? "registerArchival" : "register";
    case Stage.Applicant:
      return "selectActivist";
    case Stage.Activist:
      return "selectCandidate";
    case Stage.Candidate:
      return "admit";
    case Stage.Probationary:
      return op.probationOutcome;
    default:
      return "append";
  }
}

/**
 * The key dates of an archival entry at the op's stage, near the chain rules' boundaries (a year from activist to
 * candidate, a year of probation), sometimes out of order (a branch meeting before candidacy), in the future, or with
 * the op's one flaw.
 */
function archivalDates(op: MemberOp, futureDay: number): number[] {
  const application = FIRST_DAY + 15 * op.gap;
  const activist = application + 30 + op.gap;
  const candidate = addMonths(activist, 12) + op.boundary;
  const branchMeeting = candidate + op.meetingOffset;
  const conversion = addMonths(branchMeeting, 12) + op.boundary;
  const stageIndex = op.archivalStage - Stage.Applicant;
  const dates = [application, activist, candidate, branchMeeting, conversion].map((day, index) => (index <= stageIndex ? day : 0));
  if (op.dateMode === "future" && stageIndex >= 0 && stageIndex < dates.length) dates[stageIndex] = futureDay;
  if (op.dateMode === "backwards" && stageIndex > 0 && stageIndex < dates.length) dates[stageIndex] = dates[stageIndex - 1] - 1;
  if (op.archivalFlaw === "ownDateMissing" && stageIndex >= 0 && stageIndex < dates.length) dates[stageIndex] = 0;
  if (op.archivalFlaw === "laterDateGiven" && stageIndex + 1 < dates.length) dates[stageIndex + 1] = conversion;
  if (op.archivalFlaw === "earlierDateMissing" && stageIndex > 0) dates[op.gap % stageIndex] = 0;
  return dates;
}

/** Sends the transaction and checks it against the model's prediction: success, or the predicted custom error. */
async function expectOutcome(h: Harness, errorName: string | undefined, send: () => Promise<unknown>) {
  if (errorName === undefined) {
    await expect(send()).not.to.be.reverted;
  } else {
    const contract = errorName.startsWith("TransferLedger") ? h.c.transfers : h.c.membership;
    await expect(send()).to.be.revertedWithCustomError(contract, errorName);
  }
}

async function runMemberOp(op: MemberOp, model: ReferenceModel, h: Harness) {
  const { membership, ids, signers } = h.c;
  const key = h.memberKeys[op.member];
  const m = model.member(key);
  const action = op.action === "next" ? nextAction(m.stage, op) : op.action;
  const registers = action === "register" || action === "registerArchival";
  const orgId = registers ? ids[op.registerOrg] : m.orgId;
  const university = h.universityOf(orgId);
  const needsApprover = ["admit", "extendProbation", "convert", "cancel"].includes(action);
  const caller = {
    right: university === "A" && !needsApprover ? signers.branchClerkA : h.approverOf(university),
    approver: h.approverOf(university),
    branchClerk: signers.branchClerkA,
    otherUniversity: h.approverElsewhere(university),
    outsider: signers.outsider,
  }[op.caller];
  const prevHead = op.staleHead ? h.staleHeadOf(key) : m.head;
  const recordHash = op.zeroRecord ? ZeroHash : h.fresh("record");
  // A member not at the stage the action needs has no such date yet: the rules' dates then start at FIRST_DAY.
  const lastDay = m.lastEffectiveDay || FIRST_DAY;
  // Two days ahead at least, so that a block mined after midnight (China Standard Time) still sees a future date.
  const futureDay = model.today() + 2 + op.gap;
  /** Dates follow the rules unless the step deliberately dates its record backwards or in the future. */
  const dated = (natural: number) => ({ forward: natural, backwards: lastDay - 1 - op.gap, future: futureDay })[op.dateMode];
  const ledger = membership.connect(caller);
  const by = caller.address;

  let errorName: string | undefined;
  let send: () => Promise<unknown>;
  switch (action) {
    case "register": {
      const day = op.dateMode === "future" ? futureDay : FIRST_DAY + 15 * op.gap;
      errorName = model.register(by, key, orgId, recordHash, day);
      send = () => ledger.register(key, orgId, recordHash, day);
      break;
    }
    case "registerArchival": {
      const dates = archivalDates(op, futureDay);
      const given = dates.filter((day) => day !== 0).length;
      const recordHashes = Array.from({ length: Math.max(1, op.archivalFlaw === "fewerHashes" ? given - 1 : given + (op.gap % 2)) }, () =>
        h.fresh("record"),
      );
      if (op.zeroRecord) recordHashes[recordHashes.length - 1] = ZeroHash;
      errorName = model.registerArchival(by, key, orgId, op.archivalStage, dates, recordHashes);
      const [applicationDay, activistDay, candidateDay, branchMeetingDay, conversionDay] = dates;
      const struct = { applicationDay, activistDay, candidateDay, branchMeetingDay, conversionDay };
      send = () => ledger.registerArchival(key, orgId, op.archivalStage, struct, recordHashes);
      break;
    }
    case "append":
    case "selectActivist":
    case "cancel": {
      const day = dated(lastDay + op.gap);
      errorName = model[action](by, key, prevHead, recordHash, day);
      send = () => ledger[action](key, prevHead, recordHash, day);
      break;
    }
    case "selectCandidate": {
      const day = dated(addMonths(m.activistDay || FIRST_DAY, 12) + op.boundary);
      errorName = model.selectCandidate(by, key, prevHead, recordHash, day);
      send = () => ledger.selectCandidate(key, prevHead, recordHash, day);
      break;
    }
    case "admit": {
      const meetingAfterCandidacy = (m.candidateDay || FIRST_DAY) + op.meetingOffset;
      const meetingDay = op.meetingAtMonthEnd ? monthEndOf(meetingAfterCandidacy) : meetingAfterCandidacy;
      const approvalDay = dated(addMonths(meetingDay, 6) - op.approvalBeforeDeadline);
      errorName = model.admit(by, key, prevHead, recordHash, meetingDay, approvalDay);
      send = () => ledger.admit(key, prevHead, recordHash, meetingDay, approvalDay);
      break;
    }
    case "extendProbation": {
      const approvalDay = dated(lastDay + op.gap);
      const newEndDay = addMonths(m.probationEndDay || FIRST_DAY, 6 + op.extensionMonths) + op.extensionDays;
      errorName = model.extendProbation(by, key, prevHead, recordHash, approvalDay, newEndDay);
      send = () => ledger.extendProbation(key, prevHead, recordHash, approvalDay, newEndDay);
      break;
    }
    case "convert": {
      const day = dated((m.probationEndDay || FIRST_DAY) + op.boundary);
      errorName = model.convert(by, key, prevHead, recordHash, day);
      send = () => ledger.convert(key, prevHead, recordHash, day);
      break;
    }
  }
  await expectOutcome(h, errorName, send);
  if (errorName === undefined && !registers) h.rememberPreviousHead(key, m.head);
  h.countSuccess(action, errorName);
}

/** The transfer a step acts on: the member's latest, else any issued one, else (or on purpose) an id never issued. */
function targetTransfer(op: TransferOp, model: ReferenceModel, h: Harness, memberKey: string): string {
  const issued = h.transferIds.filter((id) => model.transfer(id) !== undefined);
  const members = issued.filter((id) => model.transfer(id)!.memberKey === memberKey);
  if (op.target === "unknown" || issued.length === 0) return h.freshTransferId();
  return op.target === "latest" && members.length > 0 ? members[members.length - 1] : issued[op.pick % issued.length];
}

async function runTransferOp(op: TransferOp, model: ReferenceModel, h: Harness) {
  const { transfers, ids, signers } = h.c;
  // Transfers concern registered members; the pool's first key stands in while none is registered yet.
  const registered = h.memberKeys.filter((memberKey) => model.member(memberKey).stage !== Stage.None);
  const key = registered.length > 0 ? registered[op.member % registered.length] : h.memberKeys[0];
  const actsAsSource = op.action === "issue" || op.action === "reissue" || op.action === "cancel";
  const callerFor = (fromOrgId: number, toOrgId: number) => {
    const source = h.approverOf(h.universityOf(fromOrgId));
    const destination = h.approverOf(h.universityOf(toOrgId));
    return {
      right: actsAsSource ? source : destination,
      otherSide: actsAsSource ? destination : source,
      branchClerk: signers.branchClerkA,
      outsider: signers.outsider,
    }[op.caller];
  };

  let errorName: string | undefined;
  let send: () => Promise<unknown>;
  if (op.action === "issue" || op.action === "reissue") {
    const replacedId = op.action === "reissue" ? targetTransfer(op, model, h, key) : undefined;
    // A reissue concerns the replaced letter's member, unless the step picked any letter to provoke a mismatch.
    const replacedMember = replacedId && op.target !== "any" ? model.transfer(replacedId)?.memberKey : undefined;
    const memberKey = replacedMember ?? key;
    const m = model.member(memberKey);
    const university = h.universityOf(m.orgId);
    const sibling = {
      A: m.orgId === ids.branchA ? ids.generalBranchA : ids.branchA,
      B: ids.committeeB,
      C: ids.branchC,
    };
    const toOrgId = {
      otherUniversity: university === "A" ? ids.branchB : ids.branchA,
      sameUniversity: sibling[university ?? "C"],
      ownOrg: m.orgId,
      noApproval: ids.branchC,
      consortium: ids.consortium,
    }[op.destination];
    const reused = h.transferIds.filter((id) => model.transfer(id) !== undefined);
    const isMember = m.stage === Stage.Probationary || m.stage === Stage.Full;
    const request: IssueRequestModel = {
      transferId: op.reuseId && reused.length > 0 ? reused[op.pick % reused.length] : h.freshTransferId(),
      memberKey,
      toOrgId,
      kind: isMember === op.kindFits ? TransferKind.Membership : TransferKind.Materials,
      validUntil: model.now + op.validityDays * DAY + HALF_DAY,
    };
    const fullRequest = { ...request, destinationHash: ZeroHash, letterHash: h.fresh("letter") };
    const caller = callerFor(m.orgId, toOrgId);
    const ledger = transfers.connect(caller);
    const by = caller.address;
    if (replacedId === undefined) {
      errorName = model.issueTransfer(by, request);
      send = () => ledger.issue(fullRequest);
    } else {
      errorName = model.reissueTransfer(by, replacedId, request);
      send = () => ledger.reissue(replacedId, fullRequest);
    }
  } else {
    const transferId = targetTransfer(op, model, h, key);
    const t = model.transfer(transferId);
    const caller = callerFor(t?.fromOrgId ?? 0, t?.toOrgId ?? 0);
    const ledger = transfers.connect(caller);
    if (op.action === "accept") {
      const movingKey = t?.memberKey ?? key;
      const expectedHead = op.staleHead ? h.staleHeadOf(movingKey) : model.member(movingKey).head;
      const receiptHash = h.fresh("receipt");
      errorName = model.acceptTransfer(caller.address, transferId, expectedHead, receiptHash);
      send = () => ledger.accept(transferId, expectedHead, receiptHash);
    } else if (op.action === "reject") {
      errorName = model.rejectTransfer(caller.address, transferId, op.reasonCode);
      send = () => ledger.reject(transferId, op.reasonCode);
    } else {
      errorName = model.cancelTransfer(caller.address, transferId, op.reasonCode);
      send = () => ledger.cancel(transferId, op.reasonCode);
    }
  }
  await expectOutcome(h, errorName, send);
  h.countSuccess(`transfer ${op.action}`, errorName);
}

/** Compares, field by field, every pooled member and every transfer the run has named with the model. */
async function expectLedgersMatchModel(model: ReferenceModel, h: Harness) {
  const { membership, transfers } = h.c;
  for (const key of h.memberKeys) {
    const m = await membership.member(key);
    expect(
      {
        orgId: Number(m.orgId),
        stage: Number(m.stage),
        probationExtended: m.probationExtended,
        activistDay: Number(m.activistDay),
        candidateDay: Number(m.candidateDay),
        branchMeetingDay: Number(m.branchMeetingDay),
        probationEndDay: Number(m.probationEndDay),
        lastEffectiveDay: Number(m.lastEffectiveDay),
        recordCount: Number(m.recordCount),
        head: m.head,
      },
      `member ${key}`,
    ).to.deep.equal(model.member(key));
    expect(await transfers.openTransferOf(key), `open transfer of ${key}`).to.equal(model.openTransferOf(key));
  }
  for (const id of h.transferIds) {
    expect(Number(await transfers.stateOf(id)), `state of transfer ${id}`).to.equal(model.stateOf(id));
    const t = await transfers.transfer(id);
    const stored = {
      memberKey: t.memberKey,
      fromOrgId: Number(t.fromOrgId),
      toOrgId: Number(t.toOrgId),
      kind: Number(t.kind),
      state: Number(t.state),
      validUntil: Number(t.validUntil),
      replaces: t.replaces,
      outcomeHash: t.outcomeHash,
    };
    const expected = model.transfer(id);
    if (expected === undefined) expect(stored.state, `transfer ${id}`).to.equal(TransferState.None);
    else expect(stored, `transfer ${id}`).to.deep.equal(expected);
  }
}

class Step implements fc.AsyncCommand<ReferenceModel, Harness> {
  constructor(readonly op: Op) {}

  /** Any operation may run in any state: refusals are predicted and checked like successes. */
  check(): boolean {
    return true;
  }

  async run(model: ReferenceModel, h: Harness): Promise<void> {
    // The model's clock follows the chain's: the next transaction is mined one second after the latest block.
    model.now = (await time.latest()) + 1;
    if (this.op.type === "member") await runMemberOp(this.op, model, h);
    else if (this.op.type === "transfer") await runTransferOp(this.op, model, h);
    else await time.increase(this.op.days * DAY);
    model.now = (await time.latest()) + 1;
    await expectLedgersMatchModel(model, h);
  }

  toString(): string {
    return JSON.stringify(this.op);
  }
}

describe("StateMachine", function () {
  describe("reference model calendar", function () {
    it("should clamp month arithmetic to the last day of the target month", function () {
      expect(addMonths(dayOf("2024-01-31"), 1)).to.equal(dayOf("2024-02-29"));
      expect(addMonths(dayOf("2023-01-31"), 1)).to.equal(dayOf("2023-02-28"));
      expect(addMonths(dayOf("2024-02-29"), 12)).to.equal(dayOf("2025-02-28"));
      expect(addMonths(dayOf("2023-08-31"), 6)).to.equal(dayOf("2024-02-29"));
      expect(addMonths(dayOf("2023-12-15"), 1)).to.equal(dayOf("2024-01-15"));
    });
  });

  describe("random operation sequences", function () {
    it("should keep both ledgers equal to the reference model after every step", async function () {
      // A passing run takes seconds; a failing one replays many shorter sequences while fast-check shrinks it.
      this.timeout(600_000);
      const successes = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fc.commands([anyOp.map((op) => new Step(op))], { maxCommands: MAX_COMMANDS, size: "max" }), async (steps) => {
          const c = await loadFixture(deployConsortium);
          const model = new ReferenceModel(registryModelOf(c), (await time.latest()) + 1);
          const h = new Harness(c, successes);
          await fc.asyncModelRun(() => ({ model, real: h }), steps);
        }),
        { numRuns: RUNS },
      );
      for (const group of REQUIRED_SUCCESSES) {
        const reached = group.reduce((sum, action) => sum + (successes.get(action) ?? 0), 0);
        expect(reached, `successful ${group.join(" / ")} steps`).to.be.greaterThan(0);
      }
    });
  });
});
