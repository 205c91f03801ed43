// Members against the ledger and their own rows: a member the ledger does not hold or holds for another university
// (a row slipped in), the organization and stage the ledger holds, a departure backed by a transfer the ledger
// accepted, and personal data that opens only for the member's own organization.
import type { AuditedTransfer, MemberHead } from "../../chain/audit-reader";
import { stageFromChain } from "../../chain/codec";

import type { MemberScanRow } from "../../data-access/repositories/instance-scan";
import type { FieldCipher } from "../../lib/field-encryption";
import { tryOpenPersonalData } from "../membership/members";
import { currentNextDueIntact } from "../membership/next-due";
import type { FindingSet } from "./report";

export interface MemberCheckInputs {
  members: readonly MemberScanRow[];
  /** Every member's entry on the ledger, by member key. */
  heads: ReadonlyMap<string, MemberHead>;
  /** Transfers the ledger holds, by member key. */
  ledgerTransfersOf: ReadonlyMap<string, readonly AuditedTransfer[]>;
  /** Members one of whose transfers still waits for its chain write: their organization may be ahead of the ledger. */
  movingMemberKeys: ReadonlySet<string>;
  cipher: Pick<FieldCipher, "decrypt">;
  /** This instance's committee (its log id), and the committee of each organization the ledger names. */
  committeeId: number;
  committeeOf: ReadonlyMap<number, number>;
  findings: FindingSet;
}

/** Checks every member row; returns the member keys of the foreign ones (their records are foreign too). */
export function checkMembers(inputs: MemberCheckInputs): Set<string> {
  const { findings } = inputs;
  const foreign = new Set<string>();
  for (const member of inputs.members) {
    const subject = { type: "member" as const, id: member.id };
    const foreignBecause = foreignReason(inputs, member);
    const differences = foreignBecause === null ? memberDifferences(inputs, member) : [];
    if (foreignBecause !== null) {
      foreign.add(member.memberKey);
      findings.add({
        kind: "FOREIGN_MEMBER",
        recordId: null,
        subject,
        memberKey: member.memberKey,
        detail: `Member ${member.memberKey}: ${foreignBecause}.`,
      });
    }
    if (differences.length > 0) {
      findings.add({
        kind: "MEMBER_MISMATCH",
        recordId: null,
        subject,
        memberKey: member.memberKey,
        detail: `Member ${member.memberKey}: ${differences.join("; ")}.`,
      });
    }
    if (member.status === "ACTIVE" && !currentNextDueIntact(inputs.cipher, member.id, member.nextDue)) {
      findings.add({
        kind: "MEMBER_MISMATCH",
        recordId: null,
        subject,
        memberKey: member.memberKey,
        detail: `The next due stored for member ${member.memberKey} (${member.nextDue.dueOn ?? "none"}) is not the one the service sealed for its last record: the row was edited outside the service, and the dashboard may miscount the member as on time.`,
      });
    }
    if (tryOpenPersonalData({ cipher: inputs.cipher }, member) === null) {
      findings.add({
        kind: "PERSONAL_DATA_UNREADABLE",
        recordId: null,
        subject,
        memberKey: member.memberKey,
        detail: `The personal data of member ${member.memberKey} does not open for organization ${member.orgId}, the one its row names: the row was moved or its data replaced outside the service. No one is shown it.`,
      });
    }
  }
  return foreign;
}

/**
 * Why a member row that has not left belongs to no member of this instance: the ledger holds no such member and no
 * chain write of it waits, or the ledger places it under another university's committee (and no transfer is moving it).
 */
function foreignReason(inputs: MemberCheckInputs, member: MemberScanRow): string | null {
  if (member.status === "TRANSFERRED_OUT" || member.departedRecordCount !== null) return null;
  const head = inputs.heads.get(member.memberKey);
  if (!head || head.recordCount === 0) {
    return member.hasUnfinishedRecords
      ? null
      : "the ledger holds no such member, and no chain write of it is waiting: the row has no counterpart on chain";
  }
  const committee = inputs.committeeOf.get(head.orgId) ?? 0;
  if (committee === inputs.committeeId || inputs.movingMemberKeys.has(member.memberKey)) return null;
  return `the ledger holds it in organization ${head.orgId}, under committee ${committee}, not under this instance's committee ${inputs.committeeId}: another university's member`;
}

function memberDifferences(inputs: MemberCheckInputs, member: MemberScanRow): string[] {
  const head = inputs.heads.get(member.memberKey);
  const differences: string[] = [];
  const departed = member.status === "TRANSFERRED_OUT" || member.departedRecordCount !== null;
  if (departed) {
    const accepted = (inputs.ledgerTransfersOf.get(member.memberKey) ?? []).some(
      (transfer) => transfer.kind === "MEMBERSHIP" && transfer.state === "ACCEPTED",
    );
    if (!accepted) {
      differences.push(
        `the row says it left (status ${member.status}, ${member.departedRecordCount ?? "no"} departed records), but the ledger holds no accepted membership transfer of it`,
      );
    }
    return differences;
  }
  if (!head || head.recordCount === 0) return differences;
  if (head.orgId !== member.orgId && !inputs.movingMemberKeys.has(member.memberKey)) {
    differences.push(`the row names organization ${member.orgId}, the ledger ${head.orgId}`);
  }
  const ledgerStage = stageFromChain(head.stage);
  if (ledgerStage !== member.stage && !member.hasUnfinishedRecords) {
    differences.push(`the row says stage ${member.stage}, the ledger ${ledgerStage ?? `stage ${head.stage}`}`);
  }
  return differences;
}
