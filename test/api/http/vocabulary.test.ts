// What the portal offers comes from the API: the code lists its forms show (GET /api/vocabulary) and what an account
// may do (its login's permissions), so a page never offers what the API would refuse, nor hides what it would take.
import { expect } from "chai";
import request from "supertest";
import { CANCEL_REASON_CODES, chainReasonCode, REJECT_REASON_CODES, reasonCodeFromChain } from "../../../api/src/domain/chain-writes";
import { EVIDENCE_CONTENT_TYPES, MAX_EVIDENCE_BYTES } from "../../../api/src/domain/membership/evidence";
import { PERSONAL_DATA_REASON_CODES } from "../../../api/src/domain/membership/personal-data";
import { CORRECTION_REASON_CODES, MAX_EVIDENCE_PER_RECORD } from "../../../api/src/domain/membership/records";
import { ACTIONS, mayDo } from "../../../api/src/domain/permissions";
import { ACCOUNT_ROLES } from "../../../api/src/domain/vocabulary";
import { ROSTER_BODY_LIMIT_BYTES } from "../../../api/src/http/routes/roster";
import { startTestInstance, type TestInstance } from "../../helpers/service";

describe("what the portal offers, from the API", function () {
  let instance: TestInstance;
  before(async function () {
    instance = await startTestInstance();
  });
  after(async () => instance?.close());

  it("should give a logged-in account the service's code lists, and nobody else", async function () {
    await request(instance.app).get("/api/vocabulary").expect(401);
    const { body } = await request(instance.app)
      .get("/api/vocabulary")
      .set("authorization", `Bearer ${await instance.tokenOf("aAuditor")}`)
      .expect(200);
    expect(body).to.deep.equal({
      roles: [...ACCOUNT_ROLES],
      correctionReasons: [...CORRECTION_REASON_CODES],
      personalDataReasons: [...PERSONAL_DATA_REASON_CODES],
      transferReasons: { reject: [...REJECT_REASON_CODES], cancel: [...CANCEL_REASON_CODES] },
      evidence: { maxBytes: MAX_EVIDENCE_BYTES, contentTypes: EVIDENCE_CONTENT_TYPES, maxPerRecord: MAX_EVIDENCE_PER_RECORD },
      rosterImport: { maxBytes: ROSTER_BODY_LIMIT_BYTES },
    });
    // Each side's reasons are codes the chain's reason field carries back to the other university by name.
    for (const code of [...body.transferReasons.reject, ...body.transferReasons.cancel]) {
      expect(reasonCodeFromChain(chainReasonCode(code))).to.equal(code);
    }
  });

  it("should tell each account at login exactly what its role may do", async function () {
    const clerk = (await instance.logIn("aClerk")).account.permissions;
    expect(clerk).to.include.members(["readMembers", "enterMembers", "recordClerkSteps", "importRosters", "correctPersonalData"]);
    expect(clerk).to.not.include.members(["approve", "audit", "administerAccounts"]);
    expect((await instance.logIn("aApprover")).account.permissions)
      .to.include("approve")
      .and.not.include("enterMembers");
    expect((await instance.logIn("aAuditor")).account.permissions)
      .to.include("audit")
      .and.not.include("recordClerkSteps");
    for (const [name, role] of [
      ["aClerk", "CLERK"],
      ["aApprover", "APPROVER"],
      ["aAuditor", "AUDITOR"],
    ] as const) {
      expect((await instance.logIn(name)).account.permissions).to.deep.equal(ACTIONS.filter((action) => mayDo(role, action)));
    }
  });
});
