// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

/// @title IMembershipLedger
/// @notice The skeleton of every member's development, keyed by a random `memberKey` that only the holding
/// institutions can map to a person: the member's organization, stage, key dates and the head of the
/// member's record-hash chain. It refuses, by itself, a history in the wrong order, with too-short
/// intervals, approved by the wrong committee, dated in the future or running backwards.
/// @dev Dates are calendar days in China Standard Time (UTC+8), counted from 1970-01-01 (day 0).
/// "N months after" follows the calendar and clamps to the month's last day (Jan 31 + 1 month = Feb 28/29).
interface IMembershipLedger {
    /// @notice The development stage (DESIGN §2).
    enum Stage {
        None,
        Applicant,
        Activist,
        Candidate,
        Probationary,
        Full,
        Cancelled
    }

    /// @notice A member's on-chain skeleton.
    /// @param orgId The organization currently holding the member (0 once transferred out of the consortium).
    /// @param stage The current stage.
    /// @param probationExtended Whether the one allowed probation extension was used.
    /// @param activistDay Day of selection as activist (S3).
    /// @param candidateDay Day of selection as development candidate (S7).
    /// @param branchMeetingDay Day of the branch meeting that admitted the member (S15): probation starts here.
    /// @param probationEndDay Day probation ends; full membership dates from it.
    /// @param lastEffectiveDay The latest effective day recorded; no later record may be dated before it.
    /// @param recordCount How many records the member's chain holds.
    /// @param head The hash of the member's latest record.
    struct Member {
        uint32 orgId;
        Stage stage;
        bool probationExtended;
        uint32 activistDay;
        uint32 candidateDay;
        uint32 branchMeetingDay;
        uint32 probationEndDay;
        uint32 lastEffectiveDay;
        uint32 recordCount;
        bytes32 head;
    }

    /// @notice One record to append to one member's chain, used by the batch entry point.
    struct Append {
        bytes32 memberKey;
        bytes32 prevHead;
        bytes32 recordHash;
        uint32 effectiveDay;
    }

    /// @notice The key dates an archival entry carries, as day numbers; 0 for a date not reached or not on file.
    /// @param applicationDay The application (S1).
    /// @param activistDay Selection as activist (S3).
    /// @param candidateDay Selection as development candidate (S7).
    /// @param branchMeetingDay The branch meeting that admitted the member (S15): probation starts here.
    /// @param conversionDay Conversion to full membership (S24).
    struct ArchivalDates {
        uint32 applicationDay;
        uint32 activistDay;
        uint32 candidateDay;
        uint32 branchMeetingDay;
        uint32 conversionDay;
    }

    /// @notice Emitted for every record that becomes a member's chain head. The record's date and position are in
    /// the record itself (its hash covers them) and in `member()`; the event stays small because it is paid for
    /// on every record.
    event RecordAppended(bytes32 indexed memberKey, bytes32 recordHash);

    /// @notice Emitted when a member enters the ledger as applicant.
    event MemberRegistered(bytes32 indexed memberKey, uint32 indexed orgId);

    /// @notice Emitted when a member entered the ledger from earlier files, directly at `stage` with the given key
    /// dates. The ledger checked only those dates' order, not the steps between them one by one; every later record
    /// is checked in full. Each archival record also emits {RecordAppended}, in order.
    event MemberRegisteredFromArchive(
        bytes32 indexed memberKey,
        uint32 indexed orgId,
        Stage indexed stage,
        ArchivalDates dates
    );

    /// @notice Emitted when a member moves from one stage to the next.
    event StageChanged(bytes32 indexed memberKey, Stage indexed stage, uint32 effectiveDay);

    /// @notice Emitted when the one allowed probation extension is recorded.
    event ProbationExtended(bytes32 indexed memberKey, uint32 probationEndDay);

    /// @notice Emitted when governance wires the TransferLedger.
    event TransferLedgerSet(address indexed transferLedger);

    /// @notice Emitted when an accepted transfer moves a member to another organization.
    event MemberMoved(bytes32 indexed memberKey, uint32 indexed fromOrgId, uint32 indexed toOrgId, bytes32 transferId);

    /// @notice The consortium is paused.
    error MembershipLedgerPaused();

