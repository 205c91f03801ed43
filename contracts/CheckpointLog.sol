// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

import {ICheckpointLog} from "./interfaces/ICheckpointLog.sol";
import {IOrgRegistry} from "./interfaces/IOrgRegistry.sol";

/// @title CheckpointLog
/// @notice See {ICheckpointLog}.
contract CheckpointLog is ICheckpointLog {
    IOrgRegistry private immutable _registry;

    mapping(uint32 logId => Checkpoint) private _latest;

    constructor(IOrgRegistry registry_) {
        _registry = registry_;
    }

    /// @inheritdoc ICheckpointLog
    function checkpoint(uint32 logId, uint64 treeSize, bytes32 root) external {
        (bool paused, bool canAttest) = _registry.attestScope(logId, msg.sender);
        if (paused) revert CheckpointLogPaused();
        if (!canAttest) revert CheckpointLogNotAttester(logId, msg.sender);
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
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc ICheckpointLog
    function latestCheckpoint(uint32 logId) external view returns (Checkpoint memory) {
        return _latest[logId];
    }
}
