import { expect } from "chai";
import type { Locator, Page } from "playwright-core";
import { ORG_IDS } from "../../api/src/data-access/testing";
import { walkMember } from "../../api/src/seed/walk";
import { latinWordsOutside } from "../helpers/latin";
import { idNumberOf, withWrongCheckCharacter } from "../helpers/roster";
import { DESKTOP, PHONE, expectAccessible, logIn, PORTAL_USERS, startPortal, type PortalEnvironment } from "../helpers/portal";

interface RecordItem {
  id: number;
  step: string;
  effectiveDate: string;
  supersedesRecordId: number | null;
  reasonCode: string | null;
  superseded: boolean;
  body?: { fields: Record<string, unknown> };
}

/** The member's records as the API lists them to the logged-in page. */
async function listedRecords(page: Page, memberId: string): Promise<RecordItem[]> {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("cunzheng.session") ?? "{}").token as string);
  const response = await page.request.get(`/api/members/${memberId}/records`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status()).to.equal(200);
  return ((await response.json()) as { items: RecordItem[] }).items;
}

/** The timeline entry of one step, found by the step's official name. */
function timelineStep(page: Page, officialName: string): Locator {
  return page.getByRole("listitem").filter({ has: page.getByText(officialName, { exact: true }) });
}

/** One record's line in the timeline (a correction's line names the record it corrects too, but not alone). */
function recordLine(page: Page, recordId: number): Locator {
  return page.locator(".step-record").filter({ has: page.getByText(`记录 #${recordId}`, { exact: true }) });
}

/** The accessible name of a record's correction button. */
function correctButton(recordId: number): RegExp {
  return new RegExp(`^更正\\s*（记录 #${recordId}）$`);
}

