// The tamper suite's other half: after the same insider changes, the bundles this instance now serves fail
// POST /api/verify, and the failing step names the record.
import { expect } from "chai";
import request from "supertest";
import type { StepResult, Verdict } from "../../../api/src/domain/verification/verdict";
import { recordHash } from "../../../api/src/lib/record-hash";
import { E2E_PASSWORD, E2E_USERS } from "../../helpers/e2e";
import { startHttpAnchoredInstance, type HttpAnchoredInstance } from "../../helpers/e2e-hardhat";
import {
  asInsider,
  bodyOf,
  deleteAsInsider,
  forgedRecord,
  insertForged,
  moveRecord,
  sealed,
  swapRecords,
  threeJourneys,
} from "../../helpers/insider";

describe("POST /api/verify after tampering", function () {
  this.timeout(180_000);
  let instance: HttpAnchoredInstance;
  let token: string;

  beforeEach(async function () {
    instance = await startHttpAnchoredInstance();
    token = (
      await request(instance.baseUrl).post("/api/auth/login").send({ username: E2E_USERS.clerk, password: E2E_PASSWORD }).expect(200)
    ).body.token;
  });
  afterEach(async () => instance?.stop());

  async function verdictOfRecord(id: number): Promise<Verdict> {
    const bundle = (await request(instance.baseUrl).get(`/api/records/${id}/proof`).set("authorization", `Bearer ${token}`).expect(200))
      .body;
    return (await request(instance.baseUrl).post("/api/verify").send({ bundle }).expect(200)).body;
  }

  async function verdictOfMember(id: number): Promise<Verdict> {
    const record = (await instance.anchored.database.repositories.records.get(id))!;
    const bundle = (
      await request(instance.baseUrl).get(`/api/members/${record.memberId}/proof`).set("authorization", `Bearer ${token}`).expect(200)
    ).body;
    return (await request(instance.baseUrl).post("/api/verify").send({ bundle }).expect(200)).body;
  }

  const failed = (verdict: Verdict): StepResult[] => verdict.steps.filter((step) => step.status === "failed");

  it("should fail the hash of a record whose body was altered and sealed again, naming it", async function () {
    const [first] = await threeJourneys(instance.anchored);
    const id = first.ids[2];
    const body = await bodyOf(instance.anchored, id);
    body.fields = { ...body.fields, decisionSummary: "改写的结论" };
    const { recordHash: storedHash } = (await instance.anchored.database.repositories.records.get(id))!;
    await asInsider(instance.anchored, (sql) =>
      sql("UPDATE records SET body = $2 WHERE id = $1", [id, sealed(instance.anchored, storedHash, body)]),
    );

    const verdict = await verdictOfRecord(id);
    expect(verdict.verdict).to.equal("INVALID");
    expect(failed(verdict).map((step) => [step.check, step.recordId])).to.deep.include(["hash", id]);
  });

  it("should fail inclusion and the member chain of a record whose body and hash were replaced, naming it", async function () {
    const [, second] = await threeJourneys(instance.anchored);
    const id = second.ids[3];
    const body = await bodyOf(instance.anchored, id);
    body.effectiveDate = "2020-03-21";
    const hash = recordHash(body);
    await asInsider(instance.anchored, (sql) =>
      sql("UPDATE records SET body = $2, record_hash = $3, effective_date = $4 WHERE id = $1", [
        id,
        sealed(instance.anchored, hash, body),
        hash,
        body.effectiveDate,
      ]),
    );

    const verdict = await verdictOfRecord(id);
    expect(failed(verdict).map((step) => [step.check, step.recordId])).to.deep.include.members([
      ["inclusion", id],
      ["memberChain", id],
    ]);
  });

  it("should fail the member file with a record deleted, naming the missing sequence", async function () {
    const [first] = await threeJourneys(instance.anchored);
    const id = first.ids[19];
    await deleteAsInsider(instance.anchored, id);

    const verdict = await verdictOfMember(first.ids[0]);
    const missing = failed(verdict).find((step) => step.reason === "memberChain.missingRecord");
    expect(missing, JSON.stringify(failed(verdict))).to.not.equal(undefined);
    expect(missing!.message).to.contain("20");
  });

  it("should fail inclusion of both records of two members whose log positions were swapped", async function () {
    const [first, second] = await threeJourneys(instance.anchored);
    const [a, b] = [first.ids[10], second.ids[2]];
    await asInsider(instance.anchored, (sql) => swapRecords(sql, a, b));

    for (const id of [a, b]) {
      const verdict = await verdictOfRecord(id);
      expect(failed(verdict).map((step) => [step.check, step.recordId])).to.deep.include(["inclusion", id]);
    }
  });

  it("should fail the records moved by a forged record slipped into the middle of the log, and the forged one itself", async function () {
    const [first, second, third] = await threeJourneys(instance.anchored);
    const forged = await forgedRecord(instance.anchored, first, "S21");
    const id = second.ids[0];
    await asInsider(instance.anchored, async (sql) => {
      for (const laterId of [...second.ids, ...third.ids].reverse()) await moveRecord(sql, laterId, laterId + 1);
      await insertForged(sql, id, forged, sealed(instance.anchored, forged.hash, forged.body));
    });

    const displaced = await verdictOfRecord(id + 1);
    expect(failed(displaced).map((step) => [step.check, step.recordId])).to.deep.include(["inclusion", id + 1]);
    const member = await verdictOfMember(first.ids[0]);
    expect(
      failed(member).some((step) => step.recordHash === forged.hash),
      JSON.stringify(failed(member)),
    ).to.equal(true);
  });
});
