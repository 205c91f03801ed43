import { expect } from "chai";
import type { Page } from "playwright-core";
import { ORG_IDS } from "../../api/src/data-access/testing";
import type { TransferView } from "../../api/src/domain/transfers";
import type { MemberProof, RecordProof } from "../../api/src/lib/proof-bundle";
import { randomPerson } from "../helpers/anchored";
import { DESKTOP, PHONE, expectAccessible, PORTAL_USERS, saveScreenshot, startPortal, type PortalEnvironment } from "../helpers/portal";
import { eventually, issueTransferOnChain, PortalApi } from "../helpers/portal-ledger";

/** What the seeded journey's S2 record says (JOURNEY in api/src/seed/journey.ts) and the walked person's name. */
const PERSONAL = ["李老师", "动机端正", randomPerson().name];

/** The verdict as the live region announces it. */
function announced(page: Page, verdict: "验证通过" | "验证未通过") {
  return page.getByRole("status").filter({ hasText: verdict });
}

/** One check of the step-by-step list, by its name. */
function check(page: Page, name: string) {
  return page.locator("ol.checks > li").filter({ has: page.locator(".check-title", { hasText: name }) });
}

async function dropFile(page: Page, label: RegExp, file: { name: string; mimeType: string; buffer: Buffer }): Promise<void> {
  await page.getByLabel(label).setInputFiles(file);
}

