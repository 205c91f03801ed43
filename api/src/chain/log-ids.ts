// CheckpointLog's log ids (contracts/interfaces/ICheckpointLog.sol): an organization's record log is its id, its
// administrative log the same id with the top bit set, as the contract's adminLogId computes it.
const ADMIN_LOG_FLAG = 2 ** 31;

/** The CheckpointLog id of organization `orgId`'s administrative log. */
export function adminLogIdOf(orgId: number): number {
  if (!Number.isInteger(orgId) || orgId < 1 || orgId >= ADMIN_LOG_FLAG)
    throw new RangeError(`organization id ${orgId} has no administrative log`);
  return orgId + ADMIN_LOG_FLAG;
}
