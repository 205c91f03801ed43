import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect } from "chai";
import { BrowserProvider } from "ethers";
import { network } from "hardhat";
import type { Page } from "playwright-core";
import { createFederationReader } from "../../api/src/chain";
import { ORG_IDS } from "../../api/src/data-access/testing";
import { issueTransfer } from "../../api/src/domain/transfers";
import { hashPassword } from "../../api/src/http/auth/password";
import {
  DESKTOP,
  expectAccessible,
  logIn,
  PHONE,
  PORTAL_PASSWORD,
  PORTAL_USERS,
  saveScreenshot,
  startPortal,
  type PortalEnvironment,
} from "../helpers/portal";
import { groupedNumber, groupedSalt } from "../../api/src/domain/transfers/letter/number";
import { walkMember } from "../../api/src/seed/walk";
import { randomPerson } from "../helpers/anchored";
import { TEST_LETTER_ISSUER } from "../helpers/e2e-hardhat";
import { latinWordsOutside } from "../helpers/latin";
import { readPdf, startSourceUniversity, type SourceUniversity } from "../helpers/portal-transfers";

/** An approver of committee B: the destination's side of a transfer from branch A to branch B. */
const APPROVER_B = "portal-approver-b";
const TRANSFER_PAGE = /\/console\/transfers\/(0x[0-9a-f]{64})$/;

