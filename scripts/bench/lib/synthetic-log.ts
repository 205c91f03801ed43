// A large record log made directly, bypassing the API's per-record rules (a benchmark of reading the log, not of
// writing it): members in cohorts whose records interleave as enrolment waves do, each member with the first
// RECORDS_PER_MEMBER steps of the demo journey as valid version-1 bodies, salted, chained by prevHash, hashed by
// recordHash and sealed under the record's own context, bulk-inserted in log order.
import { randomUUID } from "node:crypto";
import type { Client } from "pg";
import type { ChainCall } from "../../../api/src/data-access";
import { recordChainCall } from "../../../api/src/domain/chain-writes";
import { recordContext } from "../../../api/src/domain/membership/history";
import { newMemberKey, personalDataContext } from "../../../api/src/domain/membership/members";
import { evaluateStep, loadRuleSet, type Evaluation, type HistoryRecord } from "../../../api/src/domain/rules";
import { canonicalize } from "../../../api/src/lib/canonical-json";
import { blindIndex, type FieldCipher } from "../../../api/src/lib/field-encryption";
import { newSalt, recordHash, type RecordBody } from "../../../api/src/lib/record-hash";
import { JOURNEY } from "../../../api/src/seed/journey";
import { benchPerson } from "./instance";
import type { MemberStage } from "../../../api/src/domain/vocabulary";

export const RECORDS_PER_MEMBER = 25;
/** Rows per INSERT: a few megabytes of bodies each. */
const ROWS_PER_INSERT = 5_000;

export interface LogContext {
  cipher: FieldCipher;
  blindIndexKey: string;
  ruleVersion: string;
  orgId: number;
  /** The account named as every record's author. */
  createdBy: string;
}

export interface SyntheticMember {
  id: string;
  memberKey: string;
}

export interface SyntheticRecord {
  /** Its log position, as the database will assign it. */
  id: number;
  memberKey: string;
  recordHash: string;
  /** What makes it its member's chain head on the ledger. */
  call: ChainCall;
}

export interface Cohort {
  members: SyntheticMember[];
  /** In log order. */
  records: SyntheticRecord[];
}

/** How far each member of a cohort has got: the first `records` steps of the journey, which put it at `stage`. */
export interface MemberProgress {
  records: number;
  stage: MemberStage;
}

const FULL_JOURNEY: MemberProgress = { records: RECORDS_PER_MEMBER, stage: "FULL" };

/**
 * What the rules engine says of each journey step, as the instance asks it when a record is written: the ledger call
 * (register, append, or the call that moves the member's stage) and its dates. Every member walks the same journey on
 * the same dates, so this is worked out once; with it each member's ledger entry ends at the stage its row says,
 * which the audit sweep checks.
 */
function journeyEvaluations(ruleVersion: string): Pick<Evaluation, "chainAction" | "dates">[] {
  const ruleSet = loadRuleSet(ruleVersion);
  const history: HistoryRecord[] = [];
  const lastDay = JOURNEY[JOURNEY.length - 1].effectiveDate;
  return JOURNEY.map(({ step, effectiveDate, fields }) => {
    const input = {
      step,
      effectiveDate,
      fields,
      history: [...history],
      member: {},
      facts: { approvingOrgMayApprove: true },
      today: lastDay,
    };
    history.push({ step, effectiveDate, fields });
    return evaluateStep(ruleSet, input);
  });
}

/**
 * `memberCount` members, whose records take positions firstId, firstId + 1, … (their first records, then their
 * seconds…). Every member has gone the whole journey unless `progressOf` says how far member `index` has got.
 */
