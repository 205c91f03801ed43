// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

import {Ownable, Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Checkpoints} from "@openzeppelin/contracts/utils/structs/Checkpoints.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {IOrgRegistry} from "./interfaces/IOrgRegistry.sol";

/// @title OrgRegistry
/// @notice See {IOrgRegistry}. Governance is the owner: a timelock or multisig in production.
contract OrgRegistry is IOrgRegistry, Ownable2Step, Pausable {
    using Checkpoints for Checkpoints.Trace208;

    uint32 private constant CONSORTIUM_ID = 1;

    uint256 private constant MAX_ENDPOINT_LENGTH = 256;

    uint32 private _organizationCount;

    mapping(uint32 orgId => Organization) private _organizations;

    mapping(uint32 orgId => string) private _names;

    mapping(uint32 orgId => bool) private _closed;

    /// @dev Open general branches and branches directly under each organization: one is closed only without any.
    mapping(uint32 orgId => uint32 count) private _openChildren;

    /// @dev Current roles as a bitmask (bit = uint8(Role)), the cheap read for ledgers.
    mapping(uint32 orgId => mapping(address account => uint256 roleBits)) private _roleBits;

    mapping(uint32 committeeId => string url) private _serviceEndpoints;

    /// @dev Key history: block number → 1 (held) / 0 (not held), per role.
    mapping(uint32 orgId => mapping(address account => mapping(Role role => Checkpoints.Trace208)))
        private _roleHistory;

    /// @param governance The consortium's governance (timelock or multisig in production).
    /// @param consortiumName The consortium's public name.
    constructor(address governance, string memory consortiumName) Ownable(governance) {
        _addOrganization(0, 0, OrgKind.Consortium, consortiumName);
    }

    /// @inheritdoc IOrgRegistry
    function registerCommittee(string calldata name, bool mayApprove) external onlyOwner returns (uint32 orgId) {
        orgId = _addOrganization(CONSORTIUM_ID, 0, OrgKind.Committee, name);
        if (mayApprove) {
            _organizations[orgId].mayApprove = true;
            emit ApprovalPowerChanged(orgId, true);
        }
    }

    /// @inheritdoc IOrgRegistry
    function registerOrganization(uint32 parentId, OrgKind kind, string calldata name) external returns (uint32 orgId) {
        Organization memory parent = _existing(parentId);
        bool fits =
            (kind == OrgKind.GeneralBranch && parent.kind == OrgKind.Committee) ||
                (kind == OrgKind.Branch && (parent.kind == OrgKind.Committee || parent.kind == OrgKind.GeneralBranch));
        if (!fits) revert OrgRegistryInvalidParent(parentId, parent.kind, kind);
        _requireAdmin(parentId);
        _requireOpen(parentId);
        orgId = _addOrganization(parentId, parent.committeeId, kind, name);
        ++_openChildren[parentId];
    }

    /// @inheritdoc IOrgRegistry
    function renameOrganization(uint32 orgId, string calldata name) external {
        _openBranchAdministeredByCaller(orgId);
        if (bytes(name).length == 0) revert OrgRegistryEmptyName();
        _names[orgId] = name;
        emit OrganizationRenamed(orgId, name, msg.sender);
    }

    /// @inheritdoc IOrgRegistry
    function closeOrganization(uint32 orgId) external {
        uint32 parentId = _openBranchAdministeredByCaller(orgId);
        uint32 openChildren = _openChildren[orgId];
        if (openChildren != 0) revert OrgRegistryOpenChildren(orgId, openChildren);
        _closed[orgId] = true;
        --_openChildren[parentId];
        emit OrganizationClosed(orgId, msg.sender);
    }

    /// @inheritdoc IOrgRegistry
    function setServiceEndpoint(uint32 committeeId, string calldata url) external {
        if (_existing(committeeId).kind != OrgKind.Committee) revert OrgRegistryNotCommittee(committeeId);
        _requireAdmin(committeeId);
        if (bytes(url).length > MAX_ENDPOINT_LENGTH) revert OrgRegistryEndpointTooLong(committeeId, bytes(url).length);
        _serviceEndpoints[committeeId] = url;
        emit ServiceEndpointSet(committeeId, url, msg.sender);
    }

    /// @inheritdoc IOrgRegistry
    function serviceEndpoint(uint32 committeeId) external view returns (string memory) {
        _existing(committeeId);
        return _serviceEndpoints[committeeId];
    }

    /// @inheritdoc IOrgRegistry
    function setApprovalPower(uint32 orgId, bool mayApprove) external onlyOwner {
        if (_existing(orgId).kind != OrgKind.Committee) revert OrgRegistryNotCommittee(orgId);
        _organizations[orgId].mayApprove = mayApprove;
        emit ApprovalPowerChanged(orgId, mayApprove);
    }

    /// @inheritdoc IOrgRegistry
    function grantRole(uint32 orgId, address account, Role role) external {
        _existing(orgId);
        _requireAdmin(orgId);
        _requireOpen(orgId);
        if (account == address(0)) revert OrgRegistryZeroAccount();
        uint256 bits = _roleBits[orgId][account];
        uint256 bit = 1 << uint8(role);
        if (bits & bit != 0) revert OrgRegistryRoleAlreadyGranted(orgId, account, role);
        _roleBits[orgId][account] = bits | bit;
        _roleHistory[orgId][account][role].push(SafeCast.toUint48(block.number), 1);
        emit RoleGranted(orgId, account, role, msg.sender);
    }

    /// @inheritdoc IOrgRegistry
    function revokeRole(uint32 orgId, address account, Role role) external {
        _existing(orgId);
        _requireAdmin(orgId);
        uint256 bits = _roleBits[orgId][account];
        uint256 bit = 1 << uint8(role);
        if (bits & bit == 0) revert OrgRegistryRoleNotGranted(orgId, account, role);
        _roleBits[orgId][account] = bits & ~bit;
        _roleHistory[orgId][account][role].push(SafeCast.toUint48(block.number), 0);
        emit RoleRevoked(orgId, account, role, msg.sender);
    }

    /// @inheritdoc IOrgRegistry
    function pause() external onlyOwner {
        _pause();
    }

    /// @inheritdoc IOrgRegistry
    function unpause() external onlyOwner {
        _unpause();
    }

    /// @notice Disabled: without governance no committee could join and a pause could never be lifted.
    function renounceOwnership() public view override onlyOwner {
        revert OrgRegistryRenounceDisabled();
    }

    /// @inheritdoc IOrgRegistry
    function consortiumId() external pure returns (uint32) {
        return CONSORTIUM_ID;
    }

    /// @inheritdoc IOrgRegistry
    function organizationCount() external view returns (uint32) {
        return _organizationCount;
    }

    /// @inheritdoc IOrgRegistry
    function organization(uint32 orgId) external view returns (Organization memory) {
        return _existing(orgId);
    }

    /// @inheritdoc IOrgRegistry
    function organizationName(uint32 orgId) external view returns (string memory) {
        _existing(orgId);
        return _names[orgId];
    }

    /// @inheritdoc IOrgRegistry
    function isClosed(uint32 orgId) external view returns (bool) {
        _existing(orgId);
        return _closed[orgId];
    }

    /// @inheritdoc IOrgRegistry
    function isSelfOrAncestor(uint32 ancestorId, uint32 orgId) public view returns (bool) {
        if (_organizations[orgId].kind == OrgKind.None) return false;
        for (uint32 id = orgId; id != 0; id = _organizations[id].parentId) {
            if (id == ancestorId) return true;
        }
        return false;
    }

    /// @inheritdoc IOrgRegistry
    function approvingCommitteeOf(uint32 orgId) public view returns (uint32) {
        uint32 committeeId = _organizations[orgId].committeeId;
        return committeeId != 0 && _organizations[committeeId].mayApprove && !_closed[orgId] ? committeeId : 0;
    }

    /// @inheritdoc IOrgRegistry
    function isAdmin(uint32 orgId, address account) public view returns (bool) {
        if (account == owner()) return true;
        for (uint32 id = orgId; id != 0; id = _organizations[id].parentId) {
            if (hasRole(id, account, Role.OrgAdmin)) return true;
        }
        return false;
    }

    /// @inheritdoc IOrgRegistry
    function hasRole(uint32 orgId, address account, Role role) public view returns (bool) {
        return _roleBits[orgId][account] & (1 << uint8(role)) != 0;
    }

    /// @inheritdoc IOrgRegistry
    function hasRoleAt(uint32 orgId, address account, Role role, uint256 blockNumber) external view returns (bool) {
        return _roleHistory[orgId][account][role].upperLookupRecent(SafeCast.toUint48(blockNumber)) == 1;
    }

    /// @inheritdoc IOrgRegistry
    function attestScope(uint32 orgId, address account) external view returns (bool paused_, bool canAttest) {
        paused_ = paused();
        uint32 committeeId = _organizations[orgId].committeeId;
        if (committeeId == 0 || _closed[orgId]) return (paused_, false);
        // Walk from the organization up to its committee: an attester anywhere on that path may write.
        for (uint32 id = orgId; ; id = _organizations[id].parentId) {
            if (hasRole(id, account, Role.Attester)) return (paused_, true);
            if (id == committeeId) return (paused_, false);
        }
    }

    /// @inheritdoc IOrgRegistry
    function approveScope(
        uint32 orgId,
        address account
    ) external view returns (bool paused_, uint32 approvingCommitteeId, bool canApprove) {
        paused_ = paused();
        approvingCommitteeId = approvingCommitteeOf(orgId);
        canApprove = approvingCommitteeId != 0 && hasRole(approvingCommitteeId, account, Role.Attester);
    }

    function _addOrganization(
        uint32 parentId,
        uint32 committeeId,
        OrgKind kind,
        string memory name
    ) private returns (uint32 orgId) {
        if (bytes(name).length == 0) revert OrgRegistryEmptyName();
        orgId = ++_organizationCount;
        _organizations[orgId] = Organization({
            parentId: parentId,
            committeeId: kind == OrgKind.Committee ? orgId : committeeId,
            kind: kind,
            mayApprove: false
        });
        _names[orgId] = name;
        emit OrganizationRegistered(orgId, parentId, kind, name);
    }

    function _existing(uint32 orgId) private view returns (Organization memory org) {
        org = _organizations[orgId];
        if (org.kind == OrgKind.None) revert OrgRegistryUnknownOrganization(orgId);
    }

    function _requireAdmin(uint32 orgId) private view {
        if (!isAdmin(orgId, msg.sender)) revert OrgRegistryNotAdmin(orgId, msg.sender);
    }

    function _requireOpen(uint32 orgId) private view {
        if (_closed[orgId]) revert OrgRegistryOrganizationClosed(orgId);
    }

    /// @dev An existing, open general branch or branch that the caller administers from above; returns its parent.
    function _openBranchAdministeredByCaller(uint32 orgId) private view returns (uint32 parentId) {
        Organization memory org = _existing(orgId);
        if (org.kind != OrgKind.GeneralBranch && org.kind != OrgKind.Branch)
            revert OrgRegistryNotBranch(orgId, org.kind);
        // Administered from above: a branch's own admin neither renames nor closes the branch it serves.
        _requireAdmin(org.parentId);
        _requireOpen(orgId);
        return org.parentId;
    }
}
