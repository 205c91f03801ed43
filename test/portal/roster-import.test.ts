import { readFileSync } from "node:fs";
import ExcelJS from "exceljs";
import { expect } from "chai";
import { latinWordsOutside } from "../helpers/latin";
import {
  DESKTOP,
  PHONE,
  expectAccessible,
  logIn,
  PORTAL_USERS,
  saveScreenshot,
  startPortal,
  type PortalEnvironment,
} from "../helpers/portal";
import { idNumberOf, withWrongCheckCharacter, xlsxOf } from "../helpers/roster";

const BRANCH = "计算机学院本科生第一党支部";
// 所属组织 is no name the import knows for the branch column: the clerk maps it by hand.
const HEADERS = ["姓名", "性别", "出生日期", "身份证号", "所属组织", "申请入党日期", "确定入党积极分子日期"];
/** What the Chinese page may say in Latin letters: the file's name and formats, the size unit. */
const ALLOWED_LATIN = [/[\w-]+\.(xlsx|csv)/g, /\b(xlsx|csv|MB|KB|B)\b/g];

/** Three people of one branch; the second one's ID number was copied wrong. Distinct per `serial` so runs never meet. */
async function rosterFile(names: readonly [string, string, string], serial: number): Promise<Buffer> {
  const rows = names.map((name, index) => {
    const idNumber = idNumberOf("2003-02-11", "M", serial * 3 + index);
    return [name, "男", "2003-02-11", index === 1 ? withWrongCheckCharacter(idNumber) : idNumber, BRANCH, "2024-03-01", "2024-09-10"];
  });
  return xlsxOf(HEADERS, rows);
}

describe("Portal: roster import", function () {
  let portal: PortalEnvironment;

  before(async function () {
    portal = await startPortal();
  });

  after(async function () {
    await portal?.close();
  });

  const viewports = Object.entries({ desktop: DESKTOP, phone: PHONE });
  viewports.forEach(([width, viewport], serial) => {
    it(`should check a roster, show a refused row's line, column and rule in Chinese, take an adjusted mapping and import the rest at ${width} width`, async function () {
      const names = [`名册甲${serial}`, `名册乙${serial}`, `名册丙${serial}`] as const;
      const page = await portal.newPage(viewport);
      const scriptErrors: string[] = [];
      page.on("pageerror", (error) => scriptErrors.push(error.message));
      await logIn(page, PORTAL_USERS.clerk);
      await page.goto("/console/members");
      await page.getByRole("link", { name: "导入党员名册" }).click();
      await page.getByRole("heading", { level: 1, name: "导入党员名册" }).waitFor();

      // The template: an .xlsx whose header row names every column the import reads.
      const [template] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "下载名册模板" }).click()]);
      expect(template.suggestedFilename()).to.equal("党员名册模板.xlsx");
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(readFileSync(await template.path()) as unknown as ArrayBuffer);
      expect(workbook.worksheets[0].getRow(1).values).to.include.members(["姓名", "公民身份号码", "所在党支部", "申请入党日期"]);

      await page
        .getByLabel(/^名册文件/)
        .setInputFiles({ name: "名册.xlsx", mimeType: "application/octet-stream", buffer: await rosterFile(names, serial) });
      await page.getByRole("button", { name: "检查", exact: true }).click();
      // The branch column goes by a name the import does not know: the file as a whole is refused, and says why.
      const fileProblem = page.getByRole("alert").filter({ hasText: "文件整体的问题" });
      await fileProblem.waitFor();
      expect(await fileProblem.textContent())
        .to.contain("所在党支部")
        .and.contain("文件缺少必需的列");
      expect(await page.getByRole("button", { name: /^导入/ }).isDisabled()).to.equal(true);
      // The mapping the check used: the synonyms found (身份证号 → 公民身份号码), the unknown column offered.
      expect(await page.getByLabel("公民身份号码").inputValue()).to.equal("身份证号");
      expect(await page.getByLabel("所在党支部").inputValue()).to.equal("");

      await page.getByLabel("所在党支部").selectOption("所属组织");
      await page.getByText("列对应关系已调整，请重新检查后再导入。").waitFor();
      await page.getByRole("button", { name: "按调整后的对应关系重新检查" }).click();
      const report = page.getByRole("region", { name: "检查结果" });
      await report.getByText("文件共 3 行：2 行可以导入，1 行有问题，0 行的人员已在册。").waitFor();
      const refused = report.getByRole("table", { name: "有问题的行" }).getByRole("row").filter({ hasText: "第 3 行" });
      expect(await refused.getByRole("cell").nth(1).textContent()).to.equal("身份证号");
      expect(await refused.getByRole("cell").nth(2).textContent()).to.contain("公民身份号码的校验码不对");
      expect(await refused.locator("[data-rule]").getAttribute("data-rule")).to.equal("roster.idNumber.checkDigit");
      expect(latinWordsOutside(await page.locator("main").innerText(), ALLOWED_LATIN)).to.deep.equal([]);
      await expectAccessible(page);
      await saveScreenshot(page, "roster-import");

      // The import's answer is held back until the page has shown its progress. (Under Playwright's interception
      // Chromium reports no upload progress, so which of the two texts shows is not the test's to decide.)
      let releaseAnswer = () => {};
      const answerReleased = new Promise<void>((resolve) => (releaseAnswer = resolve));
      await page.route(/\/api\/roster-imports\?.*dryRun=false/, async (route) => {
        const response = await route.fetch();
        await answerReleased;
        await route.fulfill({ response });
      });
      await page.getByRole("button", { name: "导入 2 人" }).click();
      const progress = page.getByRole("status").filter({ has: page.getByRole("progressbar", { name: "上传进度" }) });
      await progress.waitFor();
      expect(await progress.textContent()).to.match(/^(正在上传文件 \d+%|文件已上传，正在导入（完成后显示结果）…)$/);
      expect(await page.getByRole("button", { name: "导入 2 人" }).isDisabled()).to.equal(true);
      releaseAnswer();
      await page.getByRole("status").filter({ hasText: "导入完成。" }).waitFor();
      await page.getByText("已导入 2 人。").waitFor();
      await page.getByRole("link", { name: "查看党员发展名单" }).click();
      await page.waitForURL((url) => url.pathname === "/console/members");
      const list = page.getByRole("table");
      await list.getByRole("row").filter({ hasText: names[0] }).waitFor();
      expect(await list.getByRole("row").filter({ hasText: names[2] }).textContent()).to.contain("入党积极分子");
      expect(await list.getByRole("row").filter({ hasText: names[1] }).count()).to.equal(0);
      expect(scriptErrors).to.deep.equal([]);
    });
  });

  it("should not offer the roster import to an approver, whom the API refuses it", async function () {
    const page = await portal.newPage();
    await logIn(page, PORTAL_USERS.approver);
    await page.goto("/console/members");
    await page.getByRole("heading", { level: 1, name: "党员发展" }).waitFor();
    expect(await page.getByRole("link", { name: "导入党员名册" }).count()).to.equal(0);
    await page.goto("/console/roster-import");
    await page.getByText("只有党组织管理员和组织委员可以导入名册。").waitFor();
  });
});
