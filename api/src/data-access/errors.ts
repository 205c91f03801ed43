import type { TransferState } from "./types";

/** A row with the same unique value already exists (username, member key, record hash, transfer id…). */
export class DuplicateError extends Error {
  constructor(readonly constraint: string) {
    super(`duplicate value violates ${constraint}`);
    this.name = "DuplicateError";
  }
}

/**
 * The appended record does not continue the member's hash chain: another record was appended first,
 * or the caller computed the sequence or prevHash from a stale head.
 */
export class RecordSequenceConflictError extends Error {
  constructor(
    readonly memberId: string,
    readonly expected: { sequence: number; prevHash: string | null },
    readonly given: { sequence: number; prevHash: string | null }
  ) {
    super(
      `record chain of member ${memberId} expects sequence ${expected.sequence} after ${
        expected.prevHash ?? "nothing"
      }, ` + `got sequence ${given.sequence} after ${given.prevHash ?? "nothing"}`
    );
    this.name = "RecordSequenceConflictError";
  }
}

export class UnknownMemberError extends Error {
  constructor(readonly memberId: string) {
    super(`no member ${memberId}`);
    this.name = "UnknownMemberError";
  }
}

/** The member already has an ISSUED transfer (one open transfer per member, as on chain). */
export class OpenTransferExistsError extends Error {
  constructor(readonly memberKey: string) {
    super(`member ${memberKey} already has an open transfer`);
    this.name = "OpenTransferExistsError";
  }
}

/** A transfer's state changed since the caller read it. */
export class TransferStateConflictError extends Error {
  constructor(readonly transferId: string, readonly expected: TransferState, readonly actual: TransferState) {
    super(`transfer ${transferId} is ${actual}, not ${expected}`);
    this.name = "TransferStateConflictError";
  }
}

export class InvalidCursorError extends Error {
  constructor() {
    super("invalid page cursor");
    this.name = "InvalidCursorError";
  }
}
