import "reflect-metadata";
import { Column, Entity, PrimaryColumn, type ValueTransformer } from "typeorm";
import type { ChainRefusal } from "./types";
import type { AccountRole, MemberStage, MemberStatus, OrgKind, TransferKind, TransferState } from "../domain/vocabulary";

/**
 * TypeORM mappings of the tables created by the migrations (the migrations, not these classes, define the
 * schema: `synchronize` is never used). Repositories turn these into the plain objects of ./types.
 */

/** pg returns int8 as a string; every bigint here (org ids, log positions) fits a JavaScript number. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

@Entity({ name: "organizations" })
export class OrganizationEntity {
  @PrimaryColumn({ type: "bigint", transformer: bigintAsNumber })
  id!: number;

  @Column({ name: "parent_id", type: "bigint", nullable: true, transformer: bigintAsNumber })
  parentId!: number | null;

  @Column({ type: "text" })
  kind!: OrgKind;

  @Column({ type: "text" })
  name!: string;

  @Column({ name: "may_approve", type: "boolean" })
  mayApprove!: boolean;

  @Column({ name: "service_endpoint", type: "text", nullable: true })
  serviceEndpoint!: string | null;

  @Column({ type: "boolean" })
  closed!: boolean;
}

@Entity({ name: "accounts" })
export class AccountEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ type: "text" })
  username!: string;

  @Column({ name: "password_hash", type: "text" })
  passwordHash!: string;

  @Column({ type: "text" })
  role!: AccountRole;

  @Column({ name: "org_id", type: "bigint", transformer: bigintAsNumber })
  orgId!: number;

  @Column({ name: "can_read_personal_data", type: "boolean" })
  canReadPersonalData!: boolean;

  @Column({ name: "chain_address", type: "char", length: 42, nullable: true })
  chainAddress!: string | null;

  @Column({ type: "boolean" })
  disabled!: boolean;

  @Column({ name: "display_name", type: "text" })
  displayName!: string;

  @Column({ name: "must_change_password", type: "boolean" })
  mustChangePassword!: boolean;

  @Column({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt!: Date;
}

@Entity({ name: "sessions" })
export class SessionEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ name: "account_id", type: "uuid" })
  accountId!: string;

  @Column({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt!: Date;

  @Column({ name: "last_seen_at", type: "timestamptz", precision: 3 })
  lastSeenAt!: Date;

  @Column({ name: "ended_at", type: "timestamptz", precision: 3, nullable: true })
  endedAt!: Date | null;
}

@Entity({ name: "members" })
export class MemberEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ name: "member_key", type: "char", length: 66 })
  memberKey!: string;

  @Column({ name: "org_id", type: "bigint", transformer: bigintAsNumber })
  orgId!: number;

  @Column({ type: "text" })
  stage!: MemberStage;

  @Column({ type: "text" })
  status!: MemberStatus;

  @Column({ name: "personal_data", type: "bytea" })
  personalData!: Buffer;

  @Column({ name: "id_number_index", type: "text", nullable: true })
  idNumberIndex!: string | null;

  @Column({ name: "departed_record_count", type: "integer", nullable: true })
  departedRecordCount!: number | null;

  @Column({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz", precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: "records" })
export class RecordEntity {
  /** Assigned by the records_log_position trigger. */
  @PrimaryColumn({ type: "bigint", transformer: bigintAsNumber })
  id!: number;

  @Column({ name: "member_id", type: "uuid" })
  memberId!: string;

  @Column({ type: "integer" })
  sequence!: number;

  @Column({ type: "text" })
  step!: string;

  @Column({ name: "rule_version", type: "text" })
  ruleVersion!: string;

  @Column({ name: "record_hash", type: "char", length: 66 })
  recordHash!: string;

  @Column({ name: "prev_hash", type: "char", length: 66, nullable: true })
  prevHash!: string | null;

  /** TypeORM hydrates a date column as "YYYY-MM-DD". */
  @Column({ name: "effective_date", type: "date" })
  effectiveDate!: string;

  @Column({ type: "bytea" })
  body!: Buffer;

  @Column({ name: "supersedes_record_id", type: "bigint", nullable: true, transformer: bigintAsNumber })
  supersedesRecordId!: number | null;

  @Column({ name: "reason_code", type: "text", nullable: true })
  reasonCode!: string | null;

  @Column({ name: "created_by", type: "uuid" })
  createdBy!: string;

  @Column({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt!: Date;
}

@Entity({ name: "evidence" })
export class EvidenceEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ type: "char", length: 66 })
  sha256!: string;

  @Column({ name: "content_type", type: "text" })
  contentType!: string;

  @Column({ type: "integer" })
  size!: number;

  @Column({ type: "bytea", select: false })
  content!: Buffer;

  @Column({ name: "uploaded_by", type: "uuid" })
  uploadedBy!: string;

  @Column({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt!: Date;
}

@Entity({ name: "findings" })
export class FindingEntity {
  /** From the findings_id_seq sequence (bigserial). */
  @PrimaryColumn({ type: "bigint", transformer: bigintAsNumber })
  id!: number;

  @Column({ name: "record_id", type: "bigint", transformer: bigintAsNumber })
  recordId!: number;

  @Column({ type: "text" })
  rule!: string;

  @Column({ type: "text" })
  message!: string;

  @Column({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt!: Date;
}

@Entity({ name: "transfers" })
export class TransferEntity {
  @PrimaryColumn({ type: "char", length: 66 })
  id!: string;

  @Column({ name: "member_key", type: "char", length: 66 })
  memberKey!: string;

  @Column({ name: "member_id", type: "uuid", nullable: true })
  memberId!: string | null;

  @Column({ type: "text" })
  kind!: TransferKind;

  @Column({ name: "from_org_id", type: "bigint", transformer: bigintAsNumber })
  fromOrgId!: number;

  @Column({ name: "to_org_id", type: "bigint", nullable: true, transformer: bigintAsNumber })
  toOrgId!: number | null;

  @Column({ name: "destination_hash", type: "char", length: 66, nullable: true })
  destinationHash!: string | null;

  @Column({ type: "bytea", nullable: true })
  destination!: Buffer | null;

  @Column({ type: "text" })
  state!: TransferState;

  @Column({ name: "valid_until", type: "timestamptz", precision: 3 })
  validUntil!: Date;

  @Column({ name: "letter_hash", type: "char", length: 66 })
  letterHash!: string;

  @Column({ name: "letter_number", type: "char", length: 15, nullable: true })
  letterNumber!: string | null;

  @Column({ name: "holder_salt", type: "char", length: 12, nullable: true })
  holderSalt!: string | null;

  @Column({ name: "holder_hash", type: "char", length: 66, nullable: true })
  holderHash!: string | null;

  @Column({ type: "char", length: 66, nullable: true })
  replaces!: string | null;

  @Column({ name: "reason_code", type: "text", nullable: true })
  reasonCode!: string | null;

  @Column({ name: "receipt_hash", type: "char", length: 66, nullable: true })
  receiptHash!: string | null;

  @Column({ name: "created_by", type: "uuid", nullable: true })
  createdBy!: string | null;

  @Column({ name: "issued_here", type: "boolean" })
  issuedHere!: boolean;

  @Column({ name: "accepted_by", type: "uuid", nullable: true })
  acceptedBy!: string | null;

  @Column({ name: "acceptance_refusal", type: "jsonb", nullable: true })
  acceptanceRefusal!: ChainRefusal | null;

  @Column({ name: "created_at", type: "timestamptz", precision: 3 })
  createdAt!: Date;

  @Column({ name: "updated_at", type: "timestamptz", precision: 3 })
  updatedAt!: Date;
}

@Entity({ name: "audit_log" })
export class AuditEntryEntity {
  /** From the audit_log_id_seq sequence (bigserial). */
  @PrimaryColumn({ type: "bigint", transformer: bigintAsNumber })
  id!: number;

  @Column({ type: "timestamptz", precision: 3 })
  at!: Date;

  @Column({ name: "account_id", type: "uuid", nullable: true })
  accountId!: string | null;

  @Column({ name: "org_id", type: "bigint", nullable: true, transformer: bigintAsNumber })
  orgId!: number | null;

  @Column({ type: "text" })
  action!: string;

  @Column({ name: "target_type", type: "text", nullable: true })
  targetType!: string | null;

  @Column({ name: "target_id", type: "text", nullable: true })
  targetId!: string | null;

  @Column({ type: "jsonb" })
  details!: Record<string, unknown>;
}

export const ENTITIES = [
  OrganizationEntity,
  AccountEntity,
  SessionEntity,
  MemberEntity,
  RecordEntity,
  EvidenceEntity,
  FindingEntity,
  TransferEntity,
  AuditEntryEntity,
];
