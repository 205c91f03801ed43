import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect } from "chai";
import type { Locator, Page } from "playwright-core";
import { latinWordsOutside } from "../helpers/latin";
import { DESKTOP, PHONE, expectAccessible, logIn, PORTAL_USERS, startPortal, type PortalEnvironment } from "../helpers/portal";

// A 2×2 red PNG and a one-page PDF: real files of the kinds a clerk scans or photographs.
const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4z8DwnwGMgRQAH+4D/dJQfRoAAAAASUVORK5CYII=", "base64");
const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
    "3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n",
);
/** What the Chinese page may say in Latin letters: the file formats, size units and the chosen files' names. */
const FORMAT_WORDS = [/\b(PDF|PNG|JPEG|KB|MB|B)\b/g, /[\w-]+\.(png|pdf|txt)/g];

function sha256(bytes: Buffer): string {
  return `0x${createHash("sha256").update(bytes).digest("hex")}`;
}

interface ListedRecord {
  step: string;
  body?: { evidence: { sha256: string; contentType: string; size: number }[] };
}

async function listedRecords(page: Page, memberId: string): Promise<ListedRecord[]> {
  const token = await page.evaluate(() => JSON.parse(localStorage.getItem("cunzheng.session") ?? "{}").token as string);
  const response = await page.request.get(`/api/members/${memberId}/records`, { headers: { authorization: `Bearer ${token}` } });
  expect(response.status()).to.equal(200);
  return ((await response.json()) as { items: ListedRecord[] }).items;
}

function timelineStep(page: Page, officialName: string): Locator {
  return page.getByRole("listitem").filter({ has: page.getByText(officialName, { exact: true }) });
}

/** An image as the browser drew it: 0 wide when its source did not load (a refused URL, broken bytes). */
async function drawnWidth(image: Locator): Promise<number> {
  await image.waitFor();
  return image.evaluate(async (element: HTMLImageElement) => {
    await element.decode().catch(() => undefined);
    return element.naturalWidth;
  });
}

describe("Portal: evidence", function () {
  let portal: PortalEnvironment;

  before(async function () {
    portal = await startPortal();
  });

  after(async function () {
    await portal?.close();
  });

  for (const [width, viewport] of Object.entries({ desktop: DESKTOP, phone: PHONE })) {
    it(`should upload evidence with a preview, save the record with it and download the same bytes from the timeline at ${width} width`, async function () {
      const memberId = await portal.instance.anchored.walk("S1");
      const page = await portal.newPage(viewport);
      const scriptErrors: string[] = [];
      page.on("pageerror", (error) => scriptErrors.push(error.message));
      await logIn(page, PORTAL_USERS.clerk);
      await page.goto(`/console/members/${memberId}`);
      await page.getByRole("heading", { level: 1, name: "测试人员" }).waitFor();
      await page.getByLabel(/^谈话人/).fill("李老师");
      await page.getByLabel(/^谈话情况/).fill("入党动机端正");

      const picker = page.getByLabel(/^附件（扫描件、PDF、照片）/);
      await picker.setInputFiles([
        { name: "talk-photo.png", mimeType: "image/png", buffer: PNG },
        { name: "talk-notes.pdf", mimeType: "application/pdf", buffer: PDF },
        { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not evidence") },
      ]);
      const chosen = page.getByRole("list", { name: "已选择的附件" });
      const photo = chosen.getByRole("listitem").filter({ hasText: "talk-photo.png" });
      const notes = chosen.getByRole("listitem").filter({ hasText: "talk-notes.pdf" });
      const text = chosen.getByRole("listitem").filter({ hasText: "notes.txt" });
      await photo.getByText("已上传").waitFor();
      await notes.getByText("已上传").waitFor();
      // The preview: the picked image drawn from its object URL; the PDF by kind and size.
      expect(await drawnWidth(photo.getByRole("img", { name: "talk-photo.png" }))).to.equal(2);
      expect(await notes.textContent())
        .to.contain("PDF 文件")
        .and.contain(`${PDF.length} B`);
      // A file the record cannot take is refused in words, before any upload, and can be taken away again.
      expect(await text.textContent()).to.contain("上传失败：只能上传 PDF、PNG 或 JPEG 文件");
      await text.getByRole("button", { name: /移除/ }).click();
      await text.waitFor({ state: "detached" });
      expect(latinWordsOutside(await page.locator(".evidence-picker").innerText(), FORMAT_WORDS)).to.deep.equal([]);
      await expectAccessible(page);

      await page.getByRole("button", { name: "记录", exact: true }).click();
      await page.getByRole("status").filter({ hasText: "已记录 S2 党组织派人谈话" }).waitFor();
      // The form starts over empty; the record holds both files' hashes.
      expect(await chosen.count()).to.equal(0);
      const [talkRecord] = (await listedRecords(page, memberId)).filter((record) => record.step === "S2");
      expect(talkRecord.body!.evidence).to.deep.equal([
        { sha256: sha256(PNG), contentType: "image/png", size: PNG.length },
        { sha256: sha256(PDF), contentType: "application/pdf", size: PDF.length },
      ]);

      // On the timeline: each file downloads through the scoped, re-hashed GET with the bytes uploaded.
      const talk = timelineStep(page, "党组织派人谈话");
      await talk.getByText("附件 2", { exact: true }).waitFor();
      for (const [n, bytes, extension] of [
        [1, PNG, "png"],
        [2, PDF, "pdf"],
      ] as const) {
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          talk.getByRole("button", { name: new RegExp(`^下载\\s*（记录 #\\d+ 的附件 ${n}）$`) }).click(),
        ]);
        expect(download.suggestedFilename()).to.equal(`evidence-${sha256(bytes).slice(2, 18)}.${extension}`);
        expect(readFileSync(await download.path()).equals(bytes)).to.equal(true);
      }
      await talk.getByRole("button", { name: /^预览\s*（记录 #\d+ 的附件 1）$/ }).click();
      expect(await drawnWidth(talk.getByRole("img", { name: /附件 1/ }))).to.equal(2);
      expect(await talk.getByRole("button", { name: /预览（记录 #\d+ 的附件 2）/ }).count()).to.equal(0);
      expect(latinWordsOutside(await talk.innerText(), FORMAT_WORDS)).to.deep.equal([]);
      await expectAccessible(page);
      expect(scriptErrors).to.deep.equal([]);
    });
  }

  it("should enter a new applicant with the application's scan attached", async function () {
    const page = await portal.newPage();
    await logIn(page, PORTAL_USERS.clerk);
    await page.goto("/console/members");
    await page.getByRole("button", { name: "登记入党申请人" }).click();
    await page.getByLabel(/^姓名/).fill("赵附件");
    await page.getByLabel(/^身份证号码/).fill("11010520010304001X");
    await page.getByLabel(/^出生日期/).fill("2001-03-04");
    await page.getByLabel(/^入党申请书要点/).fill("志愿加入中国共产党");
    await page.getByLabel(/^附件/).setInputFiles({ name: "application.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByRole("list", { name: "已选择的附件" }).getByText("已上传").waitFor();
    await page.getByRole("button", { name: "登记", exact: true }).click();
    await page.waitForURL(/\/console\/members\/[0-9a-f-]{36}$/);
    const memberId = page.url().split("/").pop()!;

    const [application] = await listedRecords(page, memberId);
    expect(application.body!.evidence).to.deep.equal([{ sha256: sha256(PDF), contentType: "application/pdf", size: PDF.length }]);
    await timelineStep(page, "递交入党申请书").getByText("附件 1", { exact: true }).waitFor();
  });
});
