export { createDataSource, dropSchema, type DataSourceConfig } from "./data-source";
export {
  ActivePersonExistsError,
  DuplicateError,
  InvalidCursorError,
  isDatabaseUnavailable,
  OpenTransferExistsError,
  RecordSequenceConflictError,
  TransferStateConflictError,
  TransferTransitionError,
  UnknownMemberError,
} from "./errors";
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type PageRequest } from "./pagination";
export { createRepositories, withTransaction, type Repositories } from "./repositories";
export type { AccountChanges, AccountsRepository, NewAccount } from "./repositories/accounts";
export type { NewAuditEntry } from "./repositories/audit-log";
export type { NewEvidence } from "./repositories/evidence";
export type { NewFinding } from "./repositories/findings";
export type { MemberChanges, MemberFilter, NewMember, NextDueUpdate, StageStatusCount, StoredNextDue } from "./repositories/members";
export type { NewRecord } from "./repositories/records";
export type { ImportedMember } from "./repositories/roster-import";
export type {
  ChainCall,
  FailedWrite,
  NewOutboxItem,
  OutboxContract,
  OutboxError,
  OutboxItem,
  OutboxKind,
  OutboxState,
  RecordAnchor,
} from "./repositories/outbox";
export type { ChainTransaction, ChainTransactionState } from "./repositories/chain-transactions";
export type { StoredCheckpoint } from "./repositories/checkpoints";
export type { IssuedBetween, NewTransfer, StateChange } from "./repositories/transfers";
export * from "./types";