    /// @notice The member key is already registered.
    error MembershipLedgerMemberExists(bytes32 memberKey);

    /// @notice The member key is not registered.
    error MembershipLedgerUnknownMember(bytes32 memberKey);

    /// @notice The member has left the consortium through an exported transfer.
    error MembershipLedgerMemberDeparted(bytes32 memberKey);

    /// @notice The caller is not an attester of the member's organization or of an ancestor up to its committee.
    error MembershipLedgerNotAttester(uint32 orgId, address caller);

    /// @notice The caller is not an attester of the approving committee above the member's organization.
    error MembershipLedgerNotApprover(uint32 orgId, uint32 approvingCommitteeId, address caller);

    /// @notice No committee with approval power stands above the member's organization.
    error MembershipLedgerNoApprovingCommittee(uint32 orgId);

    /// @notice Members are registered in a committee's subtree, never at the consortium.
    error MembershipLedgerInvalidOrganization(uint32 orgId);

    /// @notice The record does not name the member's current chain head (a reordered or raced write).
    error MembershipLedgerStaleHead(bytes32 memberKey, bytes32 expected, bytes32 provided);

    /// @notice A record hash cannot be zero.
    error MembershipLedgerZeroRecordHash(bytes32 memberKey);

    /// @notice The action needs the member to be at another stage.
    error MembershipLedgerWrongStage(bytes32 memberKey, Stage current, Stage required);

    /// @notice The effective day is after today.
    error MembershipLedgerFutureDate(uint32 effectiveDay, uint32 today);

    /// @notice The effective day is before the member's latest recorded effective day.
    error MembershipLedgerDateBackwards(uint32 effectiveDay, uint32 lastEffectiveDay);

    /// @notice Candidate selection comes less than one year after activist selection.
    error MembershipLedgerCandidateTooEarly(uint32 candidateDay, uint32 earliestDay);

    /// @notice The branch meeting is dated before the candidate selection.
    error MembershipLedgerBranchMeetingBeforeCandidacy(uint32 branchMeetingDay, uint32 candidateDay);

    /// @notice The admission approval is before the branch meeting or more than six months after it.
    error MembershipLedgerApprovalOutOfWindow(uint32 approvalDay, uint32 branchMeetingDay, uint32 latestDay);

    /// @notice The probation was already extended once.
    error MembershipLedgerAlreadyExtended(bytes32 memberKey);

    /// @notice A probation extension must last between six and twelve months.
    error MembershipLedgerExtensionOutOfRange(uint32 newProbationEndDay, uint32 earliestDay, uint32 latestDay);

    /// @notice Conversion to full membership before the probation has ended.
    error MembershipLedgerProbationNotOver(uint32 approvalDay, uint32 probationEndDay);

    /// @notice Only the wired TransferLedger may move members.
    error MembershipLedgerNotTransferLedger(address caller);

    /// @notice The transfer ledger address is zero.
    error MembershipLedgerZeroTransferLedger();

    /// @notice The transfer ledger is wired once, by governance.
    error MembershipLedgerTransferLedgerAlreadySet(address transferLedger);

    /// @notice Only governance (the registry's owner) may wire the ledger.
    error MembershipLedgerNotGovernance(address caller);

    /// @notice An archival entry registers an applicant, activist, candidate, probationary or full member.
    error MembershipLedgerInvalidArchivalStage(Stage stage);

    /// @notice An archival entry lacks the date its stage is reached on, or gives a date of a later stage.
    /// @param dateIndex The date's place in {ArchivalDates}: 0 application, 1 activist, 2 candidate, 3 branch
    /// meeting, 4 conversion.
    error MembershipLedgerArchivalDateMismatch(Stage stage, uint256 dateIndex);

    /// @notice An archival entry's key dates run backwards: `day` (a later step's) is before `previousDay`.
    error MembershipLedgerArchivalDatesOutOfOrder(uint32 day, uint32 previousDay);

    /// @notice An archival entry carries fewer record hashes than the key dates it gives (`minimum`, at least one).
    error MembershipLedgerArchivalRecordCount(uint256 recordCount, uint256 minimum);

    /// @notice The batch is empty.
    error MembershipLedgerEmptyBatch();

    /// @notice Wires the TransferLedger that may move members. Governance only, once.
    function setTransferLedger(address transferLedger) external;

