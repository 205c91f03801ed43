import { readFileSync } from "node:fs";
import { randomInt } from "node:crypto";
import { expect } from "chai";
import { ORG_IDS } from "../../api/src/data-access/testing";
import { receiptSignerOf, writeReceiptSchema } from "../../api/src/lib/write-receipt";
import { walkMember } from "../../api/src/seed/walk";
import { randomPerson } from "../helpers/anchored";
import type { Locator, Page } from "playwright-core";
import { latinWordsOutside } from "../helpers/latin";
import { PortalApi } from "../helpers/portal-ledger";
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
  recordHash: string;
  anchoring: { state: string };
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
      expect(await success.locator('[data-rule="S2.withinOneMonth"]').count()).to.be.at.least(1);
      const talk = timelineStep(page, "党组织派人谈话");
      await talk.getByText(/待上链|已上链待确认|已最终确认/).waitFor();
      await talk.getByText("已最终确认").waitFor({ timeout: FINAL_WITHIN_MS });
      expect(await page.evaluate(() => "sameDocument" in window)).to.equal(true);

      const [recorded] = (await listedRecords(page, memberId)).filter((record) => record.step === "S2");
      expect(recorded.anchoring.state).to.equal("FINAL");
      const [download] = await Promise.all([page.waitForEvent("download"), talk.getByRole("button", { name: /下载证明/ }).click()]);
      expect(download.suggestedFilename()).to.equal(`record-${recorded.id}-proof.json`);
      expect(await page.getByRole("region", { name: "提醒（软规则）" }).locator('[data-rule="S2.withinOneMonth"]').count()).to.be.at.least(
        1,
      );
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

      // In Chinese, the rule's text alone: its id stays out of sight.
      expect(await fieldOfDate.getByRole("alert").locator("[data-rule]").getAttribute("data-rule")).to.equal("general.notInFuture");
      expect(await descriptionOf(page, effectiveDate))
        .to.contain("生效日期不得晚于今天")
        .and.not.contain("general.notInFuture");
      expect(latinWordsOutside(await fieldOfDate.getByRole("alert").innerText())).to.deep.equal([]);
      expect(await effectiveDate.getAttribute("aria-invalid")).to.equal("true");
      expect(await page.evaluate(() => document.activeElement?.id)).to.equal(await effectiveDate.getAttribute("id"));
      expect(await listedRecords(page, memberId)).to.deep.equal(before);
      await expectAccessible(page);
    });
  });

  describe("write receipt", function () {
    it("should show each record's signed write receipt beside it and save it as the document the CLI checks", async function () {
      // Written through the served institution, which holds the chain key receipts are signed with.
      const { institution, anchored } = portal.instance;
      const [{ memberId }] = await walkMember(institution, anchored.actors.clerk, anchored.actors.approver, {
        orgId: ORG_IDS.branchA,
        personal: randomPerson(),
        upTo: "S1",
      });
      const page = await portal.newPage();
      await logIn(page, PORTAL_USERS.clerk);
      await page.goto(`/console/members/${memberId}`);
      const application = timelineStep(page, "递交入党申请书");
      await application.getByText(/^写入回执：承诺 .+ 前上链$/).waitFor();

      const [download] = await Promise.all([page.waitForEvent("download"), application.getByRole("button", { name: /下载回执/ }).click()]);
      const receipt = writeReceiptSchema.parse(JSON.parse(readFileSync(await download.path(), "utf8")));
      const [record] = await listedRecords(page, memberId);
      expect(download.suggestedFilename()).to.equal(`record-${record.id}-receipt.json`);
      expect(receipt.promise).to.include({ recordHash: record.recordHash, sequence: 1, logIndex: record.id - 1 });
      expect(receiptSignerOf(receipt)).to.equal(portal.instance.anchored.consortium.signers.attesterA.address);
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
      const refusal = page.locator(".field", { has: applicationDate }).getByRole("alert");
      await refusal.waitFor();
      // The rule set's own Chinese words, without its id or any other Latin word.
      expect(await refusal.locator("[data-rule]").getAttribute("data-rule")).to.equal("S1.minAge");
      const description = await descriptionOf(page, applicationDate);
      expect(description).to.contain("递交入党申请书时须年满十八周岁");
      expect(latinWordsOutside(description)).to.deep.equal([]);

      await page.getByLabel(/^出生日期/).fill("2001-03-04");
      await page.getByRole("button", { name: "登记", exact: true }).click();
      await page.waitForURL(/\/console\/members\/[0-9a-f-]{36}$/);
      await page.getByRole("heading", { level: 1, name: "王小明" }).waitFor();
      const facts = page.getByRole("region", { name: "基本情况" });
      expect(await facts.textContent()).to.contain("入党申请人");
      await timelineStep(page, "递交入党申请书")
        .getByText(/待上链|已上链待确认|已最终确认/)
        .waitFor();
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
      expect(await row.textContent())
        .to.contain(memberKey.slice(0, 10))
        .and.not.contain("测试人员");
    });
  });

  describe("finding members", function () {
    let clerk: PortalApi;
    /** Two members with one surname that appears nowhere else, and 学号 of their own. */
    const people = [
      { name: "欧阳明", staffNumber: `S${randomInt(1e8)}` },
      { name: "欧阳明华", staffNumber: `S${randomInt(1e8)}` },
    ];

    before(async function () {
      clerk = await PortalApi.login(portal.baseUrl, PORTAL_USERS.clerk);
      for (const person of people) {
        await clerk.json(
          "POST",
          "/api/members",
          {
            orgId: ORG_IDS.branchA,
            personal: { ...person, idNumber: randomIdNumber(), birthDate: "2000-05-10" },
            application: { effectiveDate: "2020-03-01", fields: {} },
          },
          201,
        );
      }
    });

    /** The names in the member table as the page shows them (the phone layout hides the header row). */
    async function listedNames(page: Page): Promise<string[]> {
      const rows = await page.getByRole("table").locator("tbody").getByRole("row").all();
      const names = await Promise.all(rows.map((row) => row.getByRole("cell").first().textContent()));
      return names.map((name) => name!.trim()).sort();
    }

    for (const [width, viewport] of Object.entries({ desktop: DESKTOP, phone: PHONE })) {
      it(`should find members by the beginning of their name and by 学号 at ${width} width`, async function () {
        const page = await portal.newPage(viewport);
        const scriptErrors = watchScriptErrors(page);
        await logIn(page, PORTAL_USERS.clerk);
        await page.goto("/console/members");
        await page.getByRole("table").waitFor();
        const search = page.getByRole("search", { name: "查找成员" });

        await search.getByLabel("查找内容").fill("欧阳");
        await search.getByRole("button", { name: "查找", exact: true }).click();
        await page.getByRole("status").filter({ hasText: "共 2 人，已全部显示。" }).waitFor();
        expect(await listedNames(page)).to.deep.equal(["欧阳明", "欧阳明华"]);

        await search.getByLabel("查找方式").selectOption({ label: "学号/工号" });
        await search.getByLabel("查找内容").fill(people[1].staffNumber);
        await search.getByRole("button", { name: "查找", exact: true }).click();
        await page.getByRole("status").filter({ hasText: "共 1 人，已全部显示。" }).waitFor();
        expect(await listedNames(page)).to.deep.equal(["欧阳明华"]);

        await search.getByLabel("查找方式").selectOption({ label: "身份证号" });
        await search.getByLabel("查找内容").fill("12345");
        await search.getByRole("button", { name: "查找", exact: true }).click();
        await page.getByRole("alert").filter({ hasText: "身份证号应为 18 位" }).waitFor();

        await search.getByRole("button", { name: "清除查找" }).click();
        const everyone = (await clerk.json<{ items: unknown[] }>("GET", "/api/members?limit=100")).items.length;
        await page
          .getByRole("status")
          .filter({ hasText: `共 ${everyone} 人，已全部显示。` })
          .waitFor();
        expect(latinWordsOutside(await page.locator("main").innerText(), [])).to.deep.equal([]);
        await expectAccessible(page);
        expect(scriptErrors).to.deep.equal([]);
      });
    }

    it("should keep the filters in the address, so refresh and back keep them, and combine them with a search", async function () {
      const withFinding = await portal.instance.anchored.walk("S1");
      await clerk.json(
        "POST",
        `/api/members/${withFinding}/records`,
        { step: "S2", effectiveDate: "2019-11-20", fields: { interviewer: "李老师", summary: "动机端正" } },
        201,
      );
      const page = await portal.newPage();
      await logIn(page, PORTAL_USERS.clerk);
      await page.goto("/console/members");
      await page.getByRole("table").waitFor();

      await page.getByLabel("只看有提醒").check();
      await page.waitForURL(/withFindings=true/);
      await page
        .getByRole("row")
        .filter({ has: page.locator(`a[href="/console/members/${withFinding}"]`) })
        .waitFor();
      for (const row of await page.getByRole("table").locator("tbody").getByRole("row").all()) {
        expect(await row.textContent()).to.match(/\d+ 条提醒/);
      }

      await page.getByLabel("发展阶段").selectOption({ label: "入党积极分子" });
      await page.waitForURL(/stage=ACTIVIST/);
      await page.getByText("没有符合条件的成员。").waitFor();

      await page.reload();
      await page.getByText("没有符合条件的成员。").waitFor();
      expect(await page.getByLabel("只看有提醒").isChecked()).to.equal(true);
      expect(await page.getByLabel("发展阶段").inputValue()).to.equal("ACTIVIST");

      await page.goBack();
      await page.waitForURL((url) => url.searchParams.get("withFindings") === "true" && !url.searchParams.has("stage"));
      await page
        .getByRole("row")
        .filter({ has: page.locator(`a[href="/console/members/${withFinding}"]`) })
        .waitFor();

      const search = page.getByRole("search", { name: "查找成员" });
      await search.getByLabel("查找内容").fill("欧阳");
      await search.getByRole("button", { name: "查找", exact: true }).click();
      await page.getByText("没有符合条件的成员。").waitFor();
      expect(page.url(), "what was searched for stays out of the address").to.not.contain(encodeURIComponent("欧阳"));
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
