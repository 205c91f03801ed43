import { expect } from "chai";
import request from "supertest";
import { chainReasonCode } from "../../../api/src/domain/chain-writes";
import { chainEventHandler } from "../../../api/src/domain/federation/chain-events";
import {
  nextTransferState,
  TRANSFER_MOVE_ORIGINS,
  TRANSFER_MOVES,
  TRANSFER_TRANSITIONS,
  type TransferMove,
  type TransferMoveOrigin,
} from "../../../api/src/domain/transfers/state-machine";
import { TRANSFER_STATES, type TransferState } from "../../../api/src/domain/vocabulary";
import { JOURNEY } from "../../../api/src/seed/journey";
import { ORG_IDS, startTestInstance, type AccountName, type TestInstance } from "../../helpers/service";

/** The moves DESIGN §2 allows, written out here by hand rather than read from the module under test. */
const ALLOWED: Record<string, TransferState> = {
  "ISSUED accept local": "ACCEPTED",
  "ISSUED accept chain": "ACCEPTED",
  "ISSUED sendAcceptance local": "ACCEPTING",
  "ISSUED reject local": "REJECTED",
  "ISSUED reject chain": "REJECTED",
  "ISSUED cancel local": "CANCELLED",
  "ISSUED cancel chain": "CANCELLED",
  "ISSUED expire local": "EXPIRED",
  "ACCEPTING accept chain": "ACCEPTED",
  "ACCEPTING refuseAcceptance chain": "ISSUED",
  "ACCEPTING reject chain": "REJECTED",
  "ACCEPTING cancel chain": "CANCELLED",
};

/** The rule a refused move names, by the state the transfer is in. */
function ruleRefusing(state: TransferState): string {
  if (state === "EXPIRED") return "transfer.expired";
  if (state === "ACCEPTING") return "transfer.accepting";
  return "transfer.notOpen";
}

