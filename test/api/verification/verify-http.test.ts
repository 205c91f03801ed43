// Issue 14 through POST /api/verify: a member's file is VALID the moment it is final, and each forged bundle an
// outsider tried gets the non-VALID verdict naming its check.
import { expect } from "chai";
import request from "supertest";
import type { Verdict } from "../../../api/src/domain/verification/verdict";
import type { MemberProof, RecordProof } from "../../../api/src/lib/proof-bundle";
import { E2E_PASSWORD, E2E_USERS } from "../../helpers/e2e";
import { startHttpAnchoredInstance, type HttpAnchoredInstance } from "../../helpers/e2e-hardhat";
import { forgeries, judgedAsExpected } from "../../helpers/forged-bundles";
import { recordStep } from "../../../api/src/domain/membership/records";
import { SMALL_BODY_LIMIT_BYTES } from "../../../api/src/http/middleware/body";
import { VERIFY_BODY_LIMIT_BYTES } from "../../../api/src/http/routes/proofs";

const LARGE_FILE_RECORDS = 1_000;

describe("POST /api/verify claims only what it proved", function () {
  this.timeout(240_000);
  let instance: HttpAnchoredInstance;
  let token: string;

  before(async function () {
    instance = await startHttpAnchoredInstance();
    token = (
      await request(instance.baseUrl).post("/api/auth/login").send({ username: E2E_USERS.clerk, password: E2E_PASSWORD }).expect(200)
    ).body.token;
  });
  after(async () => instance?.stop());

  const get = async <T>(path: string): Promise<T> =>
    (await request(instance.baseUrl).get(path).set("authorization", `Bearer ${token}`).expect(200)).body as T;
  const verify = async (bundle: unknown): Promise<Verdict> =>
    (await request(instance.baseUrl).post("/api/verify").send({ bundle }).expect(200)).body;

  it("should find a member's file VALID as soon as it is final, and each forgery INVALID or INCOMPLETE naming its check", async function () {
    await instance.anchored.worker.stop();
    const memberId = await instance.anchored.walk("S3");
    const strangerId = await instance.anchored.walk("S1");
    await instance.anchored.anchorAll();
    const file = await get<MemberProof>(`/api/members/${memberId}/proof`);
    const stranger = await get<MemberProof>(`/api/members/${strangerId}/proof`);
    const record = await get<RecordProof>(`/api/records/${file.records[1].id}/proof`);

    const genuine = await verify(file);
    expect(genuine.verdict, JSON.stringify(genuine.steps.filter((step) => step.status !== "passed"))).to.equal("VALID");
    for (const forgery of forgeries(file, stranger, record)) {
      const verdict = await verify(forgery.bundle);
      expect(
        judgedAsExpected(forgery, verdict),
        `${forgery.name}: ${JSON.stringify(verdict.steps.filter((step) => step.status !== "passed"))}`,
      ).to.equal(true);
    }
  });

  it("should find a member's file of 1,000 records VALID, a body far over the small limit that route reads", async function () {
    this.timeout(1_800_000);
    const { institution, actors } = instance.anchored;
    const memberId = await instance.anchored.walk("S6");
    const recorded = async () => (await institution.repositories.records.listByMember(memberId)).length;
    // Half-yearly assessments (S6 may repeat) until the file holds 1,000 records.
    for (let count = await recorded(); count < LARGE_FILE_RECORDS; count += 1) {
      await recordStep(institution, actors.clerk, memberId, {
        step: "S6",
        effectiveDate: institution.today(),
        fields: { assessment: "表现良好" },
        evidence: [],
      });
    }
    await instance.anchored.anchorAll();
    const file = await get<MemberProof>(`/api/members/${memberId}/proof`);
    expect(file.records).to.have.length(LARGE_FILE_RECORDS);
    const body = JSON.stringify({ bundle: file });
    expect(Buffer.byteLength(body)).to.be.above(SMALL_BODY_LIMIT_BYTES).and.below(VERIFY_BODY_LIMIT_BYTES);

    const genuine = await verify(file);

    expect(genuine.verdict, JSON.stringify(genuine.steps.filter((step) => step.status !== "passed"))).to.equal("VALID");
  });
});
