/**
 * A reference model of the membership and transfer state machines, written from the rules in the
 * IMembershipLedger / ITransferLedger NatSpec and DESIGN.md §2, not from the contracts' code. The
 * property test drives it side by side with the contracts: for every operation it predicts either the
 * new state or the name of the custom error the contracts must revert with.
 *
 * When several rules are broken at once the NatSpec does not say which error wins; the model names the first
 * in this order: the member or transfer must exist and the member be at the stage the action needs, the caller
 * must be allowed, then come the action's own rules (intervals, windows, kind, open letter, destination,
 * validity, a letter's state and expiry), and last the chain link (record hash, head) and the date.
 */
import { Stage, TransferKind, TransferState } from "./fixture";

const ZERO_HASH = `0x${"0".repeat(64)}`;
const SECONDS_PER_DAY = 86_400;
/** The consortium's calendar is China Standard Time. */
const CST_OFFSET_SECONDS = 8 * 3600;
/** A letter is valid for at most 90 days after issue. */
const MAX_VALIDITY_SECONDS = 90 * SECONDS_PER_DAY;
/** The reason code a lost-letter reissue records on the letter it cancels. */
const REASON_REISSUED = 0;

/** `day` (days since 1970-01-01) plus `months` calendar months, clamped to the target month's last day. */
export function addMonths(day: number, months: number): number {
  const date = new Date(day * SECONDS_PER_DAY * 1000);
  const monthIndex = date.getUTCFullYear() * 12 + date.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const lastDayOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const dayOfMonth = Math.min(date.getUTCDate(), lastDayOfMonth);
  return Date.UTC(year, month, dayOfMonth) / 1000 / SECONDS_PER_DAY;
}

export interface OrganizationModel {
  id: number;
  parentId: number;
  /** The committee whose subtree holds the organization (0 for the consortium). */
  committeeId: number;
  isConsortium: boolean;
  mayApprove: boolean;
}

/** Who may write for an organization: an attester on its path up to its committee, or an approving committee's. */
export class RegistryModel {
  private readonly organizations = new Map<number, OrganizationModel>();

  constructor(
    organizations: OrganizationModel[],
    private readonly attesters: Map<number, string[]>,
  ) {
    for (const org of organizations) this.organizations.set(org.id, org);
  }

  isConsortium(orgId: number): boolean {
    return this.organizations.get(orgId)?.isConsortium ?? false;
  }

  canAttest(orgId: number, caller: string): boolean {
    const committeeId = this.organizations.get(orgId)?.committeeId ?? 0;
    if (committeeId === 0) return false;
    for (let id = orgId; ; id = this.organizations.get(id)!.parentId) {
      if (this.isAttester(id, caller)) return true;
      if (id === committeeId) return false;
    }
  }

  approvingCommitteeOf(orgId: number): number {
    const committeeId = this.organizations.get(orgId)?.committeeId ?? 0;
    return committeeId !== 0 && this.organizations.get(committeeId)!.mayApprove ? committeeId : 0;
  }

  canApprove(orgId: number, caller: string): boolean {
    const committeeId = this.approvingCommitteeOf(orgId);
    return committeeId !== 0 && this.isAttester(committeeId, caller);
  }

  private isAttester(orgId: number, caller: string): boolean {
    return (this.attesters.get(orgId) ?? []).includes(caller);
  }
}

/** The fields of IMembershipLedger.Member. */
export interface MemberModel {
  orgId: number;
  stage: number;
  probationExtended: boolean;
  activistDay: number;
  candidateDay: number;
  branchMeetingDay: number;
  probationEndDay: number;
  lastEffectiveDay: number;
  recordCount: number;
  head: string;
}

/** The fields of ITransferLedger.Transfer that the handshake decides. */
export interface TransferModel {
  memberKey: string;
  fromOrgId: number;
  toOrgId: number;
  kind: number;
  state: number;
  validUntil: number;
  replaces: string;
  outcomeHash: string;
}

export interface IssueRequestModel {
  transferId: string;
  memberKey: string;
  toOrgId: number;
  kind: number;
  validUntil: number;
}

/** A write the model refuses, named as the contract's custom error. */
class Revert extends Error {
  constructor(readonly errorName: string) {
    super(errorName);
  }
}