describe("Portal: correcting a record", function () {
  let portal: PortalEnvironment;

  before(async function () {
    portal = await startPortal();
  });

  after(async function () {
    await portal?.close();
  });

  for (const viewport of [DESKTOP, PHONE]) {
    it(`should correct a record from the member page with a reason, the old one shown corrected, at ${viewport.width} width`, async function () {
      const memberId = await portal.instance.anchored.walk("S2");
      const page = await portal.newPage(viewport);
      await logIn(page, PORTAL_USERS.clerk);
      await page.goto(`/console/members/${memberId}`);
      const [, talk] = await listedRecords(page, memberId);
      expect(talk.step).to.equal("S2");

      await timelineStep(page, "党组织派人谈话")
        .getByRole("button", { name: correctButton(talk.id) })
        .click();
      const form = page.getByRole("region", { name: `更正记录 #${talk.id}` });
      // Filled with what was recorded: the clerk changes only what was wrong.
      expect(await form.getByLabel(/^谈话人/).inputValue()).to.equal(talk.body!.fields.interviewer);
      expect(await form.getByLabel(/^生效日期/).inputValue()).to.equal(talk.effectiveDate);
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal("correct-reason");

      // A correction names its reason: sent without one, the form says so under the reason.
      await form.getByLabel(/^谈话情况/).fill("入党动机端正，已更正谈话日期");
      await form.getByRole("button", { name: "提交更正" }).click();
      await form
        .locator(".field", { has: page.getByLabel(/^更正原因/) })
        .getByRole("alert")
        .filter({ hasText: "请选择更正原因" })
        .waitFor();
      expect(await listedRecords(page, memberId)).to.have.length(2);

      await form.getByLabel(/^更正原因/).selectOption({ label: "日期填写有误" });
      await form.getByLabel(/^生效日期/).fill("2019-09-25");
      await form.getByRole("button", { name: "提交更正" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: `已更正记录 #${talk.id}` })
        .waitFor();

      const records = await listedRecords(page, memberId);
      const correction = records.at(-1)!;
      expect(correction).to.include({
        step: "S2",
        effectiveDate: "2019-09-25",
        supersedesRecordId: talk.id,
        reasonCode: "CORRECTION_DATE",
      });
      expect(correction.body!.fields).to.deep.equal({ ...talk.body!.fields, summary: "入党动机端正，已更正谈话日期" });
      expect(records.find((record) => record.id === talk.id)!.superseded).to.equal(true);

      await recordLine(page, talk.id).getByText("已被更正").waitFor();
      await recordLine(page, correction.id).getByText(`更正记录 #${talk.id}（日期填写有误）`).waitFor();
      // The corrected record can be corrected no more; its correction can.
      expect(await recordLine(page, talk.id).getByRole("button", { name: /^更正/ }).count()).to.equal(0);
      expect(await recordLine(page, correction.id).getByRole("button", { name: /^更正/ }).count()).to.equal(1);
      expect(await page.getByRole("region", { name: `更正记录 #${talk.id}` }).count()).to.equal(0);
      expect(latinWordsOutside(await timelineStep(page, "党组织派人谈话").innerText())).to.deep.equal([]);
      await expectAccessible(page);
    });
  }

  it("should show a rule's refusal of a correction under the field it names and record nothing", async function () {
    const memberId = await portal.instance.anchored.walk("S2");
    const page = await portal.newPage();
    await logIn(page, PORTAL_USERS.clerk);
    await page.goto(`/console/members/${memberId}`);
    const before = await listedRecords(page, memberId);
    const talk = before[1];

    await page.getByRole("button", { name: correctButton(talk.id) }).click();
    const form = page.getByRole("region", { name: `更正记录 #${talk.id}` });
    await form.getByLabel(/^更正原因/).selectOption({ label: "日期填写有误" });
    const effectiveDate = form.getByLabel(/^生效日期/);
    await effectiveDate.fill("2099-01-01");
    await form.getByRole("button", { name: "提交更正" }).click();

    const refusal = form.locator(".field", { has: page.getByLabel(/^生效日期/) }).getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.locator("[data-rule]").getAttribute("data-rule")).to.equal("general.notInFuture");
    expect(await refusal.innerText()).to.contain("生效日期不得晚于今天");
    expect(latinWordsOutside(await refusal.innerText())).to.deep.equal([]);
    // The watch every portal test keeps over refusals saw it too (and checks the others the same way when it closes).
    expect(portal.refusalsShown.map((shown) => shown.text).join("\n")).to.contain("生效日期不得晚于今天");
    expect(await listedRecords(page, memberId)).to.deep.equal(before);
  });

  it("should offer no correction to an account whose role does not record the step", async function () {
    const memberId = await portal.instance.anchored.walk("S2");
    const page = await portal.newPage();
    await logIn(page, PORTAL_USERS.auditor);
    await page.goto(`/console/members/${memberId}`);
    await timelineStep(page, "党组织派人谈话").getByText("已完成").waitFor();
    expect(await page.getByRole("button", { name: /^更正/ }).count()).to.equal(0);
  });

  describe("personal data", function () {
    /** A member entered with a valid ID number whose check character is a digit (an X would read as a Latin word). */
    let nextSerial = 300;
    async function memberWithValidIdNumber(name: string) {
      // Each call takes the next unused serial: a person's ID number may be on file only once.
      let idNumber = idNumberOf("2000-05-10", "F", nextSerial++);
      while (idNumber.endsWith("X")) idNumber = idNumberOf("2000-05-10", "F", nextSerial++);
      const personal = { name, idNumber, birthDate: "2000-05-10", gender: "F" as const };
      const { institution, anchored } = portal.instance;
      const [{ memberId }] = await walkMember(institution, anchored.actors.clerk, anchored.actors.approver, {
        orgId: ORG_IDS.branchA,
        personal,
        upTo: "S1",
      });
      return { memberId, personal };
    }

    for (const viewport of [DESKTOP, PHONE]) {
      it(`should correct the personal data with a reason and show the history of what it replaced, at ${viewport.width} width`, async function () {
        const { memberId, personal } = await memberWithValidIdNumber("周晓");
        const page = await portal.newPage(viewport);
        await logIn(page, PORTAL_USERS.clerk);
        await page.goto(`/console/members/${memberId}`);
        const panel = page.getByRole("region", { name: "个人信息" });
        await panel.getByText(personal.idNumber, { exact: true }).waitFor();
        await panel.getByText("个人信息没有更正过。").waitFor();

        await panel.getByRole("button", { name: "更正个人信息" }).click();
        expect(await panel.getByLabel(/^姓名/).inputValue()).to.equal("周晓");
        await panel.getByLabel(/^姓名/).fill("周小");
        await panel.getByLabel(/^学号\/工号/).fill("2019001");
        await panel.getByLabel(/^更正原因/).selectOption({ label: "登记时填写有误" });
        await panel.getByRole("button", { name: "保存更正" }).click();

        await panel.getByRole("status").filter({ hasText: "个人信息已更正。" }).waitFor();
        await page.getByRole("heading", { level: 1, name: "周小" }).waitFor();
        const change = panel.getByRole("listitem").filter({ hasText: "登记时填写有误" });
        await change.waitFor();
        const text = await change.innerText();
        expect(text).to.contain("姓名由“周晓”改为“周小”").and.contain("学号/工号由“未填写”改为“2019001”").and.contain(PORTAL_USERS.clerk);
        expect(text).to.not.contain("公民身份号码");
        await expectAccessible(page);
      });
    }

    it("should refuse an ID number whose check character is wrong, in Chinese under the ID number, and change nothing", async function () {
      const { memberId, personal } = await memberWithValidIdNumber("吴芳");
      const page = await portal.newPage();
      await logIn(page, PORTAL_USERS.clerk);
      await page.goto(`/console/members/${memberId}`);
      const panel = page.getByRole("region", { name: "个人信息" });
      await panel.getByRole("button", { name: "更正个人信息" }).click();
      await panel.getByLabel(/^公民身份号码/).fill(withWrongCheckCharacter(personal.idNumber));
      await panel.getByLabel(/^更正原因/).selectOption({ label: "登记时填写有误" });
      await panel.getByRole("button", { name: "保存更正" }).click();

      const refusal = panel.locator(".field", { has: page.getByLabel(/^公民身份号码/) }).getByRole("alert");
      await refusal.waitFor();
      expect(await refusal.innerText()).to.contain("公民身份号码的校验码不对");
      expect(latinWordsOutside(await refusal.innerText())).to.deep.equal([]);
      expect(await panel.getByLabel(/^公民身份号码/).getAttribute("aria-invalid")).to.equal("true");
      await panel.getByRole("button", { name: "取消" }).click();
      expect(await panel.getByText(personal.idNumber, { exact: true }).count()).to.equal(1);
      await panel.getByText("个人信息没有更正过。").waitFor();
    });

    it("should show no personal data, correction or history to an account not granted personal data", async function () {
      const { memberId } = await memberWithValidIdNumber("郑强");
      const page = await portal.newPage();
      await logIn(page, PORTAL_USERS.clerkWithoutPersonalData);
      await page.goto(`/console/members/${memberId}`);
      await page.getByRole("region", { name: "基本情况" }).waitFor();
      expect(await page.getByRole("region", { name: "个人信息" }).count()).to.equal(0);
      expect(await page.getByRole("button", { name: "更正个人信息" }).count()).to.equal(0);
    });
  });
});
