// One row's own check: its sealed body opens under its own hash, hashes to that hash, and says what its columns say.
import type { LogRow } from "../../data-access/repositories/log-scan";
import type { FieldCipher } from "../../lib/field-encryption";
import { recordHash, type RecordBody } from "../../lib/record-hash";
import { recordContext } from "../membership/history";

export interface BodyCheck {
  /** Why the row cannot be trusted, or null. */
  problem: string | null;
  /** The previous record's hash as the body says (as the column says when the body cannot be read). */
  prevHash: string | null;
}

const COMPARED_COLUMNS = ["memberKey", "sequence", "step", "prevHash", "effectiveDate", "ruleVersion"] as const;

/** What checking a row's body reads of it. */
export type CheckedRow = Pick<LogRow, "body" | "recordHash" | "supersedesHash" | "reasonCode" | (typeof COMPARED_COLUMNS)[number]>;

export function checkBody(row: CheckedRow, cipher: Pick<FieldCipher, "decrypt">): BodyCheck {
  const unreadable = (problem: string): BodyCheck => ({ problem, prevHash: row.prevHash });
  let body: RecordBody;
  try {
    body = JSON.parse(cipher.decrypt(Buffer.from(row.body).toString("utf8"), recordContext(row.recordHash))) as RecordBody;
  } catch {
    return unreadable(`Its body does not open under its record hash ${row.recordHash}: altered, or sealed for another record.`);
  }
  let hash: string;
  try {
    hash = recordHash(body);
  } catch (error) {
    return unreadable(`Its body is not a valid record body: ${error instanceof Error ? error.message : String(error)}.`);
  }
  if (hash !== row.recordHash) {
    return { problem: `Its body hashes to ${hash}, but the row's record hash is ${row.recordHash}.`, prevHash: body.prevHash };
  }
  const named = COMPARED_COLUMNS.filter((column) => body[column] !== row[column]).map(
    (column) => `${column} is ${String(row[column])} in the row but ${String(body[column])} in the body`,
  );
  // The supersession columns: the superseded record's hash (through the row it names) and the reason code.
  const supersedes = body.supersedes ?? { recordHash: null, reasonCode: null };
  if (supersedes.recordHash !== row.supersedesHash) {
    named.push(`it supersedes ${row.supersedesHash ?? "nothing"} in the row but ${supersedes.recordHash ?? "nothing"} in the body`);
  }
  if (supersedes.reasonCode !== row.reasonCode) {
    named.push(`reasonCode is ${String(row.reasonCode)} in the row but ${String(supersedes.reasonCode)} in the body`);
  }
  if (named.length > 0) {
    return { problem: `Its columns disagree with its body: ${named.join("; ")}.`, prevHash: body.prevHash };
  }
  return { problem: null, prevHash: body.prevHash };
}
