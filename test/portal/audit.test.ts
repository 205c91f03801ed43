import { readFile } from "node:fs/promises";
import { expect } from "chai";
import ExcelJS from "exceljs";
import type { Page } from "playwright-core";
import type { AuditReport } from "../../api/src/domain/audit";
import { recordHash } from "../../api/src/lib/record-hash";
import { asInsider, bodyOf, sealed } from "../helpers/insider";
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
import { anchoringSettled, PortalApi } from "../helpers/portal-ledger";

/** Starts a sweep with the page's button and waits for its report, having seen its progress while it ran. */
async function runSweep(page: Page): Promise<void> {
  await page.getByRole("button", { name: "开始审计" }).click();
  await page.getByRole("progressbar", { name: "审计进度" }).waitFor();
  await page.getByRole("heading", { level: 2, name: "审计报告" }).waitFor();
}

describe("Portal: audit", function () {
  let portal: PortalEnvironment;
  let memberIds: string[];

  before(async function () {
    portal = await startPortal();
    const { anchored } = portal.instance;
    memberIds = [await anchored.walk("S5"), await anchored.walk("S11")];
    await anchoringSettled(await PortalApi.login(portal.baseUrl, PORTAL_USERS.clerk));
  });

  after(async function () {
    await portal?.close();
  });

  it("should run a sweep of an untouched institution, showing its progress, and report no findings", async function () {
    const page = await portal.newPage(DESKTOP);
    await logIn(page, PORTAL_USERS.auditor);
    await page.goto("/console/audit");

    await runSweep(page);

    expect(await page.locator(".audit-report .verdict").textContent()).to.contain("未发现问题");
    const totals = await page.locator(".audit-totals").textContent();
    expect(totals).to.contain("17 记录").and.contain("2 成员");
    await page.getByRole("cell", { name: "未发现问题" }).waitFor();
    await expectAccessible(page);
  });

  it("should name the record an insider rewrote, link it to its member, and put it in the downloaded report", async function () {
    const { anchored } = portal.instance;
    const records = await anchored.database.repositories.records.listByMember(memberIds[1]);
    const target = records[3];
    const body = { ...(await bodyOf(anchored, target.id)), fields: { filedWith: "乙大学党委组织部" } };
    const hash = recordHash(body);
    await asInsider(anchored, (sql) =>
      sql("UPDATE records SET body = $2, record_hash = $3 WHERE id = $1", [target.id, sealed(anchored, hash, body), hash]),
    );
    const page = await portal.newPage(DESKTOP);
    await logIn(page, PORTAL_USERS.auditor);
    await page.goto("/console/audit");

    await runSweep(page);

    expect(await page.locator(".audit-report .verdict").textContent()).to.match(/发现 \d+ 个问题/);
    const tampered = page.getByRole("region", { name: /被改动的记录/ });
    const row = tampered.getByRole("row").filter({ hasText: `#${target.id}` });
    expect(await row.getByRole("cell").nth(1).textContent()).to.equal(String(target.sequence));
    const link = row.getByRole("link", { name: new RegExp(`成员档案.*记录 #${target.id}`) });
    expect(await link.getAttribute("href")).to.equal(`/console/members/${memberIds[1]}`);
    await expectAccessible(page);
    await page.getByRole("region", { name: "审计报告" }).evaluate((report) => report.scrollIntoView());
    await saveScreenshot(page, "audit");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "下载报告 JSON" }).click()]);
    expect(download.suggestedFilename()).to.match(/^audit-.+\.json$/);
    const report = JSON.parse(await readFile(await download.path(), "utf8")) as AuditReport;
    expect(report.findings.filter((finding) => finding.kind === "TAMPERED").map((finding) => finding.recordId)).to.deep.equal([target.id]);

    const [sheet] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "下载报告表格" }).click()]);
    expect(sheet.suggestedFilename()).to.match(/^audit-.+\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(await sheet.path())) as unknown as ArrayBuffer);
    const rowsOf = (name: string) => {
      const rows: unknown[][] = [];
      workbook.getWorksheet(name)!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
      return rows;
    };
    expect(rowsOf("概要").find((row) => row[0] === "结论")?.[1]).to.equal(`发现 ${report.findings.length} 个问题`);
    const [, header, ...findingRows] = rowsOf("问题");
    expect(header).to.deep.equal(["问题类型", "涉及", "序号", "成员标识", "技术细节"]);
    expect(findingRows).to.have.length(report.findings.length);
    const tamperedRow = findingRows.find((row) => row[0] === "被改动的记录");
    expect(tamperedRow?.slice(1, 3)).to.deep.equal([`记录 #${target.id}`, target.sequence]);

    const phone = await portal.newPage(PHONE);
    await logIn(phone, PORTAL_USERS.auditor);
    await phone.goto("/console/audit");
    await phone.getByRole("button", { name: /^查看/ }).first().click();
    const phoneFindings = phone.getByRole("region", { name: /被改动的记录/ });
    await phoneFindings.evaluate((region) => region.scrollIntoView());
    await saveScreenshot(phone, "audit");
  });
});
