import { randomInt } from "node:crypto";
import { expect } from "chai";
import type { Locator, Page } from "playwright-core";
import {
  DESKTOP,
  PHONE,
  expectAccessible,
  logIn,
  PORTAL_USERS,
  saveScreenshot,
  startPortal,
  tabTo,
  type PortalEnvironment,
} from "../helpers/portal";

/** The anchoring worker checkpoints every second; a record is final a few rounds later. */
const FINAL_WITHIN_MS = 30_000;

interface RecordItem {
  id: number;
  step: string;
  anchoring: { state: string };
}

/** The member's records as the API lists them to the logged-in page. */
async function listedRecords(page: Page, memberId: string): Promise<RecordItem[]> {
  const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem("cunzheng.session") ?? "{}").token as string);
  const response = await page.request.get(`/api/members/${memberId}/records`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status()).to.equal(200);
  return ((await response.json()) as { items: RecordItem[] }).items;
}

/** The timeline entry of one step, found by the step's official name. */
function timelineStep(page: Page, officialName: string): Locator {
  return page.getByRole("listitem").filter({ has: page.getByText(officialName, { exact: true }) });
}

/** The texts a control points its screen-reader description to. */
async function descriptionOf(page: Page, control: Locator): Promise<string> {
  const ids = ((await control.getAttribute("aria-describedby")) ?? "").split(" ").filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`#${id}`).textContent()));
  return texts.join(" ");
}

function randomIdNumber(): string {
  return Array.from({ length: 18 }, () => randomInt(10)).join("");
}

/** Fails the test on any script error of the page. */
function watchScriptErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

