// A member's records as the rules engine reads them: bodies decrypted, superseded records marked.
import type { Member, StoredRecord } from "../../data-access";
import type { FieldCipher } from "../../lib/field-encryption";
import type { RecordBody } from "../../lib/record-hash";
import type { Institution } from "../institution";
import { ARCHIVAL_MILESTONES, type HistoryRecord } from "../rules";

/** The encryption context binds a body to its hash: a body copied onto another row no longer opens. */
export function recordContext(recordHash: string): string {
  return `record:${recordHash}`;
}

export function sealRecordBody(institution: Institution, recordHash: string, canonicalBody: string): Uint8Array {
  return Buffer.from(institution.cipher.encrypt(canonicalBody, recordContext(recordHash)));
}

export function openRecordBody(institution: Institution, record: StoredRecord): RecordBody {
  return openSealedBody(institution.cipher, record);
}

/** Opens a sealed body under its record hash; throws when it does not open (altered, or sealed for another record). */
export function openSealedBody(cipher: Pick<FieldCipher, "decrypt">, record: { body: Uint8Array; recordHash: string }): RecordBody {
  return JSON.parse(cipher.decrypt(Buffer.from(record.body).toString("utf8"), recordContext(record.recordHash))) as RecordBody;
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
    .map((record) => historyRecordOf(openRecordBody(institution, record), superseded.has(record.id)));
}

/** A record body as the rules engine reads it: an archival record stands for the status its milestone reached. */
export function historyRecordOf(body: RecordBody, superseded: boolean): HistoryRecord {
  return {
    step: body.step,
    effectiveDate: body.effectiveDate,
    fields: body.fields,
    superseded,
    ...(body.archival && { archivalStatus: ARCHIVAL_MILESTONES.find((milestone) => milestone.step === body.step)?.status }),
  };
}
