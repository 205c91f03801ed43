// A member's file moves to another university, whose review replays the file's rules: each record must be checked as
// the source checked it when it was written — a roster's archival records together by their dates, as the roster
// import did, and a correction in place of the record it replaces, which the records after it then build on.
import { expect } from "chai";
import { ORG_IDS } from "../../../api/src/data-access/testing";
import { reviewTransfer } from "../../../api/src/domain/federation";
import { recordStep } from "../../../api/src/domain/membership/records";
import { importRoster } from "../../../api/src/domain/roster/import";
import { acceptTransfer, getTransfer, issueTransfer } from "../../../api/src/domain/transfers";
import { addMonths } from "../../../api/src/lib/calendar";
import { JOURNEY } from "../../../api/src/seed/journey";
import { startFederation, type Federation } from "../../helpers/federation";
import { idNumberOf, xlsxOf } from "../../helpers/roster";

describe("federation: the review replays a file as its source checked it", function () {
  let federation: Federation;
  afterEach(async function () {
    await federation?.close();
  });

  /** A's approver sends the member to B, whose review must find the file acceptable; B accepts and holds the member. */
  async function expectMovedToB(memberId: string, stage: string): Promise<void> {
    const { a, b } = federation;
    const transfer = await issueTransfer(a.institution, a.actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 });
    await federation.settle();
    const review = await reviewTransfer(b.institution, b.actors.approver, transfer.id);

    expect(review.verdict, JSON.stringify(review.steps, null, 2)).to.equal("ACCEPTABLE");
    await acceptTransfer(b.institution, b.actors.approver, transfer.id);
    await federation.settle();
    const accepted = await getTransfer(b.institution, b.actors.approver, transfer.id);
    expect(accepted.state).to.equal("ACCEPTED");
    expect((await b.database.repositories.members.get(accepted.memberId!))!).to.include({ stage, status: "ACTIVE" });
    expect((await b.audit()).findings).to.deep.equal([]);
  }

  it("should review the archival records as the import checked them, and accept the member", async function () {
    federation = await startFederation();
    const { a } = federation;
    const milestones = ["S1", "S3", "S7", "S15", "S24"].map((step) => JOURNEY.find((record) => record.step === step)!.effectiveDate);
    const roster = await xlsxOf(
      ["姓名", "公民身份号码", "所在党支部", "申请入党日期", "确定入党积极分子日期", "确定发展对象日期", "接收预备党员日期", "转正日期"],
      [["老党员", idNumberOf("1999-01-01", "M", 7), "计算机学院本科生第一党支部", ...milestones]],
    );
    const imported = await importRoster(a.institution, a.actors.clerk, { bytes: roster, fileName: "名册.xlsx", dryRun: false });
    expect(imported.imported).to.equal(1);
    await federation.settle();
    const [member] = (await a.database.repositories.members.listByOrgSubtree(ORG_IDS.branchA)).items;

    await expectMovedToB(member.id, "FULL");
  });

  it("should build the records after a correction on the correction, and accept the member", async function () {
    federation = await startFederation();
    const { a } = federation;
    const { clerk } = a.actors;
    // walkAtA dates the journey four years later; the interview is first recorded late (a finding), then corrected.
    const memberId = await federation.walkAtA("S1");
    const [, talk, activist] = JOURNEY;
    const late = await recordStep(a.institution, clerk, memberId, { ...talk, effectiveDate: addMonths("2019-11-20", 48), evidence: [] });
    await recordStep(a.institution, clerk, memberId, {
      ...talk,
      effectiveDate: addMonths(talk.effectiveDate, 48),
      evidence: [],
      supersedes: { recordId: late.record.id, reasonCode: "CORRECTION_DATE" },
    });
    // The ledger dates a correction the day it is made: the next step cannot be dated before it.
    await recordStep(a.institution, clerk, memberId, { ...activist, effectiveDate: a.institution.today(), evidence: [] });
    await federation.settle();

    await expectMovedToB(memberId, "ACTIVIST");
  });
});
