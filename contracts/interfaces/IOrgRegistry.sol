// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.29;

/// @title IOrgRegistry
/// @notice The consortium's organization tree (consortium → university committee → general branch → branch),
/// the per-organization roles of each signing key with their full history, and the consortium's emergency pause.
/// @dev Organization ids are assigned sequentially from 1; id 1 is the consortium itself and 0 means "none".
/// A general branch or branch can be renamed and closed by an admin above it. A closed organization stays in the tree
/// (its id, name and key history keep proving past records) but receives nothing new: no child organization, role,
/// member, record, approval or transfer. The ledgers hold members by key, not by organization, so the registry cannot
/// count who is left: an instance closes a branch only once no active member remains in it.
interface IOrgRegistry {
    /// @notice The level of an organization in the tree.
    enum OrgKind {
        None,
        Consortium,
        Committee,
        GeneralBranch,
        Branch
    }

    /// @notice A role an account holds in one organization.
    enum Role {
        OrgAdmin,
        Attester
    }

    /// @notice A registered organization.
    /// @param parentId The parent organization (0 for the consortium).
    /// @param committeeId The university committee this organization belongs to (itself for a committee).
    /// @param kind The level in the tree.
    /// @param mayApprove Whether this committee has approval power (admissions, conversions, transfers).
    struct Organization {
        uint32 parentId;
        uint32 committeeId;
        OrgKind kind;
        bool mayApprove;
    }

    /// @notice Emitted when an organization is added to the tree.
    event OrganizationRegistered(uint32 indexed orgId, uint32 indexed parentId, OrgKind kind, string name);

    /// @notice Emitted when a general branch or branch takes a new public name.
    event OrganizationRenamed(uint32 indexed orgId, string name, address sender);

    /// @notice Emitted when a general branch or branch is closed for good.
    event OrganizationClosed(uint32 indexed orgId, address sender);

    /// @notice Emitted when governance grants or withdraws a committee's approval power.
    event ApprovalPowerChanged(uint32 indexed orgId, bool mayApprove);

    /// @notice Emitted when an account gains a role in an organization.
    event RoleGranted(uint32 indexed orgId, address indexed account, Role indexed role, address sender);

    /// @notice Emitted when an account loses a role in an organization.
    event RoleRevoked(uint32 indexed orgId, address indexed account, Role indexed role, address sender);

    /// @notice Emitted when a committee publishes (or, with an empty url, withdraws) its instance's address.
    event ServiceEndpointSet(uint32 indexed committeeId, string url, address sender);

    /// @notice The organization does not exist.
    error OrgRegistryUnknownOrganization(uint32 orgId);

    /// @notice The caller is neither governance nor an org admin of the organization or one of its ancestors.
    error OrgRegistryNotAdmin(uint32 orgId, address caller);

    /// @notice A child of this kind cannot hang under a parent of that kind.
    error OrgRegistryInvalidParent(uint32 parentId, OrgKind parentKind, OrgKind childKind);

    /// @notice Only committees can carry approval power.
    error OrgRegistryNotCommittee(uint32 orgId);

    /// @notice A service endpoint is at most 256 bytes.
    error OrgRegistryEndpointTooLong(uint32 committeeId, uint256 length);

    /// @notice The account already holds the role.
    error OrgRegistryRoleAlreadyGranted(uint32 orgId, address account, Role role);

    /// @notice The account does not hold the role.
    error OrgRegistryRoleNotGranted(uint32 orgId, address account, Role role);

    /// @notice The zero address cannot hold a role.
    error OrgRegistryZeroAccount();

    /// @notice Governance can be handed over (two-step) but never renounced: the consortium would freeze for good.
    error OrgRegistryRenounceDisabled();

    /// @notice The organization name is empty.
    error OrgRegistryEmptyName();

    /// @notice Only a general branch or a branch can be renamed or closed here (a committee's name is governance's).
    error OrgRegistryNotBranch(uint32 orgId, OrgKind kind);

    /// @notice The organization is closed: it receives nothing new and cannot be renamed or closed again.
    error OrgRegistryOrganizationClosed(uint32 orgId);

    /// @notice The organization still has open general branches or branches under it: close them first.
    error OrgRegistryOpenChildren(uint32 orgId, uint32 openChildren);

    /// @notice Registers a university committee directly under the consortium. Governance only.
    /// @param name The committee's public name.
    /// @param mayApprove Whether it has approval power from the start.
    /// @return orgId The new organization's id.
    function registerCommittee(string calldata name, bool mayApprove) external returns (uint32 orgId);

