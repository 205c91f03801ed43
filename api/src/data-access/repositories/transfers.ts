import type { EntityManager } from "typeorm";
import { TransferEntity } from "../entities";
import { DuplicateError, OpenTransferExistsError, TransferStateConflictError, TransferTransitionError } from "../errors";
import { HEX32_PATTERN, keysetPage, type PageRequest } from "../pagination";
import { type ChainRefusal, type Page, type Transfer } from "../types";
import { subtreeIdsSql, toPlain, violatedUniqueConstraint } from "./shared";
import { TRANSFER_STATES, type TransferKind, type TransferState } from "../../domain/vocabulary";
import { isTransferTransition } from "../../domain/transfers/state-machine";

export interface NewTransfer {
  id: string;
  memberKey: string;
  memberId: string | null;
  kind: TransferKind;
  fromOrgId: number;
  toOrgId: number | null;
  destinationHash: string | null;
  /** Already encrypted; only for an exported transfer. */
  destination: Uint8Array | null;
  validUntil: Date;
  letterHash: string;
  /** Only for a letter issued here (see Transfer). */
  letterNumber?: string | null;
  holderSalt?: string | null;
  holderHash?: string | null;
  replaces: string | null;
  /** Null for an incoming transfer, created from the chain by the event indexer. */
  createdBy: string | null;
  /** False for an incoming transfer issued by another institution; defaults to true. */
  issuedHere?: boolean;
}

/** A span of creation times: from `from` (inclusive) until `until` (exclusive). */
export interface IssuedBetween {
  from: Date;
  until: Date;
}

export interface StateChange {
  /** The state the caller saw: the change applies only if the transfer is still in it. */
  from: TransferState;
  to: TransferState;
  reasonCode?: string | null;
  receiptHash?: string | null;
  acceptedBy?: string | null;
  acceptanceRefusal?: ChainRefusal | null;
}

export class TransfersRepository {
  constructor(private readonly manager: EntityManager) {}

  /**
   * Stores a new ISSUED transfer.
   * @throws OpenTransferExistsError when the member already has an ISSUED transfer, DuplicateError when the id exists.
   */
  async create(transfer: NewTransfer): Promise<Transfer> {
    try {
      await this.manager.insert(TransferEntity, {
        ...transfer,
        destination: transfer.destination && Buffer.from(transfer.destination),
        issuedHere: transfer.issuedHere ?? true,
        state: "ISSUED",
      });
    } catch (error) {
      const constraint = violatedUniqueConstraint(error);
      if (constraint === "transfers_one_open_per_member") throw new OpenTransferExistsError(transfer.memberKey);
      if (constraint) throw new DuplicateError(constraint);
      throw error;
    }
    return (await this.get(transfer.id))!;
  }

  async get(id: string): Promise<Transfer | null> {
    const entity = await this.manager.findOneBy(TransferEntity, { id });
    return entity && toPlain(entity);
  }

  /** The member's ISSUED transfer, whether or not its validity has passed (an open one is ISSUED or ACCEPTING). */
  async findIssuedForMember(memberKey: string): Promise<Transfer | null> {
    const entity = await this.manager.findOneBy(TransferEntity, { memberKey, state: "ISSUED" });
    return entity && toPlain(entity);
  }

  /** The transfer that reissues `replacedId`, if any. */
  async findReplacing(replacedId: string): Promise<Transfer | null> {
    const entity = await this.manager.findOneBy(TransferEntity, { replaces: replacedId });
    return entity && toPlain(entity);
  }

  /** Transfers whose destination is the organization or one of its descendants, newest first. */
  async listIncoming(rootOrgId: number, request: PageRequest = {}): Promise<Page<Transfer>> {
    return this.listBySubtree("toOrgId", rootOrgId, request);
  }

  /** Transfers issued from the organization or one of its descendants, newest first. */
  async listOutgoing(rootOrgId: number, request: PageRequest = {}): Promise<Page<Transfer>> {
    return this.listBySubtree("fromOrgId", rootOrgId, request);
  }

