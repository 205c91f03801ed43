/**
 * The plain objects the repositories return. The domain imports these types, never TypeORM entities,
 * so this file imports nothing from typeorm.
 *
 * Columns marked "encrypted" hold ciphertext produced by the field-encryption helper in api/src/lib:
 * the data tier stores and returns the bytes unchanged and never sees plaintext. The words it stores (roles, stages,
 * transfer states) are the domain's vocabulary (api/src/domain/vocabulary.ts).
 */

import type { AccountRole, MemberStage, MemberStatus, OrgKind, TransferKind, TransferState } from "../domain/vocabulary";

/** 0x-prefixed lowercase hex of 32 bytes: member keys, record hashes, transfer ids, SHA-256 digests. */
export type Hex32 = string;

export interface Organization {
  /** The OrgRegistry id on chain. */
  id: number;
  parentId: number | null;
  kind: OrgKind;
  name: string;
  mayApprove: boolean;
  /** A committee's instance URL as the registry publishes it (OrgRegistry.serviceEndpoint); null when unset. */
  serviceEndpoint: string | null;
  /** Closed on chain (OrgRegistry.isClosed): kept for its history, offered for nothing new. */
  closed: boolean;
}

export interface Account {
  id: string;
  username: string;
  passwordHash: string;
  role: AccountRole;
  orgId: number;
  canReadPersonalData: boolean;
  /** The account's signing address on chain, when it signs transactions itself. */
  chainAddress: string | null;
  disabled: boolean;
  /** How colleagues know the person; staff, not members, so not sealed. */
  displayName: string;
  /** Set by a one-time password (a new account, a reset): the account may do nothing but choose its own. */
  mustChangePassword: boolean;
  createdAt: Date;
}

export interface Session {
  id: string;
  accountId: string;
  createdAt: Date;
  lastSeenAt: Date;
  endedAt: Date | null;
}

export interface Member {
  id: string;
  memberKey: Hex32;
  orgId: number;
  stage: MemberStage;
  status: MemberStatus;
  /** Encrypted personal data (name, ID number, birth date, gender, phone…). */
  personalData: Uint8Array;
  /** Keyed hash (HMAC) of the ID number, for lookup without decrypting. */
  idNumberIndex: string | null;
  /** Set when the member left through an accepted transfer: how many records of its chain this institution wrote. */
  departedRecordCount?: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface StoredRecord {
  /** Position in the institution's append-only log: 1, 2, 3… without gaps, in commit order. */
  id: number;
  memberId: string;
  /** Position in the member's hash chain, from 1. */
  sequence: number;
  step: string;
  ruleVersion: string;
  recordHash: Hex32;
  prevHash: Hex32 | null;
  /** Calendar date "YYYY-MM-DD". */
  effectiveDate: string;
  /** Encrypted canonical record body (the bytes whose plaintext is hashed into recordHash). */
  body: Uint8Array;
  supersedesRecordId: number | null;
  reasonCode: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface EvidenceMeta {
  id: string;
  sha256: Hex32;
  contentType: string;
  size: number;
  uploadedBy: string;
  createdAt: Date;
}

export interface Evidence extends EvidenceMeta {
  /** Encrypted file content. */
  content: Uint8Array;
}

export interface Finding {
  id: number;
  recordId: number;
  rule: string;
  message: string;
  createdAt: Date;
}

export interface Transfer {
  /** The on-chain transferId. */
  id: Hex32;
  /** The member's chain identity; known before the member's file exists at the receiving institution. */
  memberKey: Hex32;
  /** The local member, once this institution holds the member's file. */
  memberId: string | null;
  kind: TransferKind;
  fromOrgId: number;
  /** Destination inside the consortium; null for an exported transfer. */
  toOrgId: number | null;
  /** For an exported transfer, the hash identifying the outside destination on chain. */
  destinationHash: Hex32 | null;
  /** For an exported transfer, the encrypted description of the outside destination. */
  destination: Uint8Array | null;
  state: TransferState;
  validUntil: Date;
  letterHash: Hex32;
  /** The printed letter's 编号 (the transfer id is computed from it); null for a transfer issued elsewhere. */
  letterNumber: string | null;
  /** The 核验码 printed on the letter, salting the holder commitment. */
  holderSalt: string | null;
  /** The salted commitment to the holder's name and ID digits that the letter's hash covers. */
  holderHash: Hex32 | null;
  /** The transfer this one reissues. */
  replaces: Hex32 | null;
  reasonCode: string | null;
  receiptHash: Hex32 | null;
  /** The account that issued it here; null for an incoming transfer, which the event indexer created from the chain. */
  createdBy: string | null;
  /** False for a transfer another institution issued to one of this instance's organizations. */
  issuedHere: boolean;
  /** The account that accepted an incoming transfer here: the imported records are entered in its name. */
  acceptedBy: string | null;
  /** Why the chain refused this instance's latest acceptance (kept for the clerk until the next one). */
  acceptanceRefusal: ChainRefusal | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A custom error the chain answered a write with: its name, arguments and a sentence naming both. */
export interface ChainRefusal {
  name: string;
  args: unknown[];
  message: string;
}

export interface AuditEntry {
  id: number;
  at: Date;
  accountId: string | null;
  orgId: number | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** Never personal data: ids, hashes, codes. */
  details: Record<string, unknown>;
}

/** One page of a keyset-paginated list; pass `nextCursor` back to get the following page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
