// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

/// @title ICheckpointLog
/// @notice Checkpoints `(treeSize, root)` of each institution's append-only record log (RFC 9162 Merkle tree).
/// Each organization owns one log, identified by its organization id, written by attesters of the organization or
/// of an ancestor up to its committee.
/// Tree sizes strictly grow, so a later checkpoint can be proven to extend an earlier one.
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

    /// @notice The consortium is paused.
    error CheckpointLogPaused();

    /// @notice The caller is not an attester of the log's organization (or of an ancestor up to its committee).
    error CheckpointLogNotAttester(uint32 logId, address caller);

    /// @notice The tree size does not grow.
    error CheckpointLogTreeSizeNotGrowing(uint32 logId, uint64 treeSize, uint64 latestTreeSize);

    /// @notice The root is zero.
    error CheckpointLogZeroRoot(uint32 logId);

    /// @notice Records a checkpoint of the log owned by organization `logId`.
    function checkpoint(uint32 logId, uint64 treeSize, bytes32 root) external;

    /// @notice The registry this log takes organizations and roles from.
    function registry() external view returns (address);

    /// @notice The latest checkpoint of a log (all zero before the first).
    function latestCheckpoint(uint32 logId) external view returns (Checkpoint memory);
}
