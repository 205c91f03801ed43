// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

/// @title ICheckpointLog
/// @notice Checkpoints `(treeSize, root)` of each institution's two append-only logs. Each organization owns a record
/// log (RFC 9162 Merkle tree; root = tree head), identified by its organization id, and an administrative log (a hash
/// chain of accounts, roles and activity; root = hash of entry `treeSize`), identified by `adminLogId(orgId)`: the
/// organization id with its top bit set. One writer key writes both logs of an organization. Once an admin of the
/// organization (an org admin of it or of an ancestor, or governance) designates it, only that key may checkpoint them, and
/// only while it is an attester of the organization or of an ancestor up to its committee; a log with no writer yet is
/// open to those attesters, so a consortium adopts writers log by log. The writer's history is kept like a role's:
/// every rotation is an event and `logWriterAt` answers for any past block.
/// Tree sizes strictly grow, so a later checkpoint can be proven to extend an earlier one: a key that could write an
/// absurd tree size would stop the log forever, which is why one designated key writes it.
/// @dev The latest checkpoint lives in storage; the full history lives in `CheckpointRecorded` events, each
/// naming the block of the previous checkpoint, so a verifier walks the history back with plain JSON-RPC
/// (`eth_getLogs` per block) and an outage of no indexer can hide one. This keeps a checkpoint under 50 gas
/// per covered record at 1,000 records.
interface ICheckpointLog {
    /// @notice The latest checkpoint of a log.
    /// @param treeSize Number of records the root covers.
    /// @param blockNumber Block in which it was recorded.
    /// @param count How many checkpoints the log has.
    /// @param root The RFC 9162 tree head.
    struct Checkpoint {
        uint64 treeSize;
        uint64 blockNumber;
        uint64 count;
        bytes32 root;
    }

    /// @notice Emitted for every checkpoint; `previousBlock` links to the previous one (0 for the first).
    event CheckpointRecorded(
        uint32 indexed logId,
        uint64 indexed treeSize,
        bytes32 root,
        uint64 previousTreeSize,
        uint64 previousBlock,
        address attester
    );

    /// @notice Emitted when an admin designates (or rotates) a log's writer key.
    event LogWriterSet(uint32 indexed logId, address indexed writer, address previousWriter, address sender);

    /// @notice The consortium is paused.
    error CheckpointLogPaused();

    /// @notice The caller is not an attester of the log's organization (or of an ancestor up to its committee).
    error CheckpointLogNotAttester(uint32 logId, address caller);

    /// @notice The caller is not the log's designated writer key.
    error CheckpointLogNotWriter(uint32 logId, address caller, address writer);

    /// @notice The caller may not administer the log's organization.
    error CheckpointLogNotAdmin(uint32 logId, address caller);

    /// @notice A writer key cannot be the zero address (a log, once designated, always has one writer).
    error CheckpointLogZeroWriter(uint32 logId);

    /// @notice The key is already the log's writer.
    error CheckpointLogWriterUnchanged(uint32 logId, address writer);

    /// @notice The tree size does not grow.
    error CheckpointLogTreeSizeNotGrowing(uint32 logId, uint64 treeSize, uint64 latestTreeSize);

    /// @notice The root is zero.
    error CheckpointLogZeroRoot(uint32 logId);

    /// @notice The organization id has its top bit set, which log ids reserve for administrative logs.
    error CheckpointLogOrganizationOutOfRange(uint32 orgId);

    /// @notice Records a checkpoint of log `logId`: organization `logId`'s record log, or the administrative log of the
    /// organization `adminLogId` names.
    /// @dev The caller must be the log's writer (when one is designated) and an attester of the organization or of an
    /// ancestor up to its committee.
    function checkpoint(uint32 logId, uint64 treeSize, bytes32 root) external;

    /// @notice Designates `writer` as the only key that may checkpoint both logs of the organization owning log `logId`
    /// from now on; a later call rotates it. Callable by governance or an org admin of the organization or one of its
    /// ancestors. `LogWriterSet` names the organization's id (its record log's id), whichever log id was given.
    function setLogWriter(uint32 logId, address writer) external;

    /// @notice The log's writer key now (zero while none is designated): the same for both logs of an organization.
    function logWriter(uint32 logId) external view returns (address);

    /// @notice The log's writer key at the end of a past or current block (zero while none was designated).
    function logWriterAt(uint32 logId, uint256 blockNumber) external view returns (address);

    /// @notice The id of organization `orgId`'s administrative log: `orgId` with its top bit set.
    function adminLogId(uint32 orgId) external pure returns (uint32);

    /// @notice The registry this log takes organizations and roles from.
    function registry() external view returns (address);

    /// @notice The latest checkpoint of a log (all zero before the first).
    function latestCheckpoint(uint32 logId) external view returns (Checkpoint memory);
}
