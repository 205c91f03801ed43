// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Multicall} from "@openzeppelin/contracts/utils/Multicall.sol";
import {IMembershipLedger} from "./interfaces/IMembershipLedger.sol";
import {IOrgRegistry} from "./interfaces/IOrgRegistry.sol";
import {CalendarDay} from "./libraries/CalendarDay.sol";

/// @title MembershipLedger
/// @notice See {IMembershipLedger}. `Multicall` lets an anchoring worker send many stage transitions in one
/// transaction while each keeps its caller's authorization.
contract MembershipLedger is IMembershipLedger, Multicall {
    uint256 private constant PROBATION_MONTHS = 12;
    uint256 private constant CANDIDACY_WAIT_MONTHS = 12;
    uint256 private constant APPROVAL_WINDOW_MONTHS = 6;
    uint256 private constant MIN_EXTENSION_MONTHS = 6;
    uint256 private constant MAX_EXTENSION_MONTHS = 12;

    IOrgRegistry private immutable _registry;

    address private _transferLedger;

    mapping(bytes32 memberKey => Member) private _members;

    constructor(IOrgRegistry registry_) {
        _registry = registry_;
    }

    /// @inheritdoc IMembershipLedger
    function setTransferLedger(address transferLedger_) external {
        if (msg.sender != Ownable(address(_registry)).owner()) revert MembershipLedgerNotGovernance(msg.sender);
        if (_transferLedger != address(0)) revert MembershipLedgerTransferLedgerAlreadySet(_transferLedger);
        if (transferLedger_ == address(0)) revert MembershipLedgerZeroTransferLedger();
        _transferLedger = transferLedger_;
        emit TransferLedgerSet(transferLedger_);
    }

    /// @inheritdoc IMembershipLedger
    function register(bytes32 memberKey, uint32 orgId, bytes32 recordHash, uint32 applicationDay) external {
        Member storage m = _members[memberKey];
        if (m.stage != Stage.None) revert MembershipLedgerMemberExists(memberKey);
        if (recordHash == bytes32(0)) revert MembershipLedgerZeroRecordHash(memberKey);
        _requireRegistrar(orgId);
        _requireDay(applicationDay, 0, today());

        m.orgId = orgId;
        m.stage = Stage.Applicant;
        m.lastEffectiveDay = applicationDay;
        m.recordCount = 1;
        m.head = recordHash;

        emit MemberRegistered(memberKey, orgId);
        emit RecordAppended(memberKey, recordHash);
        emit StageChanged(memberKey, Stage.Applicant, applicationDay);
    }

    /// @inheritdoc IMembershipLedger
    function registerArchival(
        bytes32 memberKey,
        uint32 orgId,
        Stage stage,
        ArchivalDates calldata dates,
        bytes32[] calldata recordHashes
    ) external {
        Member storage m = _members[memberKey];
        if (m.stage != Stage.None) revert MembershipLedgerMemberExists(memberKey);
        if (stage == Stage.None || stage == Stage.Cancelled) revert MembershipLedgerInvalidArchivalStage(stage);
        _requireRegistrar(orgId);
        uint32 latestDay = _checkArchivalDates(stage, dates, recordHashes.length, today());

        m.orgId = orgId;
        m.stage = stage;
        m.activistDay = dates.activistDay;
        m.candidateDay = dates.candidateDay;
        m.branchMeetingDay = dates.branchMeetingDay;
        if (dates.branchMeetingDay != 0) {
            m.probationEndDay = CalendarDay.addMonths(dates.branchMeetingDay, PROBATION_MONTHS);
        }
        m.lastEffectiveDay = latestDay;
        m.recordCount = uint32(recordHashes.length);
        m.head = recordHashes[recordHashes.length - 1];

        emit MemberRegisteredFromArchive(memberKey, orgId, stage, dates);
        for (uint256 i = 0; i < recordHashes.length; ++i) {
            if (recordHashes[i] == bytes32(0)) revert MembershipLedgerZeroRecordHash(memberKey);
            emit RecordAppended(memberKey, recordHashes[i]);
        }
        emit StageChanged(memberKey, stage, latestDay);
    }

    /// @inheritdoc IMembershipLedger
    function append(bytes32 memberKey, bytes32 prevHead, bytes32 recordHash, uint32 effectiveDay) external {
        Member storage m = _existing(memberKey);
        _requireAttester(m.orgId);
        _appendTo(m, memberKey, prevHead, recordHash, effectiveDay, today());
    }

    /// @inheritdoc IMembershipLedger
    function appendBatch(Append[] calldata items) external {
        if (items.length == 0) revert MembershipLedgerEmptyBatch();
        uint32 currentDay = today();
        // Consecutive items of one organization share one authorization check.
        uint32 authorizedOrgId;
        for (uint256 i = 0; i < items.length; ++i) {
            Append calldata item = items[i];
            Member storage m = _existing(item.memberKey);
            if (item.recordHash != bytes32(0) && m.head == item.recordHash) continue;
            uint32 orgId = m.orgId;
            if (orgId != authorizedOrgId) {
                _requireAttester(orgId);
                authorizedOrgId = orgId;
            }
            _appendTo(m, item.memberKey, item.prevHead, item.recordHash, item.effectiveDay, currentDay);
        }
    }

    /// @inheritdoc IMembershipLedger
    function selectActivist(bytes32 memberKey, bytes32 prevHead, bytes32 recordHash, uint32 selectionDay) external {
        Member storage m = _existing(memberKey);
        _requireStage(memberKey, m.stage, Stage.Applicant);
        _requireAttester(m.orgId);
        _appendTo(m, memberKey, prevHead, recordHash, selectionDay, today());

        m.stage = Stage.Activist;
        m.activistDay = selectionDay;
        emit StageChanged(memberKey, Stage.Activist, selectionDay);
    }

    /// @inheritdoc IMembershipLedger
    function selectCandidate(bytes32 memberKey, bytes32 prevHead, bytes32 recordHash, uint32 selectionDay) external {
        Member storage m = _existing(memberKey);
        _requireStage(memberKey, m.stage, Stage.Activist);
        _requireAttester(m.orgId);
        uint32 earliestDay = CalendarDay.addMonths(m.activistDay, CANDIDACY_WAIT_MONTHS);
        if (selectionDay < earliestDay) revert MembershipLedgerCandidateTooEarly(selectionDay, earliestDay);
        _appendTo(m, memberKey, prevHead, recordHash, selectionDay, today());

        m.stage = Stage.Candidate;
        m.candidateDay = selectionDay;
        emit StageChanged(memberKey, Stage.Candidate, selectionDay);
    }

    /// @inheritdoc IMembershipLedger
    function admit(
        bytes32 memberKey,
        bytes32 prevHead,
        bytes32 recordHash,
        uint32 branchMeetingDay,
        uint32 approvalDay
    ) external {
        Member storage m = _existing(memberKey);
        _requireStage(memberKey, m.stage, Stage.Candidate);
        _requireApprover(m.orgId);
        if (branchMeetingDay < m.candidateDay) {
            revert MembershipLedgerBranchMeetingBeforeCandidacy(branchMeetingDay, m.candidateDay);
        }
        uint32 latestDay = CalendarDay.addMonths(branchMeetingDay, APPROVAL_WINDOW_MONTHS);
        if (approvalDay < branchMeetingDay || approvalDay > latestDay) {
            revert MembershipLedgerApprovalOutOfWindow(approvalDay, branchMeetingDay, latestDay);
        }
        _appendTo(m, memberKey, prevHead, recordHash, approvalDay, today());

        m.stage = Stage.Probationary;
        m.branchMeetingDay = branchMeetingDay;
        m.probationEndDay = CalendarDay.addMonths(branchMeetingDay, PROBATION_MONTHS);
        emit StageChanged(memberKey, Stage.Probationary, approvalDay);
    }

    /// @inheritdoc IMembershipLedger
    function extendProbation(
        bytes32 memberKey,
        bytes32 prevHead,
        bytes32 recordHash,
        uint32 approvalDay,
        uint32 newProbationEndDay
    ) external {
        Member storage m = _existing(memberKey);
        _requireStage(memberKey, m.stage, Stage.Probationary);
        _requireApprover(m.orgId);
        if (m.probationExtended) revert MembershipLedgerAlreadyExtended(memberKey);
        uint32 earliestDay = CalendarDay.addMonths(m.probationEndDay, MIN_EXTENSION_MONTHS);
        uint32 latestDay = CalendarDay.addMonths(m.probationEndDay, MAX_EXTENSION_MONTHS);
        if (newProbationEndDay < earliestDay || newProbationEndDay > latestDay) {
            revert MembershipLedgerExtensionOutOfRange(newProbationEndDay, earliestDay, latestDay);
        }
        _appendTo(m, memberKey, prevHead, recordHash, approvalDay, today());

        m.probationExtended = true;
        m.probationEndDay = newProbationEndDay;
        emit ProbationExtended(memberKey, newProbationEndDay);
    }

    /// @inheritdoc IMembershipLedger
    function convert(bytes32 memberKey, bytes32 prevHead, bytes32 recordHash, uint32 approvalDay) external {
        Member storage m = _existing(memberKey);
        _requireStage(memberKey, m.stage, Stage.Probationary);
        _requireApprover(m.orgId);
        if (approvalDay < m.probationEndDay) revert MembershipLedgerProbationNotOver(approvalDay, m.probationEndDay);
        _appendTo(m, memberKey, prevHead, recordHash, approvalDay, today());

        m.stage = Stage.Full;
        emit StageChanged(memberKey, Stage.Full, approvalDay);
    }

    /// @inheritdoc IMembershipLedger
    function cancel(bytes32 memberKey, bytes32 prevHead, bytes32 recordHash, uint32 approvalDay) external {
        Member storage m = _existing(memberKey);
        _requireStage(memberKey, m.stage, Stage.Probationary);
        _requireApprover(m.orgId);
        _appendTo(m, memberKey, prevHead, recordHash, approvalDay, today());

        m.stage = Stage.Cancelled;
        emit StageChanged(memberKey, Stage.Cancelled, approvalDay);
    }

    /// @inheritdoc IMembershipLedger
    function moveMember(bytes32 memberKey, uint32 toOrgId, bytes32 transferId) external {
        if (msg.sender != _transferLedger) revert MembershipLedgerNotTransferLedger(msg.sender);
        Member storage m = _existing(memberKey);
        uint32 fromOrgId = m.orgId;

        m.orgId = toOrgId;
        emit MemberMoved(memberKey, fromOrgId, toOrgId, transferId);
    }

    /// @inheritdoc IMembershipLedger
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IMembershipLedger
    function transferLedger() external view returns (address) {
        return _transferLedger;
    }

    /// @inheritdoc IMembershipLedger
    function member(bytes32 memberKey) external view returns (Member memory) {
        return _members[memberKey];
    }

    /// @inheritdoc IMembershipLedger
    function headOf(bytes32 memberKey) external view returns (bytes32) {
        return _members[memberKey].head;
    }

    /// @inheritdoc IMembershipLedger
    function today() public view returns (uint32) {
        return CalendarDay.fromTimestamp(block.timestamp);
    }

    /// @dev Links `recordHash` after the current head; every chain write goes through here.
    function _appendTo(
        Member storage m,
        bytes32 memberKey,
        bytes32 prevHead,
        bytes32 recordHash,
        uint32 effectiveDay,
        uint32 currentDay
    ) private {
        if (recordHash == bytes32(0)) revert MembershipLedgerZeroRecordHash(memberKey);
        bytes32 head = m.head;
        if (prevHead != head) revert MembershipLedgerStaleHead(memberKey, head, prevHead);
        _requireDay(effectiveDay, m.lastEffectiveDay, currentDay);

        m.head = recordHash;
        m.lastEffectiveDay = effectiveDay;
        unchecked {
            // A member cannot accumulate 2^32 records: each costs a transaction.
            m.recordCount += 1;
        }
        emit RecordAppended(memberKey, recordHash);
    }

    function _existing(bytes32 memberKey) private view returns (Member storage m) {
        m = _members[memberKey];
        if (m.stage == Stage.None) revert MembershipLedgerUnknownMember(memberKey);
        if (m.orgId == 0) revert MembershipLedgerMemberDeparted(memberKey);
    }

    function _canAttest(uint32 orgId) private view returns (bool canAttest) {
        bool paused;
        (paused, canAttest) = _registry.attestScope(orgId, msg.sender);
        if (paused) revert MembershipLedgerPaused();
    }

    /// @dev A member enters in a committee's subtree, by an attester of its organization or of an ancestor.
    function _requireRegistrar(uint32 orgId) private view {
        if (!_canAttest(orgId)) {
            IOrgRegistry.OrgKind kind = _registry.organization(orgId).kind;
            if (kind == IOrgRegistry.OrgKind.Consortium) revert MembershipLedgerInvalidOrganization(orgId);
            revert MembershipLedgerNotAttester(orgId, msg.sender);
        }
    }

    /// @dev The archival dates: the stage's own date given, none of a later stage, the given ones in order and none
    /// in the future, and a record hash for each. Returns the latest given day.
    function _checkArchivalDates(
        Stage stage,
        ArchivalDates calldata dates,
        uint256 recordCount,
        uint32 currentDay
    ) private pure returns (uint32 latestDay) {
        uint32[5] memory keyDays = [
            dates.applicationDay,
            dates.activistDay,
            dates.candidateDay,
            dates.branchMeetingDay,
            dates.conversionDay
        ];
        // Stage.Applicant (1) is reached on keyDays[0], …, Stage.Full (5) on keyDays[4].
        uint256 stageIndex = uint256(stage) - 1;
        uint256 given;
        for (uint256 i = 0; i < keyDays.length; ++i) {
            uint32 day = keyDays[i];
            if ((i == stageIndex && day == 0) || (i > stageIndex && day != 0)) {
                revert MembershipLedgerArchivalDateMismatch(stage, i);
            }
            if (day == 0) continue;
            if (day < latestDay) revert MembershipLedgerArchivalDatesOutOfOrder(day, latestDay);
            latestDay = day;
            ++given;
        }
        if (latestDay > currentDay) revert MembershipLedgerFutureDate(latestDay, currentDay);
        if (recordCount < given) revert MembershipLedgerArchivalRecordCount(recordCount, given);
    }

    function _requireAttester(uint32 orgId) private view {
        if (!_canAttest(orgId)) revert MembershipLedgerNotAttester(orgId, msg.sender);
    }

    function _requireApprover(uint32 orgId) private view {
        (bool paused, uint32 approvingCommitteeId, bool canApprove) = _registry.approveScope(orgId, msg.sender);
        if (paused) revert MembershipLedgerPaused();
        if (approvingCommitteeId == 0) revert MembershipLedgerNoApprovingCommittee(orgId);
        if (!canApprove) revert MembershipLedgerNotApprover(orgId, approvingCommitteeId, msg.sender);
    }

    function _requireStage(bytes32 memberKey, Stage current, Stage required) private pure {
        if (current != required) revert MembershipLedgerWrongStage(memberKey, current, required);
    }

    function _requireDay(uint32 effectiveDay, uint32 lastEffectiveDay, uint32 currentDay) private pure {
        if (effectiveDay > currentDay) revert MembershipLedgerFutureDate(effectiveDay, currentDay);
        if (effectiveDay < lastEffectiveDay) revert MembershipLedgerDateBackwards(effectiveDay, lastEffectiveDay);
    }
}