function bundleFile(bundle: unknown) {
  return { name: "record-proof.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(bundle, null, 2)) };
}

/** The page's whole text, hidden details included. */
async function pageText(page: Page): Promise<string> {
  return (await page.locator("body").textContent()) ?? "";
}

describe("Portal: verify", function () {
  let portal: PortalEnvironment;
  let clerk: PortalApi;
  let bundle: RecordProof;
  let memberId: string;

  before(async function () {
    portal = await startPortal();
    clerk = await PortalApi.login(portal.baseUrl, PORTAL_USERS.clerk);
    const { anchored } = portal.instance;
    memberId = await anchored.walk("S2");
    const records = await anchored.database.repositories.records.listByMember(memberId);
    const talk = records.find((record) => record.step === "S2")!;
    bundle = await eventually(async () =>
      (await clerk.status(`/api/records/${talk.id}/proof`)) === 200 ? clerk.json<RecordProof>("GET", `/api/records/${talk.id}/proof`) : undefined,
    );
    expect(bundle.record.body, "the clerk may read personal data: the bundle carries the body").to.not.equal(null);
  });

  after(async function () {
    await portal?.close();
  });

  describe("a proof bundle", function () {
    for (const viewport of [DESKTOP, PHONE]) {
      it(`should pass every check of a final record's bundle dropped on the page without showing its contents (${viewport.width} px)`, async function () {
        const page = await portal.newPage(viewport);
        await page.goto("/verify");

        await dropFile(page, /^存证文件/, bundleFile(bundle));

        await announced(page, "验证通过").waitFor();
        const marks = await page.locator("ol.checks > li .mark").allTextContents();
        expect(marks).to.deep.equal(["✓", "✓", "✓", "✓", "✓", "✓", "✓"]);
        expect(await check(page, "签名密钥").textContent()).to.contain("把记录写上链的密钥在当时是该组织的存证人");
        const facts = await page.locator("dl.facts").textContent();
        expect(facts).to.contain("计算机学院本科生第一党支部").and.contain(String(bundle.chain.chainId)).and.contain(bundle.chain.membershipLedger);
        const text = await pageText(page);
        for (const personal of PERSONAL) expect(text).to.not.contain(personal);
        await expectAccessible(page);
        await saveScreenshot(page, "verify");
      });
    }

    it("should verify a member's whole file and name the record each check is about", async function () {
      const file = await clerk.json<MemberProof>("GET", `/api/members/${memberId}/proof`);
      const page = await portal.newPage(DESKTOP);
      await page.goto("/verify");

      await dropFile(page, /^存证文件/, { ...bundleFile(file), name: "member-proof.json" });

      await announced(page, "验证通过").waitFor();
      const [first, second] = file.records;
      expect(await page.locator(".check-title", { hasText: `记录 #${first.id} · 序号 1 · S1` }).count()).to.be.at.least(4);
      expect(await page.locator(".check-title", { hasText: `记录 #${second.id} · 序号 2 · S2` }).count()).to.be.at.least(4);
      expect(await page.locator("dl.facts").textContent()).to.contain("成员档案的存证（2 条记录）");
      const text = await pageText(page);
      for (const personal of PERSONAL) expect(text).to.not.contain(personal);
    });

    it("should refuse a bundle whose record body lost one character and name the hash check of that record", async function () {
      const tampered = structuredClone(bundle);
      const body = tampered.record.body!;
      body.salt = `${body.salt.slice(0, -1)}${body.salt.endsWith("0") ? "1" : "0"}`;
      for (const viewport of [DESKTOP, PHONE]) {
        const page = await portal.newPage(viewport);
        await page.goto("/verify");

        await dropFile(page, /^存证文件/, bundleFile(tampered));

        await announced(page, "验证未通过").waitFor();
        const hash = check(page, "记录内容与哈希");
        expect(await hash.locator(".mark").textContent()).to.equal("✗");
        expect(await hash.textContent()).to.contain("内容被改动过").and.contain(`记录 #${bundle.record.id}`).and.contain("S2").and.contain("hash.mismatch");
        const others = await page.locator("ol.checks > li").filter({ hasNot: page.locator(".mark-failed") }).count();
        expect(others).to.equal(6);
        expect(await page.locator(".verify-failed").textContent()).to.contain("记录内容与哈希");
        await expectAccessible(page);
        await saveScreenshot(page, "verify-tampered");
      }
    });
  });

  describe("a transfer letter", function () {
    let approver: PortalApi;
    let transfer: TransferView;
    let other: TransferView;

    before(async function () {
      approver = await PortalApi.login(portal.baseUrl, PORTAL_USERS.approver);
      const { anchored } = portal.instance;
      transfer = await issueTransferOnChain(approver, await anchored.walk("S18"), ORG_IDS.branchB);
      other = await issueTransferOnChain(approver, await anchored.walk("S18"), ORG_IDS.branchB);
    });

    it("should show what the ledger says of a letter opened through its QR code link", async function () {
      const page = await portal.newPage(PHONE);
      await page.goto(`/verify?transfer=${transfer.id}`);

      await announced(page, "验证通过").waitFor();
      const facts = page.locator("dl.facts");
      expect(await facts.textContent())
        .to.contain("计算机学院本科生第一党支部")
        .and.contain("数学学院党支部")
        .and.contain("待接收")
        .and.contain("签发介绍信的密钥在当时是签发党委的存证人");
      expect(await check(page, "介绍信文件").locator(".mark").textContent()).to.equal("–");
      expect(await page.getByLabel(/^转接编号/).inputValue()).to.equal(transfer.id);
      await expectAccessible(page);
    });

    it("should verify a letter's PDF dropped with the code it carries, and name the other transfer a wrong code belongs to", async function () {
      const pdf = await clerk.bytes(`/api/transfers/${transfer.id}/letter.pdf`);
      const page = await portal.newPage(DESKTOP);
      await page.goto("/verify");

      await dropFile(page, /^介绍信 PDF/, { name: "letter.pdf", mimeType: "application/pdf", buffer: pdf });
      const code = page.getByLabel(/^转接编号/);
      await eventually(async () => ((await code.inputValue()) === transfer.id ? true : undefined));
      await page.getByRole("button", { name: "核验介绍信" }).click();

      await announced(page, "验证通过").waitFor();
      expect(await check(page, "介绍信文件").textContent()).to.contain("完全一致");

      await code.fill(other.id);
      await page.getByRole("button", { name: "核验介绍信" }).click();

      await announced(page, "验证未通过").waitFor();
      const document = check(page, "介绍信文件");
      expect(await document.locator(".mark").textContent()).to.equal("✗");
      expect(await document.textContent()).to.contain("属于另一个转接编号").and.contain("document.otherTransfer");
      const text = await pageText(page);
      for (const personal of PERSONAL) expect(text).to.not.contain(personal);
      await expectAccessible(page);
    });
  });
});