function fail(errorName: string): never {
  throw new Revert(errorName);
}

const EMPTY_MEMBER: MemberModel = {
  orgId: 0,
  stage: Stage.None,
  probationExtended: false,
  activistDay: 0,
  candidateDay: 0,
  branchMeetingDay: 0,
  probationEndDay: 0,
  lastEffectiveDay: 0,
  recordCount: 0,
  head: ZERO_HASH,
};

interface LedgerState {
  members: Map<string, MemberModel>;
  transfers: Map<string, TransferModel>;
  replacedBy: Map<string, string>;
}

/**
 * Both ledgers as one state machine. Every operation returns `undefined` when it succeeds (and applies its
 * effect) or the custom error's name when it must revert (and leaves the state untouched, like a transaction).
 */
export class ReferenceModel {
  private state: LedgerState = {
    members: new Map(),
    transfers: new Map(),
    replacedBy: new Map(),
  };

  /**
   * @param registry the organizations and roles.
   * @param now the timestamp the next transaction is expected to carry; the caller keeps it in step with the chain.
   */
  constructor(
    private readonly registry: RegistryModel,
    public now: number,
  ) {}

  /** Today's day number in China Standard Time. */
  today(): number {
    return Math.floor((this.now + CST_OFFSET_SECONDS) / SECONDS_PER_DAY);
  }

  member(memberKey: string): MemberModel {
    return { ...(this.state.members.get(memberKey) ?? EMPTY_MEMBER) };
  }

  transfer(transferId: string): TransferModel | undefined {
    const transfer = this.state.transfers.get(transferId);
    return transfer && { ...transfer };
  }

  /** The stored state, except that an issued letter past its validity reads as expired. */
  stateOf(transferId: string): number {
    const transfer = this.state.transfers.get(transferId);
    if (!transfer) return TransferState.None;
    return transfer.state === TransferState.Issued && this.now > transfer.validUntil ? TransferState.Expired : transfer.state;
  }

  /** The member's one issued, unexpired letter, or zero. */
  openTransferOf(memberKey: string): string {
    for (const [transferId, transfer] of this.state.transfers) {
      if (transfer.memberKey === memberKey && this.stateOf(transferId) === TransferState.Issued) return transferId;
    }
    return ZERO_HASH;
  }

  register(caller: string, memberKey: string, orgId: number, recordHash: string, applicationDay: number) {
    return this.attempt(() => {
      if (this.member(memberKey).stage !== Stage.None) fail("MembershipLedgerMemberExists");
      if (recordHash === ZERO_HASH) fail("MembershipLedgerZeroRecordHash");
      if (!this.registry.canAttest(orgId, caller)) {
        fail(this.registry.isConsortium(orgId) ? "MembershipLedgerInvalidOrganization" : "MembershipLedgerNotAttester");
      }
      this.requireDay(applicationDay, 0);
      this.state.members.set(memberKey, {
        ...EMPTY_MEMBER,
        orgId,
        stage: Stage.Applicant,
        lastEffectiveDay: applicationDay,
        recordCount: 1,
        head: recordHash,
      });
    });
  }

