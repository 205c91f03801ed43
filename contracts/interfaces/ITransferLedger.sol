// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

/// @title ITransferLedger
/// @notice The two-party handshake of an organizational-relationship transfer (组织关系转接): the member's
/// approving committee issues, only the destination's approving committee accepts or rejects, the source may
/// cancel before that, an unopened letter expires, a reissue names the transfer it replaces, and a member has
/// at most one open transfer. On acceptance the member's organization moves on chain; the acceptance is the
/// receipt (回执). A destination outside the consortium is an exported transfer identified by a hash, closed by
/// the source when the destination's paper receipt comes back.
interface ITransferLedger {
    /// @notice MEMBERSHIP moves a (probationary or full) member's relationship; MATERIALS moves the file of an
    /// applicant, activist or candidate.
    enum Kind {
        Membership,
        Materials
    }

    /// @notice The transfer's state. `Expired` is never stored: an `Issued` transfer past `validUntil` reads as it.
    enum State {
        None,
        Issued,
        Accepted,
        Rejected,
        Cancelled,
        Expired
    }

    /// @notice An issued transfer.
    /// @param memberKey The member moving.
    /// @param fromOrgId The member's organization when the letter was issued.
    /// @param toOrgId The destination organization, or 0 for an exported transfer.
    /// @param kind Membership or materials.
    /// @param state The stored state (see `stateOf` for expiry).
    /// @param issuedAt Block timestamp of issue.
    /// @param validUntil Last second the letter can be accepted.
    /// @param replaces The transfer this one reissues, or 0.
    /// @param letterHash Hash of the letter (介绍信) document.
    /// @param destinationHash For an exported transfer, the hash identifying the outside destination.
    /// @param outcomeHash Hash of the acceptance receipt, or the reason code of a rejection or cancellation.
    struct Transfer {
        bytes32 memberKey;
        uint32 fromOrgId;
        uint32 toOrgId;
        Kind kind;
        State state;
        uint64 issuedAt;
        uint64 validUntil;
        bytes32 replaces;
        bytes32 letterHash;
        bytes32 destinationHash;
        bytes32 outcomeHash;
    }

    /// @notice What an issue needs; `toOrgId` 0 with a non-zero `destinationHash` exports the transfer.
    struct IssueRequest {
        bytes32 transferId;
        bytes32 memberKey;
        uint32 toOrgId;
        bytes32 destinationHash;
        Kind kind;
        uint64 validUntil;
        bytes32 letterHash;
    }

    /// @notice Emitted when a transfer letter is issued (or reissued).
    event TransferIssued(
        bytes32 indexed transferId,
        bytes32 indexed memberKey,
        uint32 indexed toOrgId,
        uint32 fromOrgId,
        Kind kind,
        uint64 validUntil,
        bytes32 letterHash,
        bytes32 replaces
    );

    /// @notice Emitted when the destination accepts; this is the receipt (回执).
    event TransferAccepted(
        bytes32 indexed transferId,
        bytes32 indexed memberKey,
        uint32 indexed toOrgId,
        bytes32 receiptHash
    );

    /// @notice Emitted when the destination rejects, with a reason code.
    event TransferRejected(
        bytes32 indexed transferId,
        bytes32 indexed memberKey,
        uint32 indexed toOrgId,
        uint16 reasonCode
    );

    /// @notice Emitted when the source cancels, with a reason code.
    event TransferCancelled(bytes32 indexed transferId, bytes32 indexed memberKey, uint16 reasonCode);

    /// @notice The consortium is paused.
    error TransferLedgerPaused();

    /// @notice The transfer id is already used.
    error TransferLedgerTransferExists(bytes32 transferId);

    /// @notice The transfer id is zero.
    error TransferLedgerZeroTransferId();

    /// @notice No such transfer.
    error TransferLedgerUnknownTransfer(bytes32 transferId);

    /// @notice The member key is not registered.
    error TransferLedgerUnknownMember(bytes32 memberKey);

    /// @notice The member left the consortium through an exported transfer.
    error TransferLedgerMemberDeparted(bytes32 memberKey);

