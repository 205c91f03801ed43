import type { DataSource, EntityManager } from "typeorm";
import { AccountsRepository } from "./accounts";
import { AuditLogRepository } from "./audit-log";
import { ChainIndexRepository } from "./chain-index";
import { ChainTransactionsRepository } from "./chain-transactions";
import { CheckpointsRepository } from "./checkpoints";
import { EvidenceRepository } from "./evidence";
import { FindingsRepository } from "./findings";
import { IncomingFilesRepository } from "./incoming-files";
import { LogScanRepository } from "./log-scan";
import { MembersRepository } from "./members";
import { OrganizationsRepository } from "./organizations";
import { OutboxRepository } from "./outbox";
import { RecordImportsRepository } from "./record-imports";
import { RecordsRepository } from "./records";
import { TransfersRepository } from "./transfers";

export interface Repositories {
  organizations: OrganizationsRepository;
  accounts: AccountsRepository;
  members: MembersRepository;
  records: RecordsRepository;
  evidence: EvidenceRepository;
  findings: FindingsRepository;
  transfers: TransfersRepository;
  auditLog: AuditLogRepository;
  outbox: OutboxRepository;
  chainTransactions: ChainTransactionsRepository;
  checkpoints: CheckpointsRepository;
  logScan: LogScanRepository;
  incomingFiles: IncomingFilesRepository;
  recordImports: RecordImportsRepository;
  chainIndex: ChainIndexRepository;
}

/**
 * Repositories working through `manager`: `dataSource.manager` for autocommit work, or a transaction's manager
 * (see withTransaction) so that everything they write commits or rolls back together.
 */
export function createRepositories(manager: EntityManager): Repositories {
  return {
    organizations: new OrganizationsRepository(manager),
    accounts: new AccountsRepository(manager),
    members: new MembersRepository(manager),
    records: new RecordsRepository(manager),
    evidence: new EvidenceRepository(manager),
    findings: new FindingsRepository(manager),
    transfers: new TransfersRepository(manager),
    auditLog: new AuditLogRepository(manager),
    outbox: new OutboxRepository(manager),
    chainTransactions: new ChainTransactionsRepository(manager),
    checkpoints: new CheckpointsRepository(manager),
    logScan: new LogScanRepository(manager),
    incomingFiles: new IncomingFilesRepository(manager),
    recordImports: new RecordImportsRepository(manager),
    chainIndex: new ChainIndexRepository(manager),
  };
}

/**
 * Runs `work` in one transaction (READ COMMITTED), e.g. a record, its findings and the audit entry: all are
 * written or none. Use only the repositories passed in: on PGlite, a query through another manager would wait for
 * the session this transaction holds.
 */
export async function withTransaction<T>(
  dataSource: DataSource,
  work: (repositories: Repositories, manager: EntityManager) => Promise<T>
): Promise<T> {
  return dataSource.transaction((manager) => work(createRepositories(manager), manager));
}
