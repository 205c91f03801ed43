import type { TransferState } from "../domain/vocabulary";

/** A row with the same unique value already exists (username, member key, record hash, transfer id…). */
export class DuplicateError extends Error {
  constructor(readonly constraint: string) {
    super(`duplicate value violates ${constraint}`);
    this.name = "DuplicateError";
  }
}

/** Another active member already has this ID number (members_active_id_number): one active member per person. */
export class ActivePersonExistsError extends Error {
  constructor() {
    super("another active member has this ID number");
    this.name = "ActivePersonExistsError";
  }
}

/** The unique index that holds one active member per person (migration UniqueActivePerson). */
export const ACTIVE_PERSON_INDEX = "members_active_id_number";

/**
 * The appended record does not continue the member's hash chain: another record was appended first,
 * or the caller computed the sequence or prevHash from a stale head.
 */
export class RecordSequenceConflictError extends Error {
  constructor(
    readonly memberId: string,
    readonly expected: { sequence: number; prevHash: string | null },
    readonly given: { sequence: number; prevHash: string | null },
  ) {
    super(
      `record chain of member ${memberId} expects sequence ${expected.sequence} after ${expected.prevHash ?? "nothing"}, ` +
        `got sequence ${given.sequence} after ${given.prevHash ?? "nothing"}`,
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
  constructor(
    readonly transferId: string,
    readonly expected: TransferState,
    readonly actual: TransferState,
  ) {
    super(`transfer ${transferId} is ${actual}, not ${expected}`);
    this.name = "TransferStateConflictError";
  }
}

/** A transition no move of the transfer state machine (domain/transfers/state-machine.ts) makes: a bug in the caller, not a user error. */
export class TransferTransitionError extends Error {
  constructor(
    readonly transferId: string,
    readonly from: TransferState,
    readonly to: TransferState,
  ) {
    super(`transfer ${transferId} cannot move from ${from} to ${to}`);
    this.name = "TransferTransitionError";
  }
}

export class InvalidCursorError extends Error {
  constructor() {
    super("invalid page cursor");
    this.name = "InvalidCursorError";
  }
}

/** PostgreSQL error classes and codes that mean the server cannot serve now, not that the query was wrong. */
const UNAVAILABLE_SQLSTATE = /^(08|57P0[1-3]|53300)/;
const UNAVAILABLE_SOCKET_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "EAI_AGAIN"]);
/** What node-postgres and PGlite say, without a code, when the connection is gone or cannot be made. */
const UNAVAILABLE_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error",
  "Client was closed and is not queryable",
  "Cannot use a pool after calling end on the pool",
  "PGlite is closed",
];

/**
 * Whether a failure means the database is unreachable or going away (down, restarting, out of connections, the
 * connection cut), as opposed to a query it refused: the request may succeed if retried later.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 3) return false;
  const { code, message, driverError, errors, cause } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  if (typeof code === "string" && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_SOCKET_CODES.has(code))) return true;
  if (typeof message === "string" && UNAVAILABLE_MESSAGES.some((text) => message.includes(text))) return true;
  // TypeORM wraps the driver's error; a failed connect to several addresses is an AggregateError of each.
  const nested = [driverError, cause, ...(Array.isArray(errors) ? (errors as unknown[]) : [])];
  return nested.some((inner) => isDatabaseUnavailable(inner, depth + 1));
}