export async function insertCohort(
  client: Client,
  context: LogContext,
  firstId: number,
  memberCount: number,
  progressOf: (index: number) => MemberProgress = () => FULL_JOURNEY,
): Promise<Cohort> {
  const members = Array.from({ length: memberCount }, (_, index) => ({
    id: randomUUID(),
    memberKey: newMemberKey(),
    ...progressOf(index),
  }));
  await insertMembers(client, context, members);
  const heads: (string | null)[] = members.map(() => null);
  const evaluations = journeyEvaluations(context.ruleVersion);
  const records: SyntheticRecord[] = [];
  let rows: RecordRow[] = [];
  const longest = Math.max(...members.map((member) => member.records));
  for (let sequence = 1; sequence <= longest; sequence += 1) {
    const { step, effectiveDate, fields } = JOURNEY[sequence - 1];
    members.forEach((member, index) => {
      if (sequence > member.records) return;
      const body: RecordBody = {
        version: 1,
        ruleVersion: context.ruleVersion,
        memberKey: member.memberKey,
        orgId: context.orgId,
        step,
        sequence,
        prevHash: heads[index],
        effectiveDate,
        fields: fields as RecordBody["fields"],
        evidence: [],
        supersedes: null,
        salt: newSalt(),
      };
      const hash = recordHash(body);
      const call = recordChainCall(body, hash, evaluations[sequence - 1]);
      records.push({ id: firstId + records.length, memberKey: member.memberKey, recordHash: hash, call });
      rows.push({
        memberId: member.id,
        body,
        recordHash: hash,
        sealed: Buffer.from(context.cipher.encrypt(canonicalize(body), recordContext(hash))),
      });
      heads[index] = hash;
    });
    if (rows.length > 0 && (rows.length >= ROWS_PER_INSERT || sequence === longest)) {
      await insertRecords(client, context, rows, records[records.length - rows.length].id);
      rows = [];
    }
  }
  return { members: members.map(({ id, memberKey }) => ({ id, memberKey })), records };
}

async function insertMembers(client: Client, context: LogContext, members: (SyntheticMember & MemberProgress)[]): Promise<void> {
  const sealed = members.map((member) => {
    const person = benchPerson();
    return {
      personalData: Buffer.from(context.cipher.encryptJson(person, personalDataContext(member.memberKey, context.orgId))),
      index: blindIndex(context.blindIndexKey, person.idNumber),
    };
  });
  await client.query(
    `INSERT INTO members (id, member_key, org_id, stage, personal_data, id_number_index)
     SELECT id, member_key, $3, stage, personal_data, id_number_index
       FROM unnest($1::uuid[], $2::text[], $4::bytea[], $5::text[], $6::text[]) AS m(id, member_key, personal_data, id_number_index, stage)`,
    [
      members.map((member) => member.id),
      members.map((member) => member.memberKey),
      context.orgId,
      sealed.map((seal) => seal.personalData),
      sealed.map((seal) => seal.index),
      members.map((member) => member.stage),
    ],
  );
}

interface RecordRow {
  memberId: string;
  body: RecordBody;
  recordHash: string;
  sealed: Buffer;
}

/** The log-position trigger assigns ids in insertion order; they must come out as planned. */
async function insertRecords(client: Client, context: LogContext, rows: RecordRow[], firstId: number): Promise<void> {
  const column = <T>(value: (row: RecordRow) => T) => rows.map(value);
  const result = await client.query<{ id: string }>(
    `INSERT INTO records (member_id, sequence, step, rule_version, record_hash, prev_hash, effective_date, body, created_by)
     SELECT member_id, sequence, step, $4, record_hash, prev_hash, effective_date, body, $9
       FROM unnest($1::uuid[], $2::int[], $3::text[], $5::text[], $6::text[], $7::date[], $8::bytea[]) WITH ORDINALITY
         AS r(member_id, sequence, step, record_hash, prev_hash, effective_date, body, position)
      ORDER BY position
     RETURNING id`,
    [
      column((row) => row.memberId),
      column((row) => row.body.sequence),
      column((row) => row.body.step),
      context.ruleVersion,
      column((row) => row.recordHash),
      column((row) => row.body.prevHash),
      column((row) => row.body.effectiveDate),
      column((row) => row.sealed),
      context.createdBy,
    ],
  );
  const ids = result.rows.map((row) => Number(row.id));
  if (ids[0] !== firstId || ids.at(-1) !== firstId + rows.length - 1) {
    throw new Error(`records took positions ${ids[0]}–${ids.at(-1)}, expected ${firstId}–${firstId + rows.length - 1}`);
  }
}