    /// @notice Enters a new member as applicant (S1) in an organization of a committee's subtree.
    /// @param memberKey A random 32-byte key the institution keeps mapped to the person.
    /// @param orgId The organization receiving the application: a branch, general branch or committee (not the
    /// consortium). An unknown id reverts with the registry's `OrgRegistryUnknownOrganization`.
    /// @param recordHash The hash of the S1 record; it becomes the chain head.
    /// @param applicationDay The day of the application.
    function register(bytes32 memberKey, uint32 orgId, bytes32 recordHash, uint32 applicationDay) external;

    /// @notice Enters a member from earlier files (a roster import) directly at `stage`, with its key dates, marked
    /// archival by {MemberRegisteredFromArchive}. Only the dates are checked (in order, none in the future, the stage's
    /// own date given, none of a later stage); from here on every record goes through the full rules.
    /// @dev Same authorization as {register}. A probationary member's probation ends one year after the branch meeting.
    /// @param memberKey A random 32-byte key the institution keeps mapped to the person.
    /// @param orgId The organization holding the member (not the consortium).
    /// @param stage Applicant, Activist, Candidate, Probationary or Full.
    /// @param dates The key dates; an earlier stage's date may be 0 when the files do not give it.
    /// @param recordHashes The archival records' hashes in chain order, at least one per given date; the last becomes
    /// the chain head.
    function registerArchival(
        bytes32 memberKey,
        uint32 orgId,
        Stage stage,
        ArchivalDates calldata dates,
        bytes32[] calldata recordHashes
    ) external;

    /// @notice Appends a record that does not change the stage (talks, filings, reviews, meetings…).
    function append(bytes32 memberKey, bytes32 prevHead, bytes32 recordHash, uint32 effectiveDay) external;

    /// @notice Appends records for many members in one transaction.
    /// @dev An item whose record is already the member's head is skipped, so resending a batch that holds at most one
    /// record per member is harmless. A sender recovering from a crash rebuilds its batch from the on-chain heads.
    function appendBatch(Append[] calldata items) external;

    /// @notice Applicant → activist (S3).
    function selectActivist(bytes32 memberKey, bytes32 prevHead, bytes32 recordHash, uint32 selectionDay) external;

    /// @notice Activist → development candidate (S7), at least one year after activist selection.
    function selectCandidate(bytes32 memberKey, bytes32 prevHead, bytes32 recordHash, uint32 selectionDay) external;

    /// @notice Candidate → probationary member (S17), approved by the approving committee within six
    /// months of the branch meeting (S15). Probation runs one year from the branch meeting.
    function admit(
        bytes32 memberKey,
        bytes32 prevHead,
        bytes32 recordHash,
        uint32 branchMeetingDay,
        uint32 approvalDay
    ) external;

    /// @notice Extends a probation once, by six to twelve months (S23 outcome "extend", approved at S24).
    function extendProbation(
        bytes32 memberKey,
        bytes32 prevHead,
        bytes32 recordHash,
        uint32 approvalDay,
        uint32 newProbationEndDay
    ) external;

    /// @notice Probationary → full member (S24), approved on or after the end of probation.
    function convert(bytes32 memberKey, bytes32 prevHead, bytes32 recordHash, uint32 approvalDay) external;

    /// @notice Probationary → cancelled (S23 outcome "cancel", approved at S24).
    function cancel(bytes32 memberKey, bytes32 prevHead, bytes32 recordHash, uint32 approvalDay) external;

    /// @notice Moves a member to the destination of an accepted transfer (0 = out of the consortium).
    /// @dev Only the wired TransferLedger.
    function moveMember(bytes32 memberKey, uint32 toOrgId, bytes32 transferId) external;

    /// @notice The registry this ledger takes organizations and roles from.
    function registry() external view returns (address);

    /// @notice The wired TransferLedger.
    function transferLedger() external view returns (address);

    /// @notice A member's on-chain skeleton (all zero for an unknown key).
    function member(bytes32 memberKey) external view returns (Member memory);

    /// @notice A member's chain head.
    function headOf(bytes32 memberKey) external view returns (bytes32);

    /// @notice Today's day number in China Standard Time, as the ledger sees it.
    function today() external view returns (uint32);
}