  /**
   * Enters a member from earlier files at `stage` (applicant to full) with its key dates in ArchivalDates order
   * (application, activist, candidate, branch meeting, conversion; 0 for a date not given): the stage's own date
   * given, none of a later stage, the given ones in order, the latest not in the future, and a non-zero hash for each
   * given date at least. The hashes become the member's records; the last is the head.
   */
  registerArchival(caller: string, memberKey: string, orgId: number, stage: number, dates: number[], recordHashes: string[]) {
    return this.attempt(() => {
      if (this.member(memberKey).stage !== Stage.None) fail("MembershipLedgerMemberExists");
      if (stage === Stage.None || stage === Stage.Cancelled) fail("MembershipLedgerInvalidArchivalStage");
      if (!this.registry.canAttest(orgId, caller)) {
        fail(this.registry.isConsortium(orgId) ? "MembershipLedgerInvalidOrganization" : "MembershipLedgerNotAttester");
      }
      const stageIndex = stage - Stage.Applicant;
      let latestDay = 0;
      dates.forEach((day, index) => {
        if ((index === stageIndex && day === 0) || (index > stageIndex && day !== 0)) fail("MembershipLedgerArchivalDateMismatch");
        if (day === 0) return;
        if (day < latestDay) fail("MembershipLedgerArchivalDatesOutOfOrder");
        latestDay = day;
      });
      if (latestDay > this.today()) fail("MembershipLedgerFutureDate");
      if (recordHashes.length < dates.filter((day) => day !== 0).length) fail("MembershipLedgerArchivalRecordCount");
      if (recordHashes.includes(ZERO_HASH)) fail("MembershipLedgerZeroRecordHash");
      const [, activistDay, candidateDay, branchMeetingDay] = dates;
      this.state.members.set(memberKey, {
        ...EMPTY_MEMBER,
        orgId,
        stage,
        activistDay,
        candidateDay,
        branchMeetingDay,
        probationEndDay: branchMeetingDay === 0 ? 0 : addMonths(branchMeetingDay, 12),
        lastEffectiveDay: latestDay,
        recordCount: recordHashes.length,
        head: recordHashes[recordHashes.length - 1],
      });
    });
  }

  append(caller: string, memberKey: string, prevHead: string, recordHash: string, effectiveDay: number) {
    return this.attempt(() => {
      const m = this.existingMember(memberKey);
      this.requireAttester(m, caller);
      this.link(m, prevHead, recordHash, effectiveDay);
    });
  }

  selectActivist(caller: string, memberKey: string, prevHead: string, recordHash: string, selectionDay: number) {
    return this.attempt(() => {
      const m = this.existingMember(memberKey, Stage.Applicant);
      this.requireAttester(m, caller);
      this.link(m, prevHead, recordHash, selectionDay);
      m.stage = Stage.Activist;
      m.activistDay = selectionDay;
    });
  }

  selectCandidate(caller: string, memberKey: string, prevHead: string, recordHash: string, selectionDay: number) {
    return this.attempt(() => {
      const m = this.existingMember(memberKey, Stage.Activist);
      this.requireAttester(m, caller);
      if (selectionDay < addMonths(m.activistDay, 12)) fail("MembershipLedgerCandidateTooEarly");
      this.link(m, prevHead, recordHash, selectionDay);
      m.stage = Stage.Candidate;
      m.candidateDay = selectionDay;
    });
  }

  admit(caller: string, memberKey: string, prevHead: string, recordHash: string, branchMeetingDay: number, approvalDay: number) {
    return this.attempt(() => {
      const m = this.existingMember(memberKey, Stage.Candidate);
      this.requireApprover(m, caller);
      if (branchMeetingDay < m.candidateDay) fail("MembershipLedgerBranchMeetingBeforeCandidacy");
      if (approvalDay < branchMeetingDay || approvalDay > addMonths(branchMeetingDay, 6)) {
        fail("MembershipLedgerApprovalOutOfWindow");
      }
      this.link(m, prevHead, recordHash, approvalDay);
      m.stage = Stage.Probationary;
      m.branchMeetingDay = branchMeetingDay;
      m.probationEndDay = addMonths(branchMeetingDay, 12);
    });
  }

  extendProbation(
    caller: string,
    memberKey: string,
    prevHead: string,
    recordHash: string,
    approvalDay: number,
    newProbationEndDay: number,
  ) {
    return this.attempt(() => {
      const m = this.existingMember(memberKey, Stage.Probationary);
      this.requireApprover(m, caller);
      if (m.probationExtended) fail("MembershipLedgerAlreadyExtended");
      if (newProbationEndDay < addMonths(m.probationEndDay, 6) || newProbationEndDay > addMonths(m.probationEndDay, 12)) {
        fail("MembershipLedgerExtensionOutOfRange");
      }
      this.link(m, prevHead, recordHash, approvalDay);
      m.probationExtended = true;
      m.probationEndDay = newProbationEndDay;
    });
  }

  convert(caller: string, memberKey: string, prevHead: string, recordHash: string, approvalDay: number) {
    return this.attempt(() => {
      const m = this.existingMember(memberKey, Stage.Probationary);
      this.requireApprover(m, caller);
      if (approvalDay < m.probationEndDay) fail("MembershipLedgerProbationNotOver");
      this.link(m, prevHead, recordHash, approvalDay);
      m.stage = Stage.Full;
    });
  }