    /// @notice Registers a general branch or a branch under an existing committee or general branch.
    /// @dev Callable by governance or an org admin of the parent or one of its ancestors.
    /// @param parentId The parent organization.
    /// @param kind GeneralBranch (under a committee) or Branch (under a committee or a general branch).
    /// @param name The organization's public name.
    /// @return orgId The new organization's id.
    function registerOrganization(uint32 parentId, OrgKind kind, string calldata name) external returns (uint32 orgId);

    /// @notice Gives an open general branch or branch a new public name.
    /// @dev Callable by governance or an org admin of an ancestor (not of the organization itself).
    /// @param orgId The general branch or branch.
    /// @param name Its new public name (not empty).
    function renameOrganization(uint32 orgId, string calldata name) external;

    /// @notice Closes a general branch or branch for good: see the contract's notes for what closing stops.
    /// @dev Callable by governance or an org admin of an ancestor (not of the organization itself), once every general
    /// branch or branch under it is closed.
    /// @param orgId The general branch or branch.
    function closeOrganization(uint32 orgId) external;

    /// @notice Grants or withdraws a committee's approval power. Governance only.
    function setApprovalPower(uint32 orgId, bool mayApprove) external;

    /// @notice Gives an account a role in an open organization.
    /// @dev Callable by governance or an org admin of the organization or one of its ancestors.
    function grantRole(uint32 orgId, address account, Role role) external;

    /// @notice Takes a role from an account.
    /// @dev Callable by governance or an org admin of the organization or one of its ancestors.
    function revokeRole(uint32 orgId, address account, Role role) external;

    /// @notice Publishes the URL where the committee's cunzheng instance answers other institutions (e.g. for a
    /// transfer's member file); an empty url withdraws it. A public institutional fact, never personal data.
    /// @dev Callable by governance or an org admin of the committee.
    function setServiceEndpoint(uint32 committeeId, string calldata url) external;

    /// @notice The committee's published instance URL, or "" when none.
    function serviceEndpoint(uint32 committeeId) external view returns (string memory);

    /// @notice Stops every ledger write of the consortium. Governance only.
    function pause() external;

    /// @notice Resumes ledger writes. Governance only.
    function unpause() external;

    /// @notice The consortium's own organization id (always 1).
    function consortiumId() external view returns (uint32);

    /// @notice The number of organizations registered, which is also the highest id.
    function organizationCount() external view returns (uint32);

    /// @notice An organization's place in the tree.
    function organization(uint32 orgId) external view returns (Organization memory);

    /// @notice An organization's public name (its latest, after a rename).
    function organizationName(uint32 orgId) external view returns (string memory);

    /// @notice Whether the organization has been closed.
    function isClosed(uint32 orgId) external view returns (bool);

    /// @notice Whether `ancestorId` is `orgId` itself or one of its ancestors.
    function isSelfOrAncestor(uint32 ancestorId, uint32 orgId) external view returns (bool);

    /// @notice The committee with approval power above (or at) an organization, or 0 if it has none or the organization
    /// is closed (nothing is approved for it or transferred into it any more).
    function approvingCommitteeOf(uint32 orgId) external view returns (uint32);

    /// @notice Whether `account` may administer `orgId`: governance, or an org admin of the organization or one of
    /// its ancestors (the test every admin-only function of the registry applies).
    function isAdmin(uint32 orgId, address account) external view returns (bool);

    /// @notice Whether an account holds a role now.
    function hasRole(uint32 orgId, address account, Role role) external view returns (bool);

    /// @notice Whether an account held a role at the end of a past or current block.
    /// @dev Answers from the role's key history, so a verifier can check a signature made at that block.
    function hasRoleAt(uint32 orgId, address account, Role role, uint256 blockNumber) external view returns (bool);

    /// @notice Whether the consortium is paused and whether `account` may write records for `orgId`: it is an
    /// attester of the organization or of an ancestor up to the organization's committee, and the organization is
    /// open. One call per ledger write.
    function attestScope(uint32 orgId, address account) external view returns (bool paused, bool canAttest);

    /// @notice Whether the consortium is paused, the committee with approval power above (or at) `orgId`
    /// (0 if none, or if `orgId` is closed), and whether `account` is an attester of that committee. One call per approval.
    function approveScope(
        uint32 orgId,
        address account
    ) external view returns (bool paused, uint32 approvingCommitteeId, bool canApprove);
}