describe("The transfer state machine", function () {
  describe("nextTransferState, for every state, move and origin", function () {
    for (const state of TRANSFER_STATES) {
      for (const move of TRANSFER_MOVES) {
        for (const origin of TRANSFER_MOVE_ORIGINS) {
          const allowed = ALLOWED[`${state} ${move} ${origin}`];
          if (allowed) {
            it(`should take a transfer that is ${state} to ${allowed} when ${origin === "local" ? "a clerk here" : "the chain"} makes ${move}`, function () {
              expect(nextTransferState(state, move, origin)).to.deep.equal({ ok: true, state: allowed });
            });
          } else {
            it(`should refuse ${move} by ${origin === "local" ? "a clerk here" : "the chain"} on a transfer that is ${state}, naming ${ruleRefusing(state)}`, function () {
              const step = nextTransferState(state, move, origin);
              expect(step.ok).to.equal(false);
              expect(step).to.include({ rule: ruleRefusing(state) });
              expect(step.ok === false && step.reason)
                .to.contain(state)
                .and.to.contain(move);
            });
          }
        }
      }
    }
  });

  describe("its shape", function () {
    it("should treat a move without an origin as a clerk's action here", function () {
      for (const state of TRANSFER_STATES) {
        for (const move of TRANSFER_MOVES)
          expect(nextTransferState(state, move), `${state} ${move}`).to.deep.equal(nextTransferState(state, move, "local"));
      }
    });

    it("should take a transfer to the same state whether the chain or a clerk here makes a move both may make", function () {
      let both = 0;
      for (const state of TRANSFER_STATES) {
        for (const move of TRANSFER_MOVES) {
          const [local, chain] = (["local", "chain"] as TransferMoveOrigin[]).map((origin) => nextTransferState(state, move, origin));
          if (local.ok && chain.ok) {
            both += 1;
            expect(chain.state, `${state} ${move}`).to.equal(local.state);
          }
        }
      }
      expect(both, "moves both may make").to.equal(3);
    });

    it("should give the repository's check the transitions the state machine had before it was one function", function () {
      expect(TRANSFER_TRANSITIONS).to.deep.equal({
        ISSUED: ["ACCEPTING", "ACCEPTED", "REJECTED", "CANCELLED", "EXPIRED"],
        ACCEPTING: ["ISSUED", "ACCEPTED", "REJECTED", "CANCELLED"],
        ACCEPTED: [],
        REJECTED: [],
        CANCELLED: [],
        EXPIRED: [],
      });
    });

    it("should leave no state out of the moves: every state but the final ones has a way on", function () {
      const final: TransferState[] = ["ACCEPTED", "REJECTED", "CANCELLED", "EXPIRED"];
      for (const state of TRANSFER_STATES) {
        const ways = TRANSFER_MOVES.filter((move: TransferMove) =>
          TRANSFER_MOVE_ORIGINS.some((origin) => nextTransferState(state, move, origin).ok),
        );
        expect(ways.length > 0, state).to.equal(!final.includes(state));
      }
    });
  });

  describe("a chain event and a local action with the same move", function () {
    this.timeout(120_000);
    let instance: TestInstance;
    let nextId = 500;
    let blockNumber = 1;

    before(async () => {
      instance = await startTestInstance();
    });
    after(async () => {
      await instance.close();
    });

    async function as(account: AccountName) {
      return { Authorization: `Bearer ${await instance.tokenOf(account)}` };
    }

    /** An applicant of A's branch with an ISSUED (MATERIALS) transfer to B's branch, issued here. */
    async function issuedTransfer(): Promise<{ id: string; memberId: string }> {
      const [application] = JOURNEY;
      const enrolled = await request(instance.app)
        .post("/api/members")
        .set(await as("aClerk"))
        .send({
          orgId: ORG_IDS.branchA,
          personal: { name: "状态成员", idNumber: `110108200005${String(nextId++).padStart(6, "0")}`, birthDate: "2000-05-10" },
          application: { effectiveDate: application.effectiveDate, fields: application.fields },
        })
        .expect(201);
      const issued = await request(instance.app)
        .post("/api/transfers")
        .set(await as("aApprover"))
        .send({ memberId: enrolled.body.memberId, toOrgId: ORG_IDS.branchB })
        .expect(201);
      expect(issued.body.state).to.equal("ISSUED");
      return { id: issued.body.id, memberId: enrolled.body.memberId };
    }

    /** Applies a TransferLedger event as the indexer does, inside a transaction of this instance. */
    async function applyFromChain(name: string, args: Record<string, string | number>): Promise<string> {
      const apply = chainEventHandler({
        account: "0x0000000000000000000000000000000000000001",
        reader: { member: async () => ({ orgId: ORG_IDS.branchA, stage: 1, recordCount: 1, head: `0x${"ab".repeat(32)}` }) },
        institution: instance.institution,
      });
      const event = {
        blockNumber: blockNumber++,
        logIndex: 0,
        blockHash: `0x${"01".repeat(32)}`,
        transactionHash: `0x${"02".repeat(32)}`,
        contract: "transfers" as const,
        name,
        args,
      };
      return instance.institution.transaction((tx) => apply(event, tx));
    }

    async function stateOf(transferId: string): Promise<TransferState> {
      return (await instance.institution.repositories.transfers.get(transferId))!.state;
    }

    const cases: {
      move: TransferMove;
      local: (id: string) => Promise<request.Response>;
      event: string;
      args: (id: string) => Record<string, string | number>;
    }[] = [
      {
        move: "reject",
        local: async (id) =>
          request(instance.app)
            .post(`/api/transfers/${id}/reject`)
            .set(await as("bApprover"))
            .send({ reasonCode: "OTHER" }),
        event: "TransferRejected",
        args: (id) => ({ transferId: id, toOrgId: ORG_IDS.branchB, reasonCode: chainReasonCode("OTHER") }),
      },
      {
        move: "cancel",
        local: async (id) =>
          request(instance.app)
            .post(`/api/transfers/${id}/cancel`)
            .set(await as("aApprover"))
            .send({ reasonCode: "ISSUED_IN_ERROR" }),
        event: "TransferCancelled",
        args: (id) => ({ transferId: id, fromOrgId: ORG_IDS.branchA, reasonCode: chainReasonCode("ISSUED_IN_ERROR") }),
      },
      {
        move: "accept",
        local: async (id) =>
          request(instance.app)
            .post(`/api/transfers/${id}/accept`)
            .set(await as("bApprover")),
        event: "TransferAccepted",
        args: (id) => ({ transferId: id, toOrgId: ORG_IDS.branchB, receiptHash: `0x${"cd".repeat(32)}` }),
      },
    ];

    for (const { move, local, event, args } of cases) {
      it(`should reach the same state by ${event} from the chain as by ${move} here`, async function () {
        const byClerk = await issuedTransfer();
        const byChain = await issuedTransfer();
        const response = await local(byClerk.id);
        expect(response.status, JSON.stringify(response.body)).to.equal(200);
        expect(await applyFromChain(event, args(byChain.id))).to.not.equal("ignored");
        const expected = nextTransferState("ISSUED", move);
        expect(expected.ok).to.equal(true);
        expect(response.body.state).to.equal(expected.ok && expected.state);
        expect(await stateOf(byChain.id)).to.equal(await stateOf(byClerk.id));
        expect(await stateOf(byChain.id)).to.equal(expected.ok && expected.state);
      });

      it(`should refuse ${move} here and ignore ${event} from the chain on a transfer already closed`, async function () {
        const transfer = await issuedTransfer();
        await request(instance.app)
          .post(`/api/transfers/${transfer.id}/cancel`)
          .set(await as("aApprover"))
          .send({ reasonCode: "ISSUED_IN_ERROR" })
          .expect(200);
        const refused = await local(transfer.id);
        expect(refused.status).to.equal(409);
        expect(refused.body.error.rule).to.equal("transfer.notOpen");
        expect(await applyFromChain(event, args(transfer.id))).to.equal("ignored");
        expect(await stateOf(transfer.id)).to.equal("CANCELLED");
      });
    }
  });
});
