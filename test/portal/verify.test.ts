import { expect } from "chai";
import type { Page } from "playwright-core";
import { ORG_IDS } from "../../api/src/data-access/testing";
import type { TransferView } from "../../api/src/domain/transfers";
import type { MemberProof, RecordProof } from "../../api/src/lib/proof-bundle";
import { acceptTransfer } from "../../api/src/domain/transfers";
import { walkMember } from "../../api/src/seed/walk";
import { randomPerson } from "../helpers/anchored";
import { latinWordsOutside } from "../helpers/latin";
import { DESKTOP, PHONE, expectAccessible, PORTAL_USERS, saveScreenshot, startPortal, type PortalEnvironment } from "../helpers/portal";
import { eventually, issueTransferOnChain, PortalApi } from "../helpers/portal-ledger";
import { forgeries } from "../helpers/forged-bundles";

/** What the seeded journey's S2 record says (JOURNEY in api/src/seed/journey.ts) and the walked person's name. */
const PERSONAL = ["李老师", "动机端正", randomPerson().name];

/** What the letter's page may show in Latin letters: codes a reader copies, and the file types PDF and JSON. */
const LETTER_CODES = [/0x[0-9a-f]+/g, "PDF", "JSON"];

/** The verdict as the live region announces it. */
function announced(page: Page, verdict: string) {
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
      (await clerk.status(`/api/records/${talk.id}/proof`)) === 200
        ? clerk.json<RecordProof>("GET", `/api/records/${talk.id}/proof`)
        : undefined,
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
        expect(facts)
          .to.contain("计算机学院本科生第一党支部")
          .and.contain(String(bundle.chain.chainId))
          .and.contain(bundle.chain.membershipLedger);
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
        expect(await hash.textContent())
          .to.contain("内容被改动过")
          .and.contain(`记录 #${bundle.record.id}`)
          .and.contain("S2")
          .and.contain("hash.mismatch");
        const others = await page
          .locator("ol.checks > li")
          .filter({ hasNot: page.locator(".mark-failed") })
          .count();
        expect(others).to.equal(6);
        expect(await page.locator(".verify-failed").textContent()).to.contain("记录内容与哈希");
        await expectAccessible(page);
        await saveScreenshot(page, "verify-tampered");
      }
    });
  });

  describe("a bundle that proves less than it claims", function () {
    it("should say 未能完全验证 in its own colour for what could not be checked, and 验证未通过 for each forgery, naming the check", async function () {
      const { anchored } = portal.instance;
      const walked = await anchored.walk("S3");
      const strangerId = await anchored.walk("S1");
      const allFinal = async (id: string) => {
        const file = await clerk.json<MemberProof>("GET", `/api/members/${id}/proof`);
        return file.records.every((record) => record.inclusion !== null) ? file : undefined;
      };
      const file = await eventually(() => allFinal(walked));
      const stranger = await eventually(() => allFinal(strangerId));
      const record = await clerk.json<RecordProof>("GET", `/api/records/${file.records[1].id}/proof`);
      const page = await portal.newPage(DESKTOP);
      await page.goto("/verify");

      for (const forgery of forgeries(file, stranger, record)) {
        await dropFile(page, /^存证文件/, { ...bundleFile(forgery.bundle), name: `${forgery.reason}.json` });

        const words = forgery.verdict === "INVALID" ? "验证未通过" : "未能完全验证";
        await announced(page, words)
          .filter({ hasText: `${forgery.reason}.json` })
          .waitFor();
        const summary = page.locator(forgery.verdict === "INVALID" ? ".verify-failed" : ".verify-unchecked");
        expect(await summary.count(), forgery.name).to.equal(1);
        expect(await page.locator("ol.checks").textContent(), forgery.name).to.contain(forgery.reason);
        if (forgery.verdict === "INCOMPLETE") {
          expect(await page.locator(".verdict-incomplete").count(), forgery.name).to.equal(1);
          expect(await page.locator(".verify-incomplete-text").textContent()).to.contain("没有发现伪造");
        }
      }
      await expectAccessible(page);
    });

    it("should name an INCOMPLETE verdict in English too", async function () {
      const withheld = structuredClone(bundle);
      withheld.record.body = null;
      const page = await portal.newPage(DESKTOP);
      await page.goto("/verify");
      await page.evaluate(() => localStorage.setItem("cunzheng.language", "en"));
      await page.reload();

      await dropFile(page, /^Proof file/, bundleFile(withheld));

      await page.getByRole("status").filter({ hasText: "Not fully verified" }).waitFor();
      expect(await page.locator(".verify-unchecked").textContent())
        .to.contain("Checks that could not run")
        .and.contain("withholds the record's content");
    });
  });

  describe("a transfer letter", function () {
    let approver: PortalApi;
    let transfer: TransferView;
    let other: TransferView;
    let holder: ReturnType<typeof randomPerson>;

    /** What is printed on the paper: the 编号 and the 核验码. */
    async function printed(transferId: string) {
      const stored = (await portal.instance.anchored.database.repositories.transfers.get(transferId))!;
      return { number: stored.letterNumber!, salt: stored.holderSalt! };
    }

    before(async function () {
      approver = await PortalApi.login(portal.baseUrl, PORTAL_USERS.approver);
      const { anchored } = portal.instance;
      holder = randomPerson();
      const [member] = await walkMember(anchored.institution, anchored.actors.clerk, anchored.actors.approver, {
        orgId: ORG_IDS.branchA,
        personal: holder,
        upTo: "S18",
      });
      transfer = await issueTransferOnChain(approver, member.memberId, ORG_IDS.branchB);
      other = await issueTransferOnChain(approver, await anchored.walk("S18"), ORG_IDS.branchB);
    });

    it("should show what the ledger says of a letter opened through its QR code link, and check the name typed from the paper", async function () {
      const { number, salt } = await printed(transfer.id);
      const page = await portal.newPage(PHONE);
      await page.goto(`/verify?number=${number}&salt=${salt}`);

      await announced(page, "有效：介绍信尚未使用").waitFor();
      expect(await page.locator(".verify-verdict").getAttribute("class")).to.contain("verdict-ok");
      const facts = page.locator("dl.facts");
      expect(await facts.textContent())
        .to.contain("甲大学党委")
        .and.contain("计算机学院本科生第一党支部")
        .and.contain("数学学院党支部")
        .and.contain("待接收")
        .and.contain("签发介绍信的密钥在当时是签发党委的存证人");
      expect(await page.getByLabel(/^编号/).inputValue()).to.equal(number);
      expect(await page.getByLabel(/^核验码/).inputValue()).to.equal(salt);

      await page.getByLabel(/^姓名/).fill(holder.name);
      await page.getByLabel(/^公民身份号码后四位/).fill(holder.idNumber.slice(-4));
      await page.getByRole("button", { name: "核验介绍信" }).click();
      await check(page, "持信人").locator(".mark", { hasText: "✓" }).waitFor();
      expect(await check(page, "持信人").textContent()).to.contain("一致");

      await page.getByLabel(/^姓名/).fill(`${holder.name}某`);
      await page.getByRole("button", { name: "核验介绍信" }).click();
      await announced(page, "验证未通过").waitFor();
      expect(await check(page, "持信人").locator(".mark").textContent()).to.equal("✗");
      expect(await check(page, "持信人").textContent()).to.contain("不一致");
      expect(latinWordsOutside(await page.locator("main").innerText(), LETTER_CODES)).to.deep.equal([]);
      await expectAccessible(page);
      await saveScreenshot(page, "verify-letter");
    });

    it("should find a letter by the 编号 typed by hand, and refuse one with a digit mistyped in Chinese", async function () {
      const { number } = await printed(transfer.id);
      const page = await portal.newPage(DESKTOP);
      await page.goto("/verify");
      const typo = `${number.slice(0, 5)}${(Number(number[5]) + 1) % 10}${number.slice(6)}`;
      await page.getByLabel(/^编号/).fill(typo);
      await page.getByRole("button", { name: "核验介绍信" }).click();
      expect(await page.locator(".field-error").first().textContent()).to.contain("校验位不对");
      expect(latinWordsOutside(await page.locator("main").innerText(), LETTER_CODES)).to.deep.equal([]);

      await page.getByLabel(/^编号/).fill(`${number.slice(0, 5)} ${number.slice(5, 10)} ${number.slice(10)}`);
      await page.getByRole("button", { name: "核验介绍信" }).click();
      await announced(page, "有效：介绍信尚未使用").waitFor();
      const text = await pageText(page);
      for (const personal of [...PERSONAL, holder.name]) expect(text).to.not.contain(personal);
    });

    it("should show a letter already received as 已接收, not in green and not as usable", async function () {
      const { anchored } = portal.instance;
      const receiver = await anchored.database.repositories.accounts.create({
        username: "verify-approver-b",
        passwordHash: "unused",
        role: "APPROVER",
        orgId: ORG_IDS.committeeB,
        canReadPersonalData: true,
      });
      await acceptTransfer(
        anchored.institution,
        { accountId: receiver.id, orgId: ORG_IDS.committeeB, role: "APPROVER", canReadPersonalData: true },
        other.id,
      );
      const { number } = await printed(other.id);
      await eventually(async () => {
        const answer = await clerk.json<{ letter: { state: string } | null }>("POST", "/api/verify/letter", { number });
        return answer.letter?.state === "ACCEPTED" ? true : undefined;
      });
      const page = await portal.newPage(DESKTOP);
      await page.goto(`/verify?number=${number}`);

      await announced(page, "已接收：这封介绍信已经用过，不能再用").waitFor();
      const verdict = await page.locator(".verify-verdict").getAttribute("class");
      expect(verdict).to.contain("verdict-used").and.not.contain("verdict-ok");
      expect(await page.locator("dl.facts").textContent())
        .to.contain("已接收")
        .and.not.contain("待接收");
      expect(await pageText(page)).to.not.contain("验证通过");
      await expectAccessible(page);
      await saveScreenshot(page, "verify-letter-used");
    });

    it("should verify a letter's PDF dropped on the page", async function () {
      const pdf = await clerk.bytes(`/api/transfers/${transfer.id}/letter.pdf`);
      const page = await portal.newPage(DESKTOP);
      await page.goto("/verify");

      await dropFile(page, /^介绍信 PDF/, { name: "letter.pdf", mimeType: "application/pdf", buffer: pdf });
      await page.locator(".verify-chosen").waitFor();
      await page.getByRole("button", { name: "核验介绍信" }).click();

      await announced(page, "有效：介绍信尚未使用").waitFor();
      expect(await check(page, "介绍信文件").textContent()).to.contain("完全一致");
      const text = await pageText(page);
      for (const personal of [...PERSONAL, holder.name]) expect(text).to.not.contain(personal);
      await expectAccessible(page);
    });
  });
});
