// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ICheckpointLog} from "./interfaces/ICheckpointLog.sol";
import {IOrgRegistry} from "./interfaces/IOrgRegistry.sol";

/// @title CheckpointLog
/// @notice See {ICheckpointLog}.
contract CheckpointLog is ICheckpointLog {
    using Checkpoints for Checkpoints.Trace160;

    /// @dev Set in a log id, it names the organization's administrative log instead of its record log.
    uint32 private constant ADMIN_LOG_FLAG = 1 << 31;

    IOrgRegistry private immutable _registry;

    mapping(uint32 logId => Checkpoint) private _latest;

    /// @dev Key history of each organization's log writer (one key writes both its logs): block number → writer.
    mapping(uint32 orgId => Checkpoints.Trace160) private _writers;

    constructor(IOrgRegistry registry_) {
        _registry = registry_;
    }

    /// @inheritdoc ICheckpointLog
    function checkpoint(uint32 logId, uint64 treeSize, bytes32 root) external {
        (bool paused, bool canAttest) = _registry.attestScope(_organizationOf(logId), msg.sender);
        if (paused) revert CheckpointLogPaused();
        if (!canAttest) revert CheckpointLogNotAttester(logId, msg.sender);
        address writer = logWriter(logId);
        if (writer != address(0) && writer != msg.sender) revert CheckpointLogNotWriter(logId, msg.sender, writer);
        if (root == bytes32(0)) revert CheckpointLogZeroRoot(logId);
        Checkpoint storage latest = _latest[logId];
        uint64 previousTreeSize = latest.treeSize;
        if (treeSize <= previousTreeSize) revert CheckpointLogTreeSizeNotGrowing(logId, treeSize, previousTreeSize);
        uint64 previousBlock = latest.blockNumber;

        latest.treeSize = treeSize;
        latest.blockNumber = uint64(block.number);
        latest.count += 1;
        latest.root = root;
        emit CheckpointRecorded(logId, treeSize, root, previousTreeSize, previousBlock, msg.sender);
    }

    /// @inheritdoc ICheckpointLog
    function setLogWriter(uint32 logId, address writer) external {
        uint32 orgId = _organizationOf(logId);
        if (!_registry.isAdmin(orgId, msg.sender)) revert CheckpointLogNotAdmin(logId, msg.sender);
        if (writer == address(0)) revert CheckpointLogZeroWriter(logId);
        address previousWriter = logWriter(orgId);
        if (writer == previousWriter) revert CheckpointLogWriterUnchanged(logId, writer);

        _writers[orgId].push(SafeCast.toUint96(block.number), uint160(writer));
        emit LogWriterSet(orgId, writer, previousWriter, msg.sender);
    }

    /// @inheritdoc ICheckpointLog
    function logWriter(uint32 logId) public view returns (address) {
        return address(_writers[_organizationOf(logId)].latest());
    }

    /// @inheritdoc ICheckpointLog
    function logWriterAt(uint32 logId, uint256 blockNumber) external view returns (address) {
        return address(_writers[_organizationOf(logId)].upperLookupRecent(SafeCast.toUint96(blockNumber)));
    }

    /// @inheritdoc ICheckpointLog
    function adminLogId(uint32 orgId) external pure returns (uint32) {
        if (orgId & ADMIN_LOG_FLAG != 0) revert CheckpointLogOrganizationOutOfRange(orgId);
        return orgId | ADMIN_LOG_FLAG;
    }

    /// @inheritdoc ICheckpointLog
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc ICheckpointLog
    function latestCheckpoint(uint32 logId) external view returns (Checkpoint memory) {
        return _latest[logId];
    }

    /// @dev The organization owning log `logId`, whichever of its two logs it names.
    function _organizationOf(uint32 logId) private pure returns (uint32) {
        return logId & ~ADMIN_LOG_FLAG;
    }
}