    /// @notice A reissue comes from the organization that issued the replaced transfer, while the member is still there.
    error TransferLedgerReissueSourceMismatch(bytes32 replacedId, uint32 replacedFromOrgId, uint32 memberOrgId);

    /// @notice The replaced transfer was already reissued.
    error TransferLedgerAlreadyReissued(bytes32 replacedId, bytes32 replacedBy);

    /// @notice The caller is not an attester of the member's approving committee.
    error TransferLedgerNotSource(bytes32 transferId, address caller);

    /// @notice The caller is not an attester of the destination's approving committee.
    error TransferLedgerNotDestination(bytes32 transferId, address caller);

    /// @notice The member's organization has no approving committee above it.
    error TransferLedgerNoApprovingCommittee(uint32 orgId);

    /// @notice The destination is not a usable organization of the consortium (or both destination forms were given).
    error TransferLedgerInvalidDestination(uint32 toOrgId, bytes32 destinationHash);

    /// @notice The member already has an open transfer.
    error TransferLedgerOpenTransferExists(bytes32 memberKey, bytes32 openTransferId);

    /// @notice The validity must end after now and at most 90 days after issue.
    error TransferLedgerInvalidValidity(uint64 validUntil, uint64 latestAllowed);

    /// @notice The transfer kind does not fit the member's stage (checked at issue and again at acceptance, since
    /// the source may record a stage change while the letter is open).
    error TransferLedgerKindMismatch(bytes32 memberKey, Kind kind, uint8 stage);

    /// @notice The transfer is not in the state the action needs.
    error TransferLedgerWrongState(bytes32 transferId, State current);

    /// @notice Acceptance after the letter's validity.
    error TransferLedgerExpired(bytes32 transferId, uint64 validUntil);

    /// @notice The member's chain moved since the destination verified it.
    error TransferLedgerHeadMismatch(bytes32 transferId, bytes32 expected, bytes32 actual);

    /// @notice A reissue must concern the same member as the transfer it replaces.
    error TransferLedgerReissueMemberMismatch(bytes32 replacedId, bytes32 memberKey);

    /// @notice Reason code 0 is reserved for the cancellation a lost-letter reissue performs.
    error TransferLedgerReservedReasonCode(bytes32 transferId);

    /// @notice An exported transfer is closed with `recordExportReceipt`, an internal one by its destination.
    error TransferLedgerExportMismatch(bytes32 transferId, bool exported);

    /// @notice Issues a transfer letter. The caller must be an attester of the member's approving committee.
    function issue(IssueRequest calldata request) external;

    /// @notice Issues a new transfer replacing `replacedId`: one that was rejected, cancelled or expired, or
    /// one still open whose letter was lost (it is cancelled in the same transaction).
    function reissue(bytes32 replacedId, IssueRequest calldata request) external;

    /// @notice Accepts an incoming transfer. The caller must be an attester of the destination's approving
    /// committee; `expectedHead` is the member-chain head the destination verified.
    function accept(bytes32 transferId, bytes32 expectedHead, bytes32 receiptHash) external;

    /// @notice Rejects an incoming transfer with a reason code. Destination's approving committee only.
    function reject(bytes32 transferId, uint16 reasonCode) external;

    /// @notice Cancels an open transfer with a reason code. Source's approving committee only.
    function cancel(bytes32 transferId, uint16 reasonCode) external;

    /// @notice Closes an exported transfer when the outside destination's receipt comes back: the member leaves
    /// the consortium. Source's approving committee only.
    function recordExportReceipt(bytes32 transferId, bytes32 receiptHash) external;

    /// @notice The longest validity of a letter.
    function MAX_VALIDITY() external view returns (uint64);

    /// @notice The registry this ledger takes organizations and roles from.
    function registry() external view returns (address);

    /// @notice The membership ledger whose members move.
    function membershipLedger() external view returns (address);

    /// @notice A transfer as stored.
    function transfer(bytes32 transferId) external view returns (Transfer memory);

    /// @notice A transfer's state, reading `Expired` for an issued letter past its validity.
    function stateOf(bytes32 transferId) external view returns (State);

    /// @notice The member's open transfer, or 0 when none is open (an expired one is not open).
    function openTransferOf(bytes32 memberKey) external view returns (bytes32);
}