  /** Transfers to the organization or its descendants by state, as of `asOf` (see countBySubtree). */
  async countIncomingByState(rootOrgId: number, asOf: Date, issued?: IssuedBetween): Promise<Record<TransferState, number>> {
    return this.countBySubtree("to_org_id", rootOrgId, asOf, issued);
  }

  /** Transfers from the organization or its descendants by state, as of `asOf` (see countBySubtree). */
  async countOutgoingByState(rootOrgId: number, asOf: Date, issued?: IssuedBetween): Promise<Record<TransferState, number>> {
    return this.countBySubtree("from_org_id", rootOrgId, asOf, issued);
  }

  /**
   * Moves the transfer from `change.from` to `change.to` (compare-and-set), if a move of the transfer state machine
   * (domain/transfers/state-machine.ts, nextTransferState) takes one to the other. Null when the transfer does not exist.
   * @throws TransferStateConflictError when it is no longer in `change.from`; TransferTransitionError for a move the
   * state machine does not have.
   */
  async updateState(id: string, change: StateChange): Promise<Transfer | null> {
    if (!isTransferTransition(change.from, change.to)) throw new TransferTransitionError(id, change.from, change.to);
    const result = await this.manager
      .createQueryBuilder()
      .update(TransferEntity)
      .set({
        state: change.to,
        ...(change.reasonCode !== undefined && { reasonCode: change.reasonCode }),
        ...(change.receiptHash !== undefined && { receiptHash: change.receiptHash }),
        ...(change.acceptedBy !== undefined && { acceptedBy: change.acceptedBy }),
        ...(change.acceptanceRefusal !== undefined && { acceptanceRefusal: change.acceptanceRefusal }),
        updatedAt: () => "now()",
      })
      .where("id = :id AND state = :from", { id, from: change.from })
      .execute();
    const transfer = await this.get(id);
    if (!result.affected && transfer) throw new TransferStateConflictError(id, change.from, transfer.state);
    return transfer;
  }

  /** Links an incoming transfer to the member its acceptance imported. */
  async attachMember(id: string, memberId: string): Promise<void> {
    await this.manager.update(TransferEntity, { id }, { memberId, updatedAt: () => "now()" });
  }

  /**
   * Every state with its count, zeros included. An ISSUED transfer whose validity ended before `asOf` counts as
   * EXPIRED: it is one, though nobody has opened it since to record the expiry. With `issued`, only the transfers
   * created in that span count.
   */
  private async countBySubtree(
    orgColumn: "to_org_id" | "from_org_id",
    rootOrgId: number,
    asOf: Date,
    issued?: IssuedBetween,
  ): Promise<Record<TransferState, number>> {
    const rows: { state: TransferState; count: string }[] = await this.manager.query(
      `SELECT CASE WHEN state = 'ISSUED' AND valid_until <= $2 THEN 'EXPIRED' ELSE state END AS state, count(*) AS count
         FROM transfers WHERE ${orgColumn} IN (${subtreeIdsSql("$1")})
          AND ($3::timestamptz IS NULL OR created_at >= $3) AND ($4::timestamptz IS NULL OR created_at < $4)
        GROUP BY 1`,
      [rootOrgId, asOf, issued?.from ?? null, issued?.until ?? null],
    );
    const counts = Object.fromEntries(TRANSFER_STATES.map((state) => [state, 0])) as Record<TransferState, number>;
    for (const row of rows) counts[row.state] += Number(row.count);
    return counts;
  }

  private async listBySubtree(orgColumn: "toOrgId" | "fromOrgId", rootOrgId: number, request: PageRequest): Promise<Page<Transfer>> {
    const query = this.manager
      .createQueryBuilder(TransferEntity, "transfer")
      .where(`transfer.${orgColumn} IN (${subtreeIdsSql(":rootOrgId")})`, { rootOrgId });
    const page = await keysetPage(query, "transfer", request, HEX32_PATTERN);
    return { items: page.items.map(toPlain), nextCursor: page.nextCursor };
  }
}
