// The administrative log's hash chain (docs/formats.md, "Administrative log"): each entry's hash is the keccak256 of
// the canonical JSON of its content and the previous entry's hash, computed by the same function as a record hash.
import { canonicalKeccak, type Hex32 } from "./record-hash";

/** What an entry's hash covers: everything but its database id. */
export interface AdminLogContent {
  /** ISO 8601 with milliseconds, UTC. */
  at: string;
  accountId: string | null;
  orgId: number | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: Record<string, unknown>;
  /** The previous entry's hash; null for the first entry of the chain. */
  prevHash: string | null;
}

export function adminLogEntryHash(content: AdminLogContent): Hex32 {
  const { at, accountId, orgId, action, targetType, targetId, details, prevHash } = content;
  return canonicalKeccak({ version: 1, at, accountId, orgId, action, targetType, targetId, details, prevHash });
}
