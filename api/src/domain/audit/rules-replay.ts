// The rules replayed over each member's file: every record's soft-rule findings recomputed and compared with the
// stored ones, no more and no fewer, and every record the rules would have refused named. The log check compares
// stored findings with the administrative log; this catches what both could be made to agree on (rules edited under
// a version's name, a finding removed from both before the log's next checkpoint). Members are read in batches of
// whole files, so that the sweep holds a batch's bodies at a time, not the log's.
import type { LogRow } from "../../data-access/repositories/log-scan";
import type { MemberScanRow } from "../../data-access/repositories/instance-scan";
import type { FieldCipher } from "../../lib/field-encryption";
import { openSealedBody } from "../membership/history";
import { tryOpenPersonalData } from "../membership/members";
import { loadRuleSet } from "../rules";
import type { ScannedLog } from "./log-scan";
import { replayMemberFile, type FileRecord } from "./member-replay";
import type { AuditProgress, FindingSet } from "./report";

/** Records read at once: whole members' files, about this many records. */
export const REPLAY_BATCH_RECORDS = 5_000;

export interface RulesReplayInputs {
  /** The log's rows by id. */
  rows(ids: readonly number[]): Promise<LogRow[]>;
  log: ScannedLog;
  members: readonly MemberScanRow[];
  /** Members whose files are not this instance's to judge (another university's, named elsewhere). */
  foreignMemberKeys: ReadonlySet<string>;
  /** The rules of the findings stored on each record. */
  storedRules: ReadonlyMap<number, readonly string[]>;
  cipher: Pick<FieldCipher, "decrypt">;
  findings: FindingSet;
  onProgress(progress: AuditProgress): void;
}

/**
 * Replays every member whose chain the log scan found intact; a member whose chain is broken or whose personal data
 * does not open is named by other checks, and its replay would only add noise to theirs.
 */
export async function replayRules(inputs: RulesReplayInputs): Promise<void> {
  const memberOf = new Map(inputs.members.map((member) => [member.memberKey, member]));
  const files = inputs.log.members.filter((file) => file.intact && !inputs.foreignMemberKeys.has(file.memberKey));
  const batches: (typeof files)[] = [];
  let batchRecords = REPLAY_BATCH_RECORDS;
  for (const file of files) {
    if (batchRecords >= REPLAY_BATCH_RECORDS) {
      batches.push([]);
      batchRecords = 0;
    }
    batches.at(-1)!.push(file);
    batchRecords += file.ids.length;
  }
  let done = 0;
  inputs.onProgress({ phase: "rules", done, total: files.length });
  // The next batch is read while this one is replayed.
  const read = (index: number) => (index < batches.length ? inputs.rows(batches[index].flatMap((file) => file.ids)) : Promise.resolve([]));
  let next = read(0);
  for (let index = 0; index < batches.length; index += 1) {
    const rows = await next;
    next = read(index + 1);
    next.catch(() => undefined);
    const rowsOf = new Map<string, LogRow[]>();
    for (const row of rows) rowsOf.set(row.memberKey, [...(rowsOf.get(row.memberKey) ?? []), row]);
    for (const file of batches[index]) {
      const member = memberOf.get(file.memberKey);
      if (member) replayMember(inputs, member, rowsOf.get(file.memberKey) ?? []);
    }
    done += batches[index].length;
    inputs.onProgress({ phase: "rules", done, total: files.length });
  }
}

function replayMember(inputs: RulesReplayInputs, member: MemberScanRow, rows: readonly LogRow[]): void {
  const personal = tryOpenPersonalData({ cipher: inputs.cipher }, member);
  const inOrder = [...rows].sort((a, b) => a.sequence - b.sequence);
  const records = openFile(inputs.cipher, inOrder);
  if (personal === null || records === null) return;
  const replayed = replayMemberFile(records, { birthDate: personal.birthDate }, loadRuleSet);
  for (const [index, { id, findingRules, violations }] of replayed.entries()) {
    const row = inOrder[index];
    const named = { recordId: id, recordHash: row.recordHash, memberKey: member.memberKey, sequence: row.sequence };
    const stored = [...(inputs.storedRules.get(id) ?? [])].sort();
    if (stored.join(",") !== findingRules.join(",")) {
      inputs.findings.add({
        kind: "FINDINGS_MISMATCH",
        ...named,
        detail: `Replaying rules ${row.ruleVersion} over member ${member.memberKey}'s file gives record ${id} (${row.step}) finding(s) [${findingRules.join(", ")}], but [${stored.join(", ")}] are stored.`,
      });
    }
    if (violations.length > 0) {
      inputs.findings.add({
        kind: "HARD_RULE_BROKEN",
        ...named,
        detail: `Replaying rules ${row.ruleVersion} over member ${member.memberKey}'s file, record ${id} (${row.step}) breaks a hard rule, so the service would have refused it: ${violations.join("; ")}.`,
      });
    }
  }
}

/** The records with their bodies open, or null if one does not open (the log scan names it TAMPERED). */
function openFile(cipher: Pick<FieldCipher, "decrypt">, rows: readonly LogRow[]): FileRecord[] | null {
  try {
    return rows.map((row) => ({
      id: row.id,
      recordHash: row.recordHash,
      body: openSealedBody(cipher, row),
      createdAt: row.createdAt,
      imported: row.imported,
    }));
  } catch {
    return null;
  }
}
