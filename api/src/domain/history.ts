// A member's records as the rules engine reads them: bodies decrypted, superseded records marked.
import type { Member, StoredRecord } from "../data-access";
import type { RecordBody } from "../lib/record-hash";
import type { Institution } from "./institution";
import { ARCHIVAL_MILESTONES, type HistoryRecord } from "./rules";

/** The encryption context binds a body to its hash: a body copied onto another row no longer opens. */
export function recordContext(recordHash: string): string {
  return `record:${recordHash}`;
}

export function sealRecordBody(institution: Institution, recordHash: string, canonicalBody: string): Uint8Array {
  return Buffer.from(institution.cipher.encrypt(canonicalBody, recordContext(recordHash)));
}

export function openRecordBody(institution: Institution, record: StoredRecord): RecordBody {
  return JSON.parse(institution.cipher.decrypt(Buffer.from(record.body).toString("utf8"), recordContext(record.recordHash))) as RecordBody;
}

/** Ids of the records that a later record of the same chain supersedes. */
export function supersededIds(records: readonly StoredRecord[]): Set<number> {
  return new Set(records.flatMap((record) => (record.supersedesRecordId === null ? [] : [record.supersedesRecordId])));
}

/** The member's history for the rules engine; `excludeRecordId` leaves out a record being corrected. */
export async function loadHistory(institution: Institution, member: Member, excludeRecordId?: number): Promise<HistoryRecord[]> {
  const records = await institution.repositories.records.listByMember(member.id);
  const superseded = supersededIds(records);
  return records
    .filter((record) => record.id !== excludeRecordId)
    .map((record) => {
      const body = openRecordBody(institution, record);
      return {
        step: body.step,
        effectiveDate: body.effectiveDate,
        fields: body.fields,
        superseded: superseded.has(record.id),
        ...(body.archival && { archivalStatus: ARCHIVAL_MILESTONES.find((milestone) => milestone.step === body.step)?.status }),
      };
    });
}
