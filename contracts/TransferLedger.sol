// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

import {IMembershipLedger} from "./interfaces/IMembershipLedger.sol";
import {IOrgRegistry} from "./interfaces/IOrgRegistry.sol";
import {ITransferLedger} from "./interfaces/ITransferLedger.sol";

/// @title TransferLedger
/// @notice See {ITransferLedger}.
contract TransferLedger is ITransferLedger {
    /// @inheritdoc ITransferLedger
    uint64 public constant MAX_VALIDITY = 90 days;

    /// @dev Reason code of the cancellation a lost-letter reissue performs on the transfer it replaces.
    uint16 private constant REASON_REISSUED = 0;

    IOrgRegistry private immutable _registry;

    IMembershipLedger private immutable _membershipLedger;

    mapping(bytes32 transferId => Transfer) private _transfers;

    mapping(bytes32 memberKey => bytes32 transferId) private _latestTransferOf;

    mapping(bytes32 replacedId => bytes32 transferId) private _replacedBy;

    constructor(IOrgRegistry registry_, IMembershipLedger membershipLedger_) {
        _registry = registry_;
        _membershipLedger = membershipLedger_;
    }

    /// @inheritdoc ITransferLedger
    function issue(IssueRequest calldata request) external {
        _issue(request, bytes32(0), 0);
    }

    /// @inheritdoc ITransferLedger
    function reissue(bytes32 replacedId, IssueRequest calldata request) external {
        Transfer storage replaced = _existing(replacedId);
        if (replaced.memberKey != request.memberKey) {
            revert TransferLedgerReissueMemberMismatch(replacedId, request.memberKey);
        }
        bytes32 replacedBy = _replacedBy[replacedId];
        if (replacedBy != bytes32(0)) revert TransferLedgerAlreadyReissued(replacedId, replacedBy);
        State state = _stateOf(replaced);
        if (state == State.Accepted) revert TransferLedgerWrongState(replacedId, state);

        _replacedBy[replacedId] = request.transferId;
        if (state == State.Issued) {
            // A lost letter: the old one stops being valid in the same transaction the new one is issued.
            replaced.state = State.Cancelled;
            replaced.outcomeHash = bytes32(uint256(REASON_REISSUED));
            emit TransferCancelled(replacedId, replaced.memberKey, REASON_REISSUED);
        }
        _issue(request, replacedId, replaced.fromOrgId);
    }

    /// @inheritdoc ITransferLedger
    function accept(bytes32 transferId, bytes32 expectedHead, bytes32 receiptHash) external {
        Transfer storage t = _openIncoming(transferId);
        IMembershipLedger.Member memory m = _membershipLedger.member(t.memberKey);
        if (m.head != expectedHead) revert TransferLedgerHeadMismatch(transferId, expectedHead, m.head);
        _requireKindFits(t.memberKey, t.kind, m.stage);

        t.state = State.Accepted;
        t.outcomeHash = receiptHash;
        _membershipLedger.moveMember(t.memberKey, t.toOrgId, transferId);
        emit TransferAccepted(transferId, t.memberKey, t.toOrgId, receiptHash);
    }

    /// @inheritdoc ITransferLedger
    function reject(bytes32 transferId, uint16 reasonCode) external {
        Transfer storage t = _openIncoming(transferId);
        _requireReasonCode(transferId, reasonCode);

        t.state = State.Rejected;
        t.outcomeHash = bytes32(uint256(reasonCode));
        emit TransferRejected(transferId, t.memberKey, t.toOrgId, reasonCode);
    }

    /// @inheritdoc ITransferLedger
    function cancel(bytes32 transferId, uint16 reasonCode) external {
        Transfer storage t = _openOutgoing(transferId);
        _requireReasonCode(transferId, reasonCode);

        t.state = State.Cancelled;
        t.outcomeHash = bytes32(uint256(reasonCode));
        emit TransferCancelled(transferId, t.memberKey, reasonCode);
    }

    /// @inheritdoc ITransferLedger
    function recordExportReceipt(bytes32 transferId, bytes32 receiptHash) external {
        Transfer storage t = _openOutgoing(transferId);
        if (t.toOrgId != 0) revert TransferLedgerExportMismatch(transferId, false);
        _requireKindFits(t.memberKey, t.kind, _membershipLedger.member(t.memberKey).stage);

        t.state = State.Accepted;
        t.outcomeHash = receiptHash;
        _membershipLedger.moveMember(t.memberKey, 0, transferId);
        emit TransferAccepted(transferId, t.memberKey, 0, receiptHash);
    }

    /// @inheritdoc ITransferLedger
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc ITransferLedger
    function membershipLedger() external view returns (address) {
        return address(_membershipLedger);
    }

    /// @inheritdoc ITransferLedger
    function transfer(bytes32 transferId) external view returns (Transfer memory) {
        return _transfers[transferId];
    }

    /// @inheritdoc ITransferLedger
    function stateOf(bytes32 transferId) external view returns (State) {
        return _stateOf(_transfers[transferId]);
    }

    /// @inheritdoc ITransferLedger
    function openTransferOf(bytes32 memberKey) public view returns (bytes32) {
        bytes32 transferId = _latestTransferOf[memberKey];
        return _stateOf(_transfers[transferId]) == State.Issued ? transferId : bytes32(0);
    }

    /// @param replacedFromOrgId The organization that issued the replaced transfer (ignored when `replaces` is 0).
    function _issue(IssueRequest calldata request, bytes32 replaces, uint32 replacedFromOrgId) private {
        if (request.transferId == bytes32(0)) revert TransferLedgerZeroTransferId();
        if (_transfers[request.transferId].state != State.None) revert TransferLedgerTransferExists(request.transferId);
        IMembershipLedger.Member memory m = _membershipLedger.member(request.memberKey);
        if (m.stage == IMembershipLedger.Stage.None) revert TransferLedgerUnknownMember(request.memberKey);
        if (m.orgId == 0) revert TransferLedgerMemberDeparted(request.memberKey);
        if (replaces != bytes32(0) && replacedFromOrgId != m.orgId) {
            revert TransferLedgerReissueSourceMismatch(replaces, replacedFromOrgId, m.orgId);
        }
        _requireApprover(m.orgId, request.transferId, true);
        _requireKindFits(request.memberKey, request.kind, m.stage);
        bytes32 openId = openTransferOf(request.memberKey);
        if (openId != bytes32(0)) revert TransferLedgerOpenTransferExists(request.memberKey, openId);
        _requireDestination(request.toOrgId, request.destinationHash, m.orgId);
        uint64 latestAllowed = uint64(block.timestamp) + MAX_VALIDITY;
        if (request.validUntil <= block.timestamp || request.validUntil > latestAllowed) {
            revert TransferLedgerInvalidValidity(request.validUntil, latestAllowed);
        }

        _transfers[request.transferId] = Transfer({
            memberKey: request.memberKey,
            fromOrgId: m.orgId,
            toOrgId: request.toOrgId,
            kind: request.kind,
            state: State.Issued,
            issuedAt: uint64(block.timestamp),
            validUntil: request.validUntil,
            replaces: replaces,
            letterHash: request.letterHash,
            destinationHash: request.destinationHash,
            outcomeHash: bytes32(0)
        });
        _latestTransferOf[request.memberKey] = request.transferId;
        emit TransferIssued(
            request.transferId,
            request.memberKey,
            request.toOrgId,
            m.orgId,
            request.kind,
            request.validUntil,
            request.letterHash,
            replaces
        );
    }

    /// @dev An issued, unexpired transfer into the consortium, and a caller of its destination's committee.
    function _openIncoming(bytes32 transferId) private view returns (Transfer storage t) {
        t = _existing(transferId);
        if (t.toOrgId == 0) revert TransferLedgerExportMismatch(transferId, true);
        _requireApprover(t.toOrgId, transferId, false);
        _requireOpen(transferId, t);
    }

    /// @dev An issued, unexpired transfer, and a caller of its source's committee.
    function _openOutgoing(bytes32 transferId) private view returns (Transfer storage t) {
        t = _existing(transferId);
        _requireApprover(t.fromOrgId, transferId, true);
        _requireOpen(transferId, t);
    }

    function _existing(bytes32 transferId) private view returns (Transfer storage t) {
        t = _transfers[transferId];
        if (t.state == State.None) revert TransferLedgerUnknownTransfer(transferId);
    }

    function _requireOpen(bytes32 transferId, Transfer storage t) private view {
        if (t.state != State.Issued) revert TransferLedgerWrongState(transferId, t.state);
        if (block.timestamp > t.validUntil) revert TransferLedgerExpired(transferId, t.validUntil);
    }

    function _requireApprover(uint32 orgId, bytes32 transferId, bool asSource) private view {
        (bool paused, uint32 approvingCommitteeId, bool canApprove) = _registry.approveScope(orgId, msg.sender);
        if (paused) revert TransferLedgerPaused();
        if (approvingCommitteeId == 0) revert TransferLedgerNoApprovingCommittee(orgId);
        if (!canApprove) {
            if (asSource) revert TransferLedgerNotSource(transferId, msg.sender);
            revert TransferLedgerNotDestination(transferId, msg.sender);
        }
    }

    function _requireReasonCode(bytes32 transferId, uint16 reasonCode) private pure {
        if (reasonCode == REASON_REISSUED) revert TransferLedgerReservedReasonCode(transferId);
    }

    function _requireKindFits(bytes32 memberKey, Kind kind, IMembershipLedger.Stage stage) private pure {
        bool isMember = stage == IMembershipLedger.Stage.Probationary || stage == IMembershipLedger.Stage.Full;
        bool isInDevelopment =
            stage == IMembershipLedger.Stage.Applicant ||
                stage == IMembershipLedger.Stage.Activist ||
                stage == IMembershipLedger.Stage.Candidate;
        bool fits = kind == Kind.Membership ? isMember : isInDevelopment;
        if (!fits) revert TransferLedgerKindMismatch(memberKey, kind, uint8(stage));
    }

    function _requireDestination(uint32 toOrgId, bytes32 destinationHash, uint32 fromOrgId) private view {
        bool valid =
            toOrgId == 0
                ? destinationHash != bytes32(0)
                : destinationHash == bytes32(0) && toOrgId != fromOrgId && _registry.approvingCommitteeOf(toOrgId) != 0;
        if (!valid) revert TransferLedgerInvalidDestination(toOrgId, destinationHash);
    }

    function _stateOf(Transfer storage t) private view returns (State) {
        State state = t.state;
        return state == State.Issued && block.timestamp > t.validUntil ? State.Expired : state;
    }
}