describe("Portal: members", function () {
  let portal: PortalEnvironment;

  before(async function () {
    portal = await startPortal();
  });

  after(async function () {
    await portal?.close();
  });

  describe("recording the next step", function () {
    it("should record a step typed with the keyboard alone and show its record turn final without a reload", async function () {
      const memberId = await portal.instance.anchored.walk("S1");
      const page = await portal.newPage();
      const scriptErrors = watchScriptErrors(page);
      await logIn(page, PORTAL_USERS.clerk);
      await page.goto(`/console/members/${memberId}`);
      await page.getByRole("heading", { level: 1, name: "测试人员" }).waitFor();
      await page.evaluate(() => Object.assign(window, { sameDocument: true }));

      // S2 is the one step due and comes selected, dated today: only its fields need typing.
      expect(await page.getByLabel(/^步骤/).inputValue()).to.equal("S2");
      await tabTo(page, /^谈话人/);
      await page.keyboard.type("李老师");
      await page.keyboard.press("Tab");
      await page.keyboard.type("入党动机端正，对党的认识较为深刻");
      await tabTo(page, /^记录$/, 3);
      await page.keyboard.press("Enter");

      const success = page.getByRole("status").filter({ hasText: "已记录 S2 党组织派人谈话" });
      await success.waitFor();
      // The application dates from 2019, so the talk comes late: the soft rule's finding comes back with the success.
      expect(await success.textContent()).to.contain("S2.withinOneMonth");
      const talk = timelineStep(page, "党组织派人谈话");
      await talk.getByText(/待上链|已上链待确认|已最终确认/).waitFor();
      await talk.getByText("已最终确认").waitFor({ timeout: FINAL_WITHIN_MS });
      expect(await page.evaluate(() => "sameDocument" in window)).to.equal(true);

      const [recorded] = (await listedRecords(page, memberId)).filter((record) => record.step === "S2");
      expect(recorded.anchoring.state).to.equal("FINAL");
      const [download] = await Promise.all([page.waitForEvent("download"), talk.getByRole("button", { name: /下载证明/ }).click()]);
      expect(download.suggestedFilename()).to.equal(`record-${recorded.id}-proof.json`);
      expect(await page.getByRole("region", { name: "提醒（软规则）" }).textContent()).to.contain("S2.withinOneMonth");
      expect(scriptErrors).to.deep.equal([]);
    });

    it("should show a hard rule's refusal under the field it names and record nothing", async function () {
      const memberId = await portal.instance.anchored.walk("S1");
      const page = await portal.newPage();
      await logIn(page, PORTAL_USERS.clerk);
      await page.goto(`/console/members/${memberId}`);
      await page.getByLabel(/^谈话人/).fill("李老师");
      await page.getByLabel(/^谈话情况/).fill("动机端正");
      const effectiveDate = page.getByLabel(/^生效日期/);
      await effectiveDate.fill("2099-01-01");
      const before = await listedRecords(page, memberId);

      await page.getByRole("button", { name: "记录", exact: true }).click();
      const fieldOfDate = page.locator(".field", { has: effectiveDate });
      await fieldOfDate.getByRole("alert").waitFor();

      expect(await fieldOfDate.getByRole("alert").textContent()).to.contain("general.notInFuture");
      expect(await descriptionOf(page, effectiveDate)).to.contain("general.notInFuture").and.contain("生效日期不得晚于今天");
      expect(await effectiveDate.getAttribute("aria-invalid")).to.equal("true");
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal(await effectiveDate.getAttribute("id"));
      expect(await listedRecords(page, memberId)).to.deep.equal(before);
      await expectAccessible(page);
    });
  });

  describe("entering a new applicant", function () {
    it("should show the minimum age refusal at the application date and, once corrected, land on the new member's page", async function () {
      const page = await portal.newPage();
      await logIn(page, PORTAL_USERS.clerk);
      await page.goto("/console/members");
      await page.getByRole("button", { name: "登记入党申请人" }).click();
      await page.getByLabel(/^姓名/).fill("王小明");
      await page.getByLabel(/^身份证号码/).fill(randomIdNumber());
      await page.getByLabel(/^出生日期/).fill("2015-03-04");
      await page.getByLabel(/^性别/).selectOption({ label: "男" });
      await page.getByLabel(/^入党申请书要点/).fill("志愿加入中国共产党");
      await page.getByRole("button", { name: "登记", exact: true }).click();

      const applicationDate = page.getByLabel(/^递交入党申请书的日期/);
      await page.locator(".field", { has: applicationDate }).getByRole("alert").waitFor();
      expect(await descriptionOf(page, applicationDate)).to.contain("S1.minAge");

      await page.getByLabel(/^出生日期/).fill("2001-03-04");
      await page.getByRole("button", { name: "登记", exact: true }).click();
      await page.waitForURL(/\/console\/members\/[0-9a-f-]{36}$/);
      await page.getByRole("heading", { level: 1, name: "王小明" }).waitFor();
      const facts = page.getByRole("region", { name: "基本情况" });
      expect(await facts.textContent()).to.contain("入党申请人");
      await timelineStep(page, "递交入党申请书").getByText(/待上链|已上链待确认|已最终确认/).waitFor();
    });
  });

  describe("member list", function () {
    it("should list members with their official stage and the step each is due for", async function () {
      const memberId = await portal.instance.anchored.walk("S4");
      const page = await portal.newPage();
      await logIn(page, PORTAL_USERS.clerk);
      await page.goto("/console/members");
      const row = page.getByRole("row").filter({ has: page.locator(`a[href="/console/members/${memberId}"]`) });
      await row.waitFor();
      const text = await row.textContent();
      // The journey dates from 2020, so its education and assessment (S6) is long overdue.
      expect(text).to.contain("测试人员").and.contain("入党积极分子").and.contain("S6 培养教育考察").and.contain("已逾期");

      await row.getByRole("link", { name: /查看档案/ }).click();
      await page.waitForURL(new RegExp(`/console/members/${memberId}$`));
      await page.getByRole("heading", { level: 1, name: "测试人员" }).waitFor();
    });

    it("should show a clerk without personal data the member key instead of the name", async function () {
      const memberId = await portal.instance.anchored.walk("S2");
      const memberKey = (await portal.instance.anchored.database.repositories.members.get(memberId))!.memberKey;
      const page = await portal.newPage();
      await logIn(page, PORTAL_USERS.clerkWithoutPersonalData);
      await page.goto("/console/members");
      const row = page.getByRole("row").filter({ has: page.locator(`a[href="/console/members/${memberId}"]`) });
      await row.waitFor();
      expect(await row.textContent()).to.contain(memberKey.slice(0, 10)).and.not.contain("测试人员");
    });
  });

  describe("layout", function () {
    for (const [width, viewport] of Object.entries({ desktop: DESKTOP, phone: PHONE })) {
      it(`should pass the accessibility checks on the list and the member page at ${width} width`, async function () {
        const memberId = await portal.instance.anchored.walk("S6");
        const page = await portal.newPage(viewport);
        const scriptErrors = watchScriptErrors(page);
        await logIn(page, PORTAL_USERS.clerk);
        await page.goto("/console/members");
        await page.getByRole("table").waitFor();
        await expectAccessible(page);
        await saveScreenshot(page, "members");

        await page.goto(`/console/members/${memberId}`);
        await page.getByRole("status").filter({ hasText: "所有记录均已最终确认" }).waitFor({ timeout: FINAL_WITHIN_MS });
        await expectAccessible(page);
        await page.getByRole("heading", { level: 3, name: "入党积极分子" }).scrollIntoViewIfNeeded();
        await saveScreenshot(page, "member");
        expect(scriptErrors).to.deep.equal([]);
      });
    }
  });
});
