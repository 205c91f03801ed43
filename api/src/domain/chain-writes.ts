// What each write asks of the chain, as data for the outbox: the contract call that makes a record its member's
// chain head, or that moves a transfer along. The anchoring worker encodes and sends them later; see
// api/src/anchoring/. Only hashes, keys, organization ids, day numbers and codes appear here: never personal data.
import { keccak_256 } from "@noble/hashes/sha3";
import { utf8ToBytes } from "@noble/hashes/utils";
import { chainStage, chainTransferKind, ZERO_HASH } from "../chain/codec";
import type { ChainCall, NewOutboxItem, Transfer } from "../data-access";
import { dayNumber, type IsoDate } from "../lib/calendar";
import type { RecordBody } from "../lib/record-hash";
import type { ArchivalDates, ChainDates, Evaluation } from "./rules";
import type { MemberStage } from "./vocabulary";

/** How a record reaches the chain: the rules' chain action, or a plain append for a correction. */
export function recordChainCall(
  body: RecordBody,
  recordHash: string,
  evaluation: Pick<Evaluation, "chainAction" | "dates"> | { correctionDay: IsoDate },
): ChainCall {
  const call = (method: string, ...args: unknown[]): ChainCall => ({ contract: "membership", method, args });
  const { memberKey, prevHash } = body;
  const day = dayNumber(body.effectiveDate);
  // A correction changes no stage; it is dated the day it is written, since the chain refuses a date earlier than
  // the member's latest one and the corrected date is usually earlier.
  if ("correctionDay" in evaluation) return call("append", memberKey, prevHash, recordHash, dayNumber(evaluation.correctionDay));
  const { chainAction, dates } = evaluation;
  switch (chainAction) {
    case "register":
      return call("register", memberKey, body.orgId, recordHash, day);
    case "selectActivist":
    case "selectCandidate":
    case "convert":
    case "cancel":
      return call(chainAction, memberKey, prevHash, recordHash, day);
    case "admit":
      return call("admit", memberKey, prevHash, recordHash, dayNumber(required(dates, "branchMeetingDate")), day);
    case "extendProbation":
      return call("extendProbation", memberKey, prevHash, recordHash, day, dayNumber(required(dates, "newProbationEndDate")));
    default:
      return call("append", memberKey, prevHash, recordHash, day);
  }
}

function required(dates: ChainDates, name: keyof ChainDates): IsoDate {
  const date = dates[name];
  // The rules engine refuses a write whose chain action lacks its dates; reaching here is a bug, not a user error.
  if (date === undefined) throw new Error(`the chain action needs ${name}, which the rules did not compute`);
  return date;
}

/** The stages a member entered from earlier files may be registered at: not cancelled. */
type ArchivalStage = Exclude<MemberStage, "CANCELLED">;

/**
 * The one call that registers a member entered from earlier files: the stage, its key dates as day numbers (0 for a
 * date the file does not give) and the archival records' hashes in chain order.
 */
export function archivalChainCall(
  memberKey: string,
  orgId: number,
  stage: ArchivalStage,
  dates: ArchivalDates,
  recordHashes: readonly string[],
): ChainCall {
  const day = (date: IsoDate | undefined) => (date === undefined ? 0 : dayNumber(date));
  const struct = {
    applicationDay: day(dates.applicationDate),
    activistDay: day(dates.activistDate),
    candidateDay: day(dates.candidateDate),
    branchMeetingDay: day(dates.branchMeetingDate),
    conversionDay: day(dates.conversionDate),
  };
  return { contract: "membership", method: "registerArchival", args: [memberKey, orgId, chainStage(stage), struct, [...recordHashes]] };
}

export function recordOutboxItem(recordId: number, body: RecordBody, call: ChainCall): NewOutboxItem {
  return { kind: "RECORD", subject: body.memberKey, call, recordId };
}

/**
 * The chain stores a reason as a uint16: the first two bytes of keccak256 of the UPPER_SNAKE_CASE code (0 is reserved
 * by TransferLedger, so it becomes 1). The code itself stays in the database; anyone can recompute the number.
 */
export function chainReasonCode(code: string): number {
  const [high, low] = keccak_256(utf8ToBytes(code));
  return (high << 8) + low || 1;
}

/** The reasons the destination's approver may give for rejecting a file, in the order the portal offers them. */
export const REJECT_REASON_CODES = [
  "FILE_DOES_NOT_VERIFY",
  "FILE_INCOMPLETE",
  "LETTER_MISMATCH",
  "NOT_OUR_MEMBER",
  "WRONG_DESTINATION",
  "MEMBER_DECLINED",
  "OTHER",
] as const;

/** The reasons the source's approver may give for cancelling a letter, in the order the portal offers them. */
export const CANCEL_REASON_CODES = ["ISSUED_IN_ERROR", "MEMBER_DECLINED", "WRONG_DESTINATION", "OTHER"] as const;

/**
 * The reason codes this service offers for rejecting or cancelling a transfer. Another institution's rejection
 * reaches this one as the chain's uint16 only; these are the codes it can name back. Others read as CHAIN_CODE_<n>.
 */
const TRANSFER_REASON_CODES: readonly string[] = [...new Set([...REJECT_REASON_CODES, ...CANCEL_REASON_CODES])];

/** TransferLedger reserves 0 for the cancellation a lost-letter reissue performs. */
export function reasonCodeFromChain(value: number): string {
  if (value === 0) return "REISSUED";
  return TRANSFER_REASON_CODES.find((code) => chainReasonCode(code) === value) ?? `CHAIN_CODE_${value}`;
}

/** Items of one member reach the chain in order: a transfer's subject is its member, like the member's records. */
export function transferOutboxItem(transfer: Transfer, call: ChainCall): NewOutboxItem {
  return { kind: "TRANSFER", subject: transfer.memberKey, call, transferId: transfer.id };
}

export function issueCall(transfer: Transfer): ChainCall {
  const request = {
    transferId: transfer.id,
    memberKey: transfer.memberKey,
    toOrgId: transfer.toOrgId ?? 0,
    destinationHash: transfer.destinationHash ?? ZERO_HASH,
    kind: chainTransferKind(transfer.kind),
    validUntil: Math.floor(transfer.validUntil.getTime() / 1000),
    letterHash: transfer.letterHash,
  };
  return transfer.replaces
    ? { contract: "transfers", method: "reissue", args: [transfer.replaces, request] }
    : { contract: "transfers", method: "issue", args: [request] };
}

/** `expectedHead`: the member file's latest record hash, which acceptance checks against the on-chain head. */
export function closeCall(
  transfer: Transfer,
  change: { to: Transfer["state"]; reasonCode?: string; receiptHash?: string },
  expectedHead: string | null,
): ChainCall {
  const call = (method: string, ...args: unknown[]): ChainCall => ({ contract: "transfers", method, args });
  if (change.to === "REJECTED") return call("reject", transfer.id, chainReasonCode(change.reasonCode!));
  if (change.to === "CANCELLED") return call("cancel", transfer.id, chainReasonCode(change.reasonCode!));
  if (transfer.toOrgId === null) return call("recordExportReceipt", transfer.id, change.receiptHash);
  return call("accept", transfer.id, expectedHead ?? ZERO_HASH, change.receiptHash);
}
