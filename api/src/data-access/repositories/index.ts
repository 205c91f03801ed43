import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError, type DataSource, type EntityManager } from "typeorm";
import { AccountsRepository } from "./accounts";
import { AdminLogCheckpointsRepository } from "./admin-log-checkpoints";
import { AuditLogRepository } from "./audit-log";
import { ChainIndexRepository } from "./chain-index";
import { ChainTransactionsRepository } from "./chain-transactions";
import { CheckpointsRepository } from "./checkpoints";
import { EvidenceRepository } from "./evidence";
import { FindingsRepository } from "./findings";
import { IncomingFilesRepository } from "./incoming-files";
import { InstanceScanRepository } from "./instance-scan";
import { LogScanRepository } from "./log-scan";
import { MembersRepository } from "./members";
import { OrganizationsRepository } from "./organizations";
import { OutboxRepository } from "./outbox";
import { PersonalDataHistoryRepository } from "./personal-data-history";
import { RecordImportsRepository } from "./record-imports";
import { RecordsRepository } from "./records";
import { RequestNoncesRepository } from "./request-nonces";
import { RosterImportRepository } from "./roster-import";
import { SessionsRepository } from "./sessions";
import { TransfersRepository } from "./transfers";
import { WriteReceiptsRepository } from "./write-receipts";

export interface Repositories {
  organizations: OrganizationsRepository;
  accounts: AccountsRepository;
  sessions: SessionsRepository;
  members: MembersRepository;
  personalDataHistory: PersonalDataHistoryRepository;
  records: RecordsRepository;
  evidence: EvidenceRepository;
  findings: FindingsRepository;
  transfers: TransfersRepository;
  auditLog: AuditLogRepository;
  outbox: OutboxRepository;
  chainTransactions: ChainTransactionsRepository;
  checkpoints: CheckpointsRepository;
  adminLogCheckpoints: AdminLogCheckpointsRepository;
  logScan: LogScanRepository;
  instanceScan: InstanceScanRepository;
  incomingFiles: IncomingFilesRepository;
  recordImports: RecordImportsRepository;
  chainIndex: ChainIndexRepository;
  writeReceipts: WriteReceiptsRepository;
  requestNonces: RequestNoncesRepository;
  rosterImport: RosterImportRepository;
}

/**
 * Repositories working through `manager`: `dataSource.manager` for autocommit work, or a transaction's manager
 * (see withTransaction) so that everything they write commits or rolls back together.
 */
export function createRepositories(manager: EntityManager): Repositories {
  return {
    organizations: new OrganizationsRepository(manager),
    accounts: new AccountsRepository(manager),
    sessions: new SessionsRepository(manager),
    members: new MembersRepository(manager),
    personalDataHistory: new PersonalDataHistoryRepository(manager),
    records: new RecordsRepository(manager),
    evidence: new EvidenceRepository(manager),
    findings: new FindingsRepository(manager),
    transfers: new TransfersRepository(manager),
    auditLog: new AuditLogRepository(manager),
    outbox: new OutboxRepository(manager),
    chainTransactions: new ChainTransactionsRepository(manager),
    checkpoints: new CheckpointsRepository(manager),
    adminLogCheckpoints: new AdminLogCheckpointsRepository(manager),
    logScan: new LogScanRepository(manager),
    instanceScan: new InstanceScanRepository(manager),
    incomingFiles: new IncomingFilesRepository(manager),
    recordImports: new RecordImportsRepository(manager),
    chainIndex: new ChainIndexRepository(manager),
    writeReceipts: new WriteReceiptsRepository(manager),
    requestNonces: new RequestNoncesRepository(manager),
    rosterImport: new RosterImportRepository(manager),
  };
}

/**
 * Runs `work` in one transaction (READ COMMITTED), e.g. a record, its findings and the audit entry: all are
 * written or none. Use only the repositories passed in: on PGlite, a query through another manager would wait for
 * the session this transaction holds.
 */
export async function withTransaction<T>(
  dataSource: DataSource,
  work: (repositories: Repositories, manager: EntityManager) => Promise<T>,
): Promise<T> {
  const queryRunner = dataSource.createQueryRunner();
  // The server may cut the connection between two statements (an outage, a restart): TypeORM then releases the query
  // runner, and the next statement (or the COMMIT, never sent) fails with "already released" instead of the cut. Keep
  // the cut to report it: the caller sees an outage, not a bug.
  let cut: unknown;
  const onCut = (error: Error) => (cut = error);
  let connection: ConnectionEvents | undefined;
  try {
    connection = (await queryRunner.connect()) as ConnectionEvents;
    connection.on("error", onCut);
    return await queryRunner.manager.transaction((manager) => work(createRepositories(manager), manager));
  } catch (error) {
    const released = error instanceof QueryRunnerProviderAlreadyReleasedError || error instanceof QueryRunnerAlreadyReleasedError;
    throw cut !== undefined && released ? cut : error;
  } finally {
    connection?.removeListener("error", onCut);
    await queryRunner.release();
  }
}

/** The part of the driver's connection (a node-postgres Client) that reports it being cut. */
interface ConnectionEvents {
  on(event: "error", listener: (error: Error) => void): void;
  removeListener(event: "error", listener: (error: Error) => void): void;
}
