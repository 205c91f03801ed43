// What an insider with SQL access does behind the API's back (append-only triggers and foreign keys switched off, as a
// database owner can), shared by the tamper suites of the audit sweep and of POST /api/verify.
import type { EntityManager } from "typeorm";
import type { ChainedAuditEntry } from "../../api/src/data-access/repositories/audit-log";
import { recordContext, sealRecordBody } from "../../api/src/domain/membership/history";
import { adminLogEntryHash } from "../../api/src/lib/admin-log";
import { canonicalize } from "../../api/src/lib/canonical-json";
import { newSalt, recordHash, type RecordBody } from "../../api/src/lib/record-hash";
import type { AnchoredInstance } from "./anchored";

export interface Journey {
  memberKey: string;
  /** Record ids in sequence order. */
  ids: number[];
}

/** Three members in branch A, each anchored and checkpointed before the next: checkpoints of 26, 38 and 43 records. */
export async function threeJourneys(instance: AnchoredInstance): Promise<Journey[]> {
  const journeys: Journey[] = [];
  for (const upTo of ["S25", "S11", "S5"]) {
    const memberId = await instance.walk(upTo);
    await instance.anchorAll();
    const member = (await instance.database.repositories.members.get(memberId))!;
    const records = await instance.database.repositories.records.listByMember(memberId);
    journeys.push({ memberKey: member.memberKey, ids: records.map((record) => record.id) });
  }
  return journeys;
}

/** Runs `work` as a database owner would: in one transaction, with triggers and foreign keys not enforced. */
export async function asInsider(instance: AnchoredInstance, work: (sql: EntityManager["query"]) => Promise<unknown>): Promise<void> {
  await instance.database.dataSource.transaction(async (manager) => {
    await manager.query("SET LOCAL session_replication_role = replica");
    await work((query, parameters) => manager.query(query, parameters));
  });
}

/** Rewrites entry `index`'s details and recomputes every hash from it on, as an insider covering the edit would. */
export async function rewriteAdminLog(
  instance: AnchoredInstance,
  entries: readonly ChainedAuditEntry[],
  index: number,
  details: Record<string, unknown>,
): Promise<void> {
  await asInsider(instance, async (sql) => {
    let prevHash = entries[index].prevHash;
    for (const entry of entries.slice(index)) {
      const content = {
        at: entry.at.toISOString(),
        accountId: entry.accountId,
        orgId: entry.orgId,
        action: entry.action,
        targetType: entry.targetType,
        targetId: entry.targetId,
        details: entry === entries[index] ? details : entry.details,
        prevHash,
      };
      const entryHash = adminLogEntryHash(content);
      await sql("UPDATE audit_log SET details = $2, prev_hash = $3, entry_hash = $4 WHERE id = $1", [
        entry.id,
        JSON.stringify(content.details),
        prevHash,
        entryHash,
      ]);
      prevHash = entryHash;
    }
  });
}

export async function bodyOf(instance: AnchoredInstance, id: number): Promise<RecordBody> {
  const record = (await instance.database.repositories.records.get(id))!;
  return JSON.parse(instance.institution.cipher.decrypt(Buffer.from(record.body).toString("utf8"), recordContext(record.recordHash)));
}

export function sealed(instance: AnchoredInstance, hash: string, body: RecordBody): Buffer {
  return Buffer.from(sealRecordBody(instance.institution, hash, canonicalize(body)));
}

/** Moves a record to another log position, with the rows that point at it. */
export async function moveRecord(sql: EntityManager["query"], from: number, to: number): Promise<void> {
  await sql("UPDATE records SET id = $2 WHERE id = $1", [from, to]);
  await sql("UPDATE findings SET record_id = $2 WHERE record_id = $1", [from, to]);
  await sql("UPDATE outbox SET record_id = $2 WHERE record_id = $1", [from, to]);
}

export async function swapRecords(sql: EntityManager["query"], a: number, b: number): Promise<void> {
  await moveRecord(sql, a, -a);
  await moveRecord(sql, b, a);
  await moveRecord(sql, -a, b);
}

/** A well-formed record a member never had: the next in its chain, sealed like any other. */
export async function forgedRecord(instance: AnchoredInstance, journey: Journey, step: string) {
  const head = (await instance.database.repositories.records.get(journey.ids.at(-1)!))!;
  const body: RecordBody = {
    ...(await bodyOf(instance, head.id)),
    step,
    sequence: head.sequence + 1,
    prevHash: head.recordHash,
    fields: { assessment: "表现良好" },
    supersedes: null,
    salt: newSalt(),
  };
  return { body, hash: recordHash(body), head };
}

export async function insertForged(
  sql: EntityManager["query"],
  id: number,
  forged: Awaited<ReturnType<typeof forgedRecord>>,
  sealedBody: Buffer,
) {
  const { body, hash, head } = forged;
  await sql(
    `INSERT INTO records (id, member_id, sequence, step, rule_version, record_hash, prev_hash, effective_date, body, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, head.memberId, body.sequence, body.step, body.ruleVersion, hash, body.prevHash, body.effectiveDate, sealedBody, head.createdBy],
  );
}

/** What an insider deleting a record would delete with it: its findings and outbox row refer to it. */
export async function deleteAsInsider(target: AnchoredInstance, id: number): Promise<void> {
  await asInsider(target, async (sql) => {
    await sql("DELETE FROM findings WHERE record_id = $1", [id]);
    await sql("DELETE FROM outbox WHERE record_id = $1", [id]);
    await sql("DELETE FROM records WHERE id = $1", [id]);
  });
}