  cancel(caller: string, memberKey: string, prevHead: string, recordHash: string, approvalDay: number) {
    return this.attempt(() => {
      const m = this.existingMember(memberKey, Stage.Probationary);
      this.requireApprover(m, caller);
      this.link(m, prevHead, recordHash, approvalDay);
      m.stage = Stage.Cancelled;
    });
  }

  issueTransfer(caller: string, request: IssueRequestModel) {
    return this.attempt(() => this.issue(caller, request));
  }

  /**
   * A reissue names the transfer it replaces and comes from the organization that issued it, while the member is
   * still there; a replaced letter still open is cancelled in the same transaction (reason code 0).
   */
  reissueTransfer(caller: string, replacedId: string, request: IssueRequestModel) {
    return this.attempt(() => {
      const replaced = this.existingTransfer(replacedId);
      if (replaced.memberKey !== request.memberKey) fail("TransferLedgerReissueMemberMismatch");
      if (this.state.replacedBy.has(replacedId)) fail("TransferLedgerAlreadyReissued");
      const replacedState = this.stateOf(replacedId);
      if (replacedState === TransferState.Accepted) fail("TransferLedgerWrongState");
      if (replacedState === TransferState.Issued) {
        replaced.state = TransferState.Cancelled;
        replaced.outcomeHash = reasonHash(REASON_REISSUED);
      }
      this.state.replacedBy.set(replacedId, request.transferId);
      this.issue(caller, request, { id: replacedId, fromOrgId: replaced.fromOrgId });
    });
  }

  acceptTransfer(caller: string, transferId: string, expectedHead: string, receiptHash: string) {
    return this.attempt(() => {
      const t = this.openTransfer(transferId, caller, "destination");
      const m = this.state.members.get(t.memberKey)!;
      if (m.head !== expectedHead) fail("TransferLedgerHeadMismatch");
      // The source may have recorded a stage change while the letter was open.
      if (!kindFits(t.kind, m.stage)) fail("TransferLedgerKindMismatch");
      t.state = TransferState.Accepted;
      t.outcomeHash = receiptHash;
      m.orgId = t.toOrgId;
    });
  }

  rejectTransfer(caller: string, transferId: string, reasonCode: number) {
    return this.attempt(() => {
      const t = this.openTransfer(transferId, caller, "destination");
      t.state = TransferState.Rejected;
      t.outcomeHash = reasonHash(reasonCode);
    });
  }

  cancelTransfer(caller: string, transferId: string, reasonCode: number) {
    return this.attempt(() => {
      const t = this.openTransfer(transferId, caller, "source");
      t.state = TransferState.Cancelled;
      t.outcomeHash = reasonHash(reasonCode);
    });
  }

  /** Runs a write against a copy of the state and keeps the copy only if the write succeeds. */
  private attempt(write: () => void): string | undefined {
    const before = this.state;
    this.state = cloneState(before);
    try {
      write();
      return undefined;
    } catch (error) {
      this.state = before;
      if (error instanceof Revert) return error.errorName;
      throw error;
    }
  }

  private existingMember(memberKey: string, requiredStage?: number): MemberModel {
    const m = this.state.members.get(memberKey);
    if (!m) fail("MembershipLedgerUnknownMember");
    if (m.orgId === 0) fail("MembershipLedgerMemberDeparted");
    if (requiredStage !== undefined && m.stage !== requiredStage) fail("MembershipLedgerWrongStage");
    return m;
  }

  private requireAttester(m: MemberModel, caller: string): void {
    if (!this.registry.canAttest(m.orgId, caller)) fail("MembershipLedgerNotAttester");
  }

  private requireApprover(m: MemberModel, caller: string): void {
    if (this.registry.approvingCommitteeOf(m.orgId) === 0) fail("MembershipLedgerNoApprovingCommittee");
    if (!this.registry.canApprove(m.orgId, caller)) fail("MembershipLedgerNotApprover");
  }