describe("Portal: transfers", function () {
  this.timeout(300_000);
  let portal: PortalEnvironment;
  let downloads: string;

  before(async function () {
    portal = await startPortal();
    await portal.instance.anchored.database.repositories.accounts.create({
      username: APPROVER_B,
      passwordHash: await hashPassword(PORTAL_PASSWORD),
      role: "APPROVER",
      orgId: ORG_IDS.committeeB,
      canReadPersonalData: true,
    });
    downloads = mkdtempSync(path.join(tmpdir(), "portal-transfers-"));
  });

  after(async function () {
    await portal?.close();
    if (downloads) rmSync(downloads, { recursive: true, force: true });
  });

  /** Issues a letter for a new probationary member of branch A to branch B, as committee A's approver would. */
  async function issuedToBranchB(): Promise<string> {
    const { institution, actors } = portal.instance.anchored;
    const memberId = await portal.instance.anchored.walk("S18");
    return (await issueTransfer(institution, actors.approver, { memberId, toOrgId: ORG_IDS.branchB, validDays: 30 })).id;
  }

  async function onChain(transferId: string): Promise<void> {
    const reader = createFederationReader(new BrowserProvider(network.provider), portal.instance.anchored.addresses);
    while ((await reader.transfer(transferId)) === null) await new Promise((resolve) => setTimeout(resolve, 200));
  }

  async function loggedIn(username: string, viewport: { width: number; height: number } = DESKTOP): Promise<Page> {
    const page = await portal.newPage(viewport);
    await logIn(page, username);
    return page;
  }

  describe("issuing a letter", function () {
    it("should issue through the form, download the letter and find the public verification link in its QR code", async function () {
      const { institution, actors } = portal.instance.anchored;
      const [{ memberId }] = await walkMember(institution, actors.clerk, actors.approver, {
        orgId: ORG_IDS.branchA,
        personal: { ...randomPerson(), gender: "F", ethnicity: "回族" },
        upTo: "S18",
      });
      const page = await loggedIn(PORTAL_USERS.approver);
      await page.goto(`/console/transfers?memberId=${memberId}`);
      expect(await page.getByLabel(/^党员/).inputValue()).to.equal(memberId);
      await page.getByLabel(/^转往/).selectOption({ label: "数学学院党支部" });
      await page.getByLabel(/^有效天数/).fill("45");
      await expectAccessible(page);
      await page.getByRole("button", { name: "开具介绍信" }).click();

      await page.waitForURL(TRANSFER_PAGE);
      const transferId = TRANSFER_PAGE.exec(new URL(page.url()).pathname)![1];
      const facts = page.getByRole("region", { name: "转接信息" });
      await facts.getByText("数学学院党支部").waitFor();
      expect(await facts.textContent())
        .to.contain("已开具")
        .and.contain("组织关系")
        .and.contain("计算机学院本科生第一党支部")
        .and.contain(transferId);

      const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "下载介绍信 PDF" }).click()]);
      const { letterNumber, holderSalt } = (await portal.instance.anchored.database.repositories.transfers.get(transferId))!;
      expect(download.suggestedFilename()).to.equal(`介绍信-${letterNumber}.pdf`);
      const file = path.join(downloads, download.suggestedFilename());
      await download.saveAs(file);
      const pdf = readFileSync(file);
      expect(pdf.subarray(0, 5).toString("latin1")).to.equal("%PDF-");

      const reader = await portal.newPage();
      const { text, qrCodes } = await readPdf(reader, portal.baseUrl, pdf);
      // 存根, the letter and 回执, each with the same 编号, all in Chinese.
      expect(text)
        .to.contain("中国共产党党员组织关系介绍信（存根）")
        .and.contain("中国共产党党员组织关系介绍信回执")
        .and.contain("数学学院党支部");
      expect(text.split(`编号：${groupedNumber(letterNumber!)}`)).to.have.length(4);
      // Joined across the PDF's lines, which may wrap inside a field.
      const printed = text.replace(/\n/g, "");
      expect(printed).to.contain("性别女").and.contain("民族回族");
      expect(printed)
        .to.contain(`党员原所在基层党委通讯地址：${TEST_LETTER_ISSUER.address}`)
        .and.contain(`联系电话：${TEST_LETTER_ISSUER.phone}`)
        .and.contain(`邮编：${TEST_LETTER_ISSUER.postcode}`);
      expect(text).to.contain(`核验码：${groupedSalt(holderSalt!)}`);
      expect(latinWordsOutside(text), "Latin words printed on the letter").to.deep.equal([]);
      // The in-process instance's PUBLIC_BASE_URL is the configured default, not the port it happens to listen on.
      const links = qrCodes.map((link) => new URL(link));
      expect(links.map((url) => url.pathname + url.search)).to.have.members([
        `/verify?number=${letterNumber}&salt=${holderSalt}`,
        `/verify?number=${letterNumber}`,
      ]);
      const url = links.find((link) => link.searchParams.has("salt"))!;
      expect(url.protocol).to.equal("http:");

      await onChain(transferId);
      const visitor = await portal.newPage();
      await visitor.goto(url.pathname + url.search);
      await visitor.getByText("有效：介绍信尚未使用").waitFor();
      expect(await visitor.locator("main").textContent())
        .to.contain(transferId)
        .and.contain("数学学院党支部")
        .and.contain("甲大学党委");
    });

    it("should show the refusal of a second open letter for the same member under the member field", async function () {
      const memberId = await portal.instance.anchored.walk("S18");
      await issueTransfer(portal.instance.anchored.institution, portal.instance.anchored.actors.approver, {
        memberId,
        toOrgId: ORG_IDS.branchB,
        validDays: 30,
      });
      const page = await loggedIn(PORTAL_USERS.approver);
      await page.goto(`/console/transfers?memberId=${memberId}`);
      await page.getByLabel(/^转往/).selectOption({ label: "乙大学党委" });
      await page.getByRole("button", { name: "开具介绍信" }).click();
      const member = page.getByLabel(/^党员/);
      await page.locator("#memberId-error").waitFor();
      expect(await member.getAttribute("aria-invalid")).to.equal("true");
      expect(await page.locator("#memberId-error").textContent()).to.contain("已有一封尚未办结的介绍信");
      expect(latinWordsOutside(await page.locator("main").innerText(), ["PDF"])).to.deep.equal([]);
      expect(new URL(page.url()).pathname).to.equal("/console/transfers");
    });

    it("should list the letters issued and offer only destinations under an approving committee", async function () {
      const transferId = await issuedToBranchB();
      for (const viewport of [DESKTOP, PHONE]) {
        const page = await loggedIn(PORTAL_USERS.approver, viewport);
        await page.goto("/console/transfers");
        const outgoing = page.getByRole("region", { name: "转出" });
        const row = outgoing
          .getByRole("row")
          .filter({ has: page.getByRole("link", { name: `${transferId.slice(0, 8)}…${transferId.slice(-4)}` }) });
        await row.waitFor();
        expect(await row.textContent())
          .to.contain("组织关系")
          .and.contain("计算机学院本科生第一党支部")
          .and.contain("数学学院党支部")
          .and.contain("已开具");
        await page.getByLabel(/^党员/).selectOption({ index: 1 });
        const destinations = await page.getByLabel(/^转往/).locator("option").allTextContents();
        expect(destinations).to.include.members([
          "甲大学党委",
          "计算机学院党总支",
          "乙大学党委",
          "数学学院党支部",
          "联盟外单位（导出介绍信）",
        ]);
        // Neither the consortium itself nor the member's own branch can receive the member.
        expect(destinations).not.to.include("高校党建联盟");
        expect(destinations).not.to.include("计算机学院本科生第一党支部");
        await expectAccessible(page);
        await saveScreenshot(page, "transfers");
      }
    });

    it("should show an outgoing letter to its issuer and cancel it with a reason", async function () {
      const transferId = await issuedToBranchB();
      for (const viewport of [PHONE, DESKTOP]) {
        const page = await loggedIn(PORTAL_USERS.approver, viewport);
        await page.goto(`/console/transfers/${transferId}`);
        await page.getByRole("button", { name: "下载介绍信 PDF" }).waitFor();
        await expectAccessible(page);
        await saveScreenshot(page, "transfer");
      }
      const page = await loggedIn(PORTAL_USERS.approver);
      await page.goto(`/console/transfers/${transferId}`);
      await page.getByLabel(/^撤销原因/).selectOption({ label: "误开具" });
      await page.getByRole("button", { name: "撤销介绍信" }).click();
      await page.getByRole("status").filter({ hasText: "介绍信已撤销" }).waitFor();
      const facts = page.getByRole("region", { name: "转接信息" });
      await facts.getByText("已撤销").waitFor();
      expect(await facts.textContent()).to.contain("误开具");
      expect(await page.getByRole("button", { name: "撤销介绍信" }).count()).to.equal(0);
    });
  });

  describe("a letter between two branches this instance serves", function () {
    it("should list it as incoming for the destination's approver, who accepts it without a review", async function () {
      const transferId = await issuedToBranchB();
      const page = await loggedIn(APPROVER_B);
      await page.goto("/console/transfers");
      await page
        .getByRole("region", { name: "转入" })
        .getByRole("link", { name: `${transferId.slice(0, 8)}…${transferId.slice(-4)}` })
        .click();
      await page.waitForURL(`**/console/transfers/${transferId}`);
      await page.getByText("这是本系统内的转接").waitFor();
      expect(await page.getByRole("region", { name: "档案核验" }).count()).to.equal(0);
      expect(await page.getByRole("button", { name: "下载介绍信 PDF" }).count()).to.equal(0);
      await expectAccessible(page);
      await page.getByRole("button", { name: "接收", exact: true }).click();
      await page.getByRole("status").filter({ hasText: "已接收" }).waitFor();
      await page.getByRole("region", { name: "转接信息" }).getByText("已接收").waitFor();
      const member = await portal.instance.anchored.database.repositories.transfers.get(transferId);
      expect((await portal.instance.anchored.database.repositories.members.get(member!.memberId!))!.orgId).to.equal(ORG_IDS.branchB);
    });

    it("should reject it with the reason chosen", async function () {
      const transferId = await issuedToBranchB();
      const page = await loggedIn(APPROVER_B);
      await page.goto(`/console/transfers/${transferId}`);
      await page.getByLabel(/^退回原因/).selectOption({ label: "不是本组织应接收的党员" });
      await page.getByRole("button", { name: "退回", exact: true }).click();
      await page.getByRole("status").filter({ hasText: "介绍信已退回" }).waitFor();
      const facts = page.getByRole("region", { name: "转接信息" });
      await facts.getByText("已退回").waitFor();
      expect(await facts.textContent()).to.contain("不是本组织应接收的党员");
    });
  });

  describe("a letter from another university's instance", function () {
    let source: SourceUniversity;

    before(async function () {
      source = await startSourceUniversity(portal);
    });

    after(async () => source?.close());

    it("should review the member's file against the chain, fetch it on request and accept it once it can be", async function () {
      const transferId = await source.issueToBranchA();
      const page = await loggedIn(PORTAL_USERS.approver);
      await page.goto(`/console/transfers/${transferId}`);
      const review = page.getByRole("region", { name: "档案核验" });
      await review.getByText("等待档案").waitFor();
      const steps = review.locator("ol.review-steps > li");
      expect(await steps.count()).to.equal(2);
      // The letter's hash binds its holder: it is checked against the file's holder commitment once the file is here.
      expect(await review.textContent())
        .to.contain("收到对方的党员档案后再核对")
        .and.contain("这次转接在链上处于待接收状态");
      const accept = page.getByRole("button", { name: "接收", exact: true });
      expect(await accept.isDisabled()).to.equal(true);
      await expectAccessible(page);

      await review.getByRole("button", { name: "重新获取档案" }).click();
      await page.getByRole("status").filter({ hasText: "可以接收" }).waitFor();
      await review.getByText("可以接收").waitFor();
      expect(await steps.count()).to.equal(7);
      for (const step of await steps.allTextContents()) expect(step).not.to.contain("未通过");
      expect(await review.textContent()).to.contain("介绍信的内容与联盟链上登记的介绍信哈希一致");
      expect(await review.textContent())
        .to.contain("测试人员")
        .and.contain("发展对象");
      expect(await accept.isDisabled()).to.equal(false);
      await expectAccessible(page);
      await page.evaluate(() => window.scrollTo(0, 0));
      await saveScreenshot(page, "transfer-review");
      const phone = await loggedIn(PORTAL_USERS.approver, PHONE);
      await phone.goto(`/console/transfers/${transferId}`);
      await phone.getByRole("region", { name: "档案核验" }).getByText("可以接收").waitFor();
      await saveScreenshot(phone, "transfer-review");

      await accept.click();
      await page.getByRole("status").filter({ hasText: "已接收" }).waitFor();
      await page.getByRole("link", { name: "查看党员档案" }).waitFor();
      expect(await page.getByRole("region", { name: "档案核验" }).count()).to.equal(0);
    });
  });
});
