/**
 * The plain objects the repositories return. The domain imports these types, never TypeORM entities,
 * so this file imports nothing from typeorm.
 *
 * Columns marked "encrypted" hold ciphertext produced by the field-encryption helper in api/src/lib:
 * the data tier stores and returns the bytes unchanged and never sees plaintext.
 */

export const ORG_KINDS = ["CONSORTIUM", "COMMITTEE", "GENERAL_BRANCH", "BRANCH"] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

export const ACCOUNT_ROLES = ["ORG_ADMIN", "CLERK", "APPROVER", "AUDITOR"] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** IMembershipLedger.Stage without `None`. */
export const MEMBER_STAGES = ["APPLICANT", "ACTIVIST", "CANDIDATE", "PROBATIONARY", "FULL", "CANCELLED"] as const;
export type MemberStage = (typeof MEMBER_STAGES)[number];

export const MEMBER_STATUSES = ["ACTIVE", "TRANSFERRED_OUT"] as const;
export type MemberStatus = (typeof MEMBER_STATUSES)[number];

export const TRANSFER_KINDS = ["MEMBERSHIP", "MATERIALS"] as const;
export type TransferKind = (typeof TRANSFER_KINDS)[number];

export const TRANSFER_STATES = ["ISSUED", "ACCEPTED", "REJECTED", "CANCELLED", "EXPIRED"] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

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
  createdAt: Date;
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
  /** The transfer this one reissues. */
  replaces: Hex32 | null;
  reasonCode: string | null;
  receiptHash: Hex32 | null;
  /** The account that issued it here; null for an incoming transfer, which the event indexer created from the chain. */
  createdBy: string | null;
  /** False for a transfer another institution issued to one of this instance's organizations. */
  issuedHere: boolean;
  createdAt: Date;
  updatedAt: Date;
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
