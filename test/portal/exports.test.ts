import { readFile } from "node:fs/promises";
import { expect } from "chai";
import ExcelJS from "exceljs";
import type { Download, Locator, Page } from "playwright-core";
import type { Dashboard } from "../../api/src/domain/dashboard";
import type { MemberFile } from "../../api/src/domain/membership/members";
import { latinWordsOutside } from "../helpers/latin";
import { DESKTOP, PHONE, expectAccessible, logIn, PORTAL_USERS, startPortal, type PortalEnvironment } from "../helpers/portal";
import { PortalApi } from "../helpers/portal-ledger";
import { readPdf } from "../helpers/portal-transfers";

const BRANCH_A = "计算机学院本科生第一党支部";

/** Clicks `button` and waits for the file it downloads. */
async function downloadBy(page: Page, button: Locator): Promise<Download> {
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  return download;
}

/** A downloaded workbook's sheet as rows of cell values (first column first), read back with exceljs. */
async function sheetOf(download: Download, name: string): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await readFile(await download.path())) as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet(name);
  expect(sheet, `sheet ${name}`).to.not.equal(undefined);
  const rows: unknown[][] = [];
  sheet!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}

describe("Portal: exports and printing", function () {
  let portal: PortalEnvironment;
  let clerk: PortalApi;
  let activist: MemberFile;
  let applicant: MemberFile;

  before(async function () {
    portal = await startPortal();
    clerk = await PortalApi.login(portal.baseUrl, PORTAL_USERS.clerk);
    const { anchored } = portal.instance;
    const [activistId, applicantId] = [await anchored.walk("S5"), await anchored.walk("S1")];
    activist = await clerk.json<MemberFile>("GET", `/api/members/${activistId}`);
    applicant = await clerk.json<MemberFile>("GET", `/api/members/${applicantId}`);
  });

  after(async function () {
    await portal?.close();
  });

  it("should download the roster from the members list with every member's name, ID number, branch, dates and stage", async function () {
    const page = await portal.newPage(DESKTOP);
    await logIn(page, PORTAL_USERS.clerk);
    await page.goto("/console/members");

    const download = await downloadBy(page, page.getByRole("button", { name: "导出党员名册（电子表格）" }));

    expect(download.suggestedFilename()).to.match(new RegExp(`^${BRANCH_A}党员名册-\\d{4}-\\d{2}-\\d{2}\\.xlsx$`));
    const [header, ...rows] = await sheetOf(download, "党员名册");
    expect(header.slice(0, 8)).to.deep.equal([
      "姓名",
      "性别",
      "民族",
      "出生日期",
      "公民身份号码",
      "学号/工号",
      "所在党支部",
      "申请入党日期",
    ]);
    const rowOf = (member: MemberFile) => rows.find((row) => row[4] === member.personal!.idNumber);
    expect(rowOf(activist)?.[0]).to.equal(activist.personal!.name);
    expect(rowOf(activist)?.[6]).to.equal(BRANCH_A);
    expect(rowOf(activist)?.[7]).to.deep.equal(new Date("2019-09-01T00:00:00Z"));
    expect(rowOf(activist)?.at(-1)).to.equal("入党积极分子");
    expect(rowOf(applicant)?.at(-1)).to.equal("入党申请人");
    await expectAccessible(page);

    const phone = await portal.newPage(PHONE);
    await logIn(phone, PORTAL_USERS.clerk);
    await phone.goto("/console/members");
    await phone.getByRole("button", { name: "导出党员名册（电子表格）" }).waitFor();
    await phone.getByRole("button", { name: "打印" }).waitFor();
  });

  it("should leave the personal columns out of the roster a clerk without personal-data access downloads", async function () {
    const page = await portal.newPage(DESKTOP);
    await logIn(page, PORTAL_USERS.clerkWithoutPersonalData);
    await page.goto("/console/members");

    const download = await downloadBy(page, page.getByRole("button", { name: "导出党员名册（电子表格）" }));

    const [header, ...rows] = await sheetOf(download, "党员名册");
    expect(header[0]).to.equal("所在党支部");
    expect(header).to.not.include("姓名").and.not.include("公民身份号码");
    expect(rows).to.have.length(2);
    expect(JSON.stringify(rows)).to.not.contain(activist.personal!.name.slice(0, 2)).and.not.contain(activist.personal!.idNumber);
  });

  it("should download the statistics for the period picked on the dashboard, counting as the dashboard does", async function () {
    const { pipeline } = await clerk.json<Dashboard>("GET", "/api/dashboard");
    const page = await portal.newPage(DESKTOP);
    await logIn(page, PORTAL_USERS.clerk);
    const panel = page.getByRole("region", { name: "导出发展党员统计" });
    await panel.getByLabel(/起始日期/).fill("2019-01-01");
    await panel.getByLabel(/截止日期/).fill("2020-12-31");
    expect(latinWordsOutside(await panel.innerText())).to.deep.equal([]);

    const download = await downloadBy(page, panel.getByRole("button", { name: "导出统计表（电子表格）" }));

    expect(download.suggestedFilename()).to.equal(`${BRANCH_A}发展党员统计-2019-01-01至2020-12-31.xlsx`);
    const stages = await sheetOf(download, "各阶段人数");
    expect(stages[0][0]).to.match(new RegExp(`^${BRANCH_A}各发展阶段人数`));
    expect(stages.at(-1)).to.deep.equal(["合计", ...pipeline.map((stage) => stage.members), 2]);
    const steps = await sheetOf(download, "记录的步骤");
    expect(steps.find((row) => row[0] === "S1")?.[2]).to.equal(2);
    expect(steps.find((row) => row[0] === "S3")?.[2]).to.equal(1);
    await expectAccessible(page);
  });

  it("should refuse a period that ends before it begins under the field, naming it", async function () {
    const page = await portal.newPage(DESKTOP);
    await logIn(page, PORTAL_USERS.clerk);
    const panel = page.getByRole("region", { name: "导出发展党员统计" });
    await panel.getByLabel(/起始日期/).fill("2021-01-01");
    await panel.getByLabel(/截止日期/).fill("2020-12-31");

    await panel.getByRole("button", { name: "导出统计表（电子表格）" }).click();

    await panel
      .getByLabel(/截止日期/)
      .and(page.locator("[aria-invalid=true]"))
      .waitFor();
    expect(await panel.getByRole("alert").innerText()).to.equal("截止日期不能早于起始日期。");
  });

  it("should print the member page with its timeline under the organization and date, without navigation or forms", async function () {
    const page = await portal.newPage(DESKTOP);
    await logIn(page, PORTAL_USERS.clerk);
    await page.goto(`/console/members/${activist.id}`);
    const timeline = page.getByRole("region", { name: "发展进程" });
    await timeline.waitFor();
    await page.evaluate(() => {
      window.print = () =>
        void ((window as unknown as { printed: number }).printed = ((window as unknown as { printed?: number }).printed ?? 0) + 1);
    });
    await page.getByRole("button", { name: "打印" }).click();
    expect(await page.evaluate(() => (window as unknown as { printed?: number }).printed)).to.equal(1);

    await page.emulateMedia({ media: "print" });

    expect(await page.locator(".site-header").isVisible()).to.equal(false);
    expect(await page.getByRole("button", { name: "打印" }).isVisible()).to.equal(false);
    expect(await page.locator("#record-next").isVisible()).to.equal(false);
    expect(await timeline.isVisible()).to.equal(true);
    const header = page.locator(".print-header");
    expect(await header.isVisible()).to.equal(true);
    expect(await header.textContent())
      .to.contain(BRANCH_A)
      .and.contain("打印时间");

    const pdf = await page.pdf({ format: "A4" });
    const reader = await portal.newPage(DESKTOP);
    const { allText } = await readPdf(reader, portal.baseUrl, pdf, 1);
    // pdf.js gives some CJK characters as their Kangxi-radical look-alikes (⽣ for 生): NFKC maps them back.
    const printed = allText.normalize("NFKC").replace(/\s+/g, "");
    expect(printed).to.contain(BRANCH_A).and.contain(activist.personal!.name);
    const { ruleSet } = portal.instance.anchored.institution;
    for (const step of ["S1", "S2", "S3"]) expect(printed).to.contain(ruleSet.step(step)!.name.zh.replace(/\s+/g, ""));
    expect(printed).to.not.contain("退出登录");
  });

  it("should print the members list and the dashboard full width without navigation or buttons", async function () {
    const page = await portal.newPage(DESKTOP);
    await logIn(page, PORTAL_USERS.clerk);
    await page.emulateMedia({ media: "print" });
    for (const [path, content] of [
      ["/console/members", page.getByRole("table")],
      ["/console", page.getByRole("figure", { name: "各阶段人数（其中逾期）" })],
    ] as const) {
      await page.goto(path);
      await content.first().waitFor();

      expect(await page.locator(".site-header").isVisible(), path).to.equal(false);
      expect(await page.getByRole("button").filter({ visible: true }).count(), path).to.equal(0);
      expect(await page.locator("form").filter({ visible: true }).count(), path).to.equal(0);
      const main = await page.locator("main").boundingBox();
      expect(main!.width, path).to.be.greaterThan(DESKTOP.width - 40);
      expect(await page.locator(".print-header").textContent(), path).to.contain(BRANCH_A);
    }
  });
});
