import { randomUUID } from "node:crypto";
import type { EntityManager } from "typeorm";
import { ACTIVE_PERSON_INDEX, ActivePersonExistsError } from "../errors";
import type { ChainCall } from "./outbox";
import type { NewMember } from "./members";
import type { NewRecord } from "./records";
import { violatedUniqueConstraint } from "./shared";

/** One member of a roster import with its archival records (in chain order) and what goes to the chain for them. */
export interface ImportedMember {
  member: NewMember;
  /** Records as the records repository takes them, less their member id (not yet assigned), a supersession (an
   * archival record has none) and the author (given once per batch to insert). */
  records: (Omit<NewRecord, "memberId" | "supersedesRecordId" | "reasonCode" | "createdBy"> & {
    findings: { rule: string; message: string }[];
  })[];
  /** The one call that anchors all the member's records; its outbox item names the last (head) record. */
  chainCall: ChainCall;
}

/**
 * Bulk writes of a roster import: many members per statement (arrays unnested server-side, so one statement carries
 * thousands of rows whatever the parameter limit). Runs in the caller's transaction: a batch commits whole or not at all.
 */
export class RosterImportRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Which of these ID-number blind indexes an active member already has. */
  async activeIdNumberIndexes(indexes: readonly string[]): Promise<Set<string>> {
    if (indexes.length === 0) return new Set();
    const rows: { id_number_index: string }[] = await this.manager.query(
      "SELECT id_number_index FROM members WHERE status = 'ACTIVE' AND id_number_index = ANY($1::text[])",
      [indexes],
    );
    return new Set(rows.map((row) => row.id_number_index));
  }

  /**
   * Inserts the members, their records (log positions in the given order), findings and one outbox item per member.
   * @returns the members' ids in order, and each record's log position by its hash.
   * @throws ActivePersonExistsError when an active member with one of the ID numbers exists (a concurrent import).
   */
  async insert(batch: readonly ImportedMember[], createdBy: string): Promise<{ memberIds: string[]; recordIds: Map<string, number> }> {
    if (batch.length === 0) return { memberIds: [], recordIds: new Map() };
    const memberIds = batch.map(() => randomUUID());
    try {
      await this.manager.query(
        // A member's name tokens travel as one space-separated string (tokens are hex): unnest cannot take an array per row.
        `INSERT INTO members (id, member_key, org_id, stage, personal_data, id_number_index, staff_number_index, name_tokens)
         SELECT id, member_key, org_id, stage, decode(personal_data, 'base64'), id_number_index, staff_number_index, string_to_array(name_tokens, ' ')
           FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
             AS m (id, member_key, org_id, stage, personal_data, id_number_index, staff_number_index, name_tokens)`,
        [
          memberIds,
          batch.map(({ member }) => member.memberKey),
          batch.map(({ member }) => member.orgId),
          batch.map(({ member }) => member.stage),
          batch.map(({ member }) => Buffer.from(member.personalData).toString("base64")),
          batch.map(({ member }) => member.idNumberIndex),
          batch.map(({ member }) => member.staffNumberIndex ?? null),
          batch.map(({ member }) => member.nameTokens?.join(" ") ?? null),
        ],
      );
    } catch (error) {
      if (violatedUniqueConstraint(error) === ACTIVE_PERSON_INDEX) throw new ActivePersonExistsError();
      throw error;
    }

    const records = batch.flatMap(({ records: memberRecords }, index) =>
      memberRecords.map((record) => ({ ...record, memberId: memberIds[index] })),
    );
    const inserted: { id: string; record_hash: string }[] = await this.manager.query(
      `INSERT INTO records (member_id, sequence, step, rule_version, record_hash, prev_hash, effective_date, body, created_by)
       SELECT member_id, sequence, step, rule_version, record_hash, prev_hash, effective_date, decode(body, 'base64'), $9
         FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[], $8::text[])
           WITH ORDINALITY AS r (member_id, sequence, step, rule_version, record_hash, prev_hash, effective_date, body, position)
        ORDER BY position
       RETURNING id, record_hash`,
      [
        records.map((record) => record.memberId),
        records.map((record) => record.sequence),
        records.map((record) => record.step),
        records.map((record) => record.ruleVersion),
        records.map((record) => record.recordHash),
        records.map((record) => record.prevHash),
        records.map((record) => record.effectiveDate),
        records.map((record) => Buffer.from(record.body).toString("base64")),
        createdBy,
      ],
    );
    const idOf = new Map(inserted.map((row) => [row.record_hash, Number(row.id)]));

    const findings = records.flatMap((record) =>
      record.findings.map((finding) => ({ ...finding, recordId: idOf.get(record.recordHash)! })),
    );
    if (findings.length > 0) {
      await this.manager.query(
        `INSERT INTO findings (record_id, rule, message) SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[])`,
        [findings.map((finding) => finding.recordId), findings.map((finding) => finding.rule), findings.map((finding) => finding.message)],
      );
    }

    await this.manager.query(
      `INSERT INTO outbox (kind, subject, contract, method, args, record_id)
       SELECT 'RECORD', subject, contract, method, args::jsonb, record_id
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[]) WITH ORDINALITY
           AS o (subject, contract, method, args, record_id, position)
        ORDER BY position`,
      [
        batch.map(({ member }) => member.memberKey),
        batch.map(({ chainCall }) => chainCall.contract),
        batch.map(({ chainCall }) => chainCall.method),
        batch.map(({ chainCall }) => JSON.stringify(chainCall.args)),
        batch.map(({ records: memberRecords }) => idOf.get(memberRecords.at(-1)!.recordHash)!),
      ],
    );
    return { memberIds, recordIds: idOf };
  }
}