  /** Links a record after the member's head: a non-zero hash, the current head, a date neither future nor backwards. */
  private link(m: MemberModel, prevHead: string, recordHash: string, effectiveDay: number): void {
    if (recordHash === ZERO_HASH) fail("MembershipLedgerZeroRecordHash");
    if (prevHead !== m.head) fail("MembershipLedgerStaleHead");
    this.requireDay(effectiveDay, m.lastEffectiveDay);
    m.head = recordHash;
    m.lastEffectiveDay = effectiveDay;
    m.recordCount += 1;
  }

  private requireDay(effectiveDay: number, lastEffectiveDay: number): void {
    if (effectiveDay > this.today()) fail("MembershipLedgerFutureDate");
    if (effectiveDay < lastEffectiveDay) fail("MembershipLedgerDateBackwards");
  }

  private issue(caller: string, request: IssueRequestModel, replaced?: { id: string; fromOrgId: number }): void {
    if (this.state.transfers.has(request.transferId)) fail("TransferLedgerTransferExists");
    const m = this.state.members.get(request.memberKey);
    if (!m) fail("TransferLedgerUnknownMember");
    if (m.orgId === 0) fail("TransferLedgerMemberDeparted");
    if (replaced && replaced.fromOrgId !== m.orgId) fail("TransferLedgerReissueSourceMismatch");
    if (this.registry.approvingCommitteeOf(m.orgId) === 0) fail("TransferLedgerNoApprovingCommittee");
    if (!this.registry.canApprove(m.orgId, caller)) fail("TransferLedgerNotSource");
    if (!kindFits(request.kind, m.stage)) fail("TransferLedgerKindMismatch");
    if (this.openTransferOf(request.memberKey) !== ZERO_HASH) fail("TransferLedgerOpenTransferExists");
    if (request.toOrgId === m.orgId || this.registry.approvingCommitteeOf(request.toOrgId) === 0) {
      fail("TransferLedgerInvalidDestination");
    }
    if (request.validUntil <= this.now || request.validUntil > this.now + MAX_VALIDITY_SECONDS) {
      fail("TransferLedgerInvalidValidity");
    }
    this.state.transfers.set(request.transferId, {
      memberKey: request.memberKey,
      fromOrgId: m.orgId,
      toOrgId: request.toOrgId,
      kind: request.kind,
      state: TransferState.Issued,
      validUntil: request.validUntil,
      replaces: replaced?.id ?? ZERO_HASH,
      outcomeHash: ZERO_HASH,
    });
  }

  private existingTransfer(transferId: string): TransferModel {
    const t = this.state.transfers.get(transferId);
    if (!t) fail("TransferLedgerUnknownTransfer");
    return t;
  }

  /** An issued, unexpired transfer, and a caller of the committee on the given side of it. */
  private openTransfer(transferId: string, caller: string, side: "source" | "destination"): TransferModel {
    const t = this.existingTransfer(transferId);
    const orgId = side === "source" ? t.fromOrgId : t.toOrgId;
    if (this.registry.approvingCommitteeOf(orgId) === 0) fail("TransferLedgerNoApprovingCommittee");
    if (!this.registry.canApprove(orgId, caller)) {
      fail(side === "source" ? "TransferLedgerNotSource" : "TransferLedgerNotDestination");
    }
    if (t.state !== TransferState.Issued) fail("TransferLedgerWrongState");
    if (this.now > t.validUntil) fail("TransferLedgerExpired");
    return t;
  }
}

/** MEMBERSHIP moves probationary and full members; MATERIALS the file of an applicant, activist or candidate. */
function kindFits(kind: number, stage: number): boolean {
  const isMember = stage === Stage.Probationary || stage === Stage.Full;
  const isInDevelopment = stage === Stage.Applicant || stage === Stage.Activist || stage === Stage.Candidate;
  return kind === TransferKind.Membership ? isMember : isInDevelopment;
}

/** A rejection's or cancellation's reason code, stored as the transfer's outcome. */
function reasonHash(reasonCode: number): string {
  return `0x${reasonCode.toString(16).padStart(64, "0")}`;
}

function cloneState(state: LedgerState): LedgerState {
  const copyValues = <T>(map: Map<string, T>) => new Map([...map].map(([key, value]) => [key, { ...value }]));
  return {
    members: copyValues(state.members),
    transfers: copyValues(state.transfers),
    replacedBy: new Map(state.replacedBy),
  };
}
