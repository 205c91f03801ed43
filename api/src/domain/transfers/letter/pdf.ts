// The printed transfer letter (中国共产党党员组织关系介绍信) on one A4 page in the official layout: the 存根 the issuing
// committee keeps, the letter the member carries, and the 回执 the receiving committee returns, cut apart along the
// dashed lines, each with the same 编号. Everything printed is Chinese, apart from numbers, the 编号, the 核验码 and the
// verification address; the QR codes (on the letter and on the 回执) open the verification page. Fields the system
// does not hold (民族 when not entered, the committee's address, telephone and postcode when not configured, 党费交到)
// are left as blanks to be filled in by hand, as on the paper form. The letter's skeleton rides along in the PDF's Info dictionary (key
// CunzhengLetter), so that the verification page can read it back from the file.
import { readFileSync } from "node:fs";
import path from "node:path";
import { toBuffer as qrPng } from "qrcode";

import type { IsoDate } from "../../../lib/calendar";
import { REPOSITORY_ROOT } from "../../../lib/repository-root";
import { groupedNumber, groupedSalt } from "./number";
import type { Letter } from "./format";
import type { TransferKind } from "../../vocabulary";

const LETTER_INFO_KEY = "CunzhengLetter";

/** How the destination reaches the issuing committee (LETTER_ISSUER_* settings); what is unset prints as a blank. */
export interface LetterIssuerContact {
  readonly address?: string;
  readonly phone?: string;
  readonly fax?: string;
  readonly postcode?: string;
}

export interface LetterPage {
  kind: TransferKind;
  /** 编号 (15 digits) and 核验码 (12 digits). */
  number: string;
  salt: string;
  /** The destination: its committee and organization, inside the consortium or outside it. */
  addressee: string;
  member: { name: string; gender?: "M" | "F"; age: number; ethnicity?: string; idNumber: string; phone?: string };
  /** 正式党员, 预备党员, 入党积极分子… */
  stageName: string;
  /** The member's organization, with its committee (and so its university). */
  fromOrgName: string;
  /** The approving committee that issues the letter and stamps it, and how the destination reaches it. */
  issuerName: string;
  issuerContact: LetterIssuerContact;
  /** 党费交到 (YYYY-MM), when the clerk gave it. */
  duesPaidUntil?: string;
  issuedOn: IsoDate;
  validDays: number;
  /** The letter's QR code (with the 核验码) and the receipt's (the 编号 alone). */
  letterUrl: string;
  receiptUrl: string;
  letter: Letter;
}

const TITLES: Record<TransferKind, string> = {
  MEMBERSHIP: "中国共产党党员组织关系介绍信",
  MATERIALS: "入党积极分子（发展对象）材料转递函",
};
const GENDERS = { M: "男", F: "女" } as const;
const CJK = "NotoSansSC";
const MARGIN = 42;
const QR_SIZE = 84;
const BLANK = "＿＿＿＿＿＿";

// Noto Sans SC cut to what letters are written in (scripts/letter-font.js, OFL): 2 MB, read once per process.
let cjkFont: Buffer | undefined;
function cjkFontBytes(): Buffer {
  cjkFont ??= readFileSync(path.join(REPOSITORY_ROOT, "api", "fonts", "NotoSansSC-letter.ttf"));
  return cjkFont;
}

/** The PNG the letter prints: the verification URL at error-correction level M. */
function qrOf(url: string): Promise<Buffer> {
  return qrPng(url, { errorCorrectionLevel: "M", margin: 2, scale: 6 });
}

export async function renderLetterPdf(page: LetterPage): Promise<Buffer> {
  const info = { Title: TITLES[page.kind], Subject: page.number, [LETTER_INFO_KEY]: JSON.stringify(page.letter) };
  // pdfkit, loaded on the first letter: a tenth of the instance's start-up to load (~0.1 s) for what few requests need.
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, info });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  doc.registerFont(CJK, cjkFontBytes());
  doc.font(CJK);
  const [letterQr, receiptQr] = await Promise.all([qrOf(page.letterUrl), qrOf(page.receiptUrl)]);
  const stubBottom = writeStub(doc, page, MARGIN);
  cutLine(doc, stubBottom + 10);
  const letterBottom = writeLetter(doc, page, stubBottom + 24, letterQr);
  cutLine(doc, letterBottom + 10);
  writeReceipt(doc, page, letterBottom + 24, receiptQr);
  doc.end();
  return finished;
}

const width = (doc: PDFKit.PDFDocument) => doc.page.width - 2 * MARGIN;

function heading(doc: PDFKit.PDFDocument, page: LetterPage, suffix: string, top: number): void {
  doc.fontSize(15).text(`${TITLES[page.kind]}${suffix}`, MARGIN, top, { width: width(doc), align: "center" });
  doc.fontSize(10).text(`编号：${groupedNumber(page.number)}`, { width: width(doc), align: "right" });
}

function memberLine(page: LetterPage): string {
  const { member } = page;
  const gender = member.gender ? GENDERS[member.gender] : BLANK;
  return `${member.name}同志，性别${gender}，年龄${member.age}岁，民族${member.ethnicity ?? BLANK}，公民身份号码${member.idNumber}`;
}

function dues(page: LetterPage): string {
  if (!page.duesPaidUntil) return "＿＿＿＿年＿＿月";
  const [year, month] = page.duesPaidUntil.split("-").map(Number);
  return `${year}年${month}月`;
}

function writeStub(doc: PDFKit.PDFDocument, page: LetterPage, top: number): number {
  heading(doc, page, "（存根）", top);
  doc.moveDown(0.5).fontSize(11);
  const line = `${memberLine(page)}，系中共${page.stageName}，组织关系由${page.fromOrgName}转到${page.addressee}。党费交到${dues(page)}。`;
  doc.text(line, MARGIN, doc.y, { width: width(doc), indent: 22, lineGap: 4 });
  doc.moveDown(0.3).text(`有效期${page.validDays}天　　　　${chineseDate(page.issuedOn)}`, { width: width(doc), align: "right" });
  return doc.y;
}

function writeLetter(doc: PDFKit.PDFDocument, page: LetterPage, top: number, qr: Buffer): number {
  heading(doc, page, "", top);
  doc
    .moveDown(0.6)
    .fontSize(12)
    .text(`${page.addressee}：`, MARGIN, doc.y, { width: width(doc) });
  const purpose =
    page.kind === "MEMBERSHIP"
      ? `系中共${page.stageName}，由${page.fromOrgName}去${page.addressee}，请转接组织关系。该同志党费已交到${dues(page)}。`
      : `现为${page.stageName}，其入党材料由${page.fromOrgName}转递${page.addressee}，请予接收，并继续做好培养考察工作。`;
  doc.moveDown(0.3).text(`${memberLine(page)}，${purpose}`, { width: width(doc), indent: 24, lineGap: 6 });
  doc.moveDown(0.6).text(`（有效期${page.validDays}天）`, { width: width(doc) });
  const signTop = doc.y + 6;
  doc.text(`${page.issuerName}（盖章）`, MARGIN, signTop, { width: width(doc), align: "right" });
  doc.moveDown(0.3).text(chineseDate(page.issuedOn), { width: width(doc), align: "right" });
  doc.moveDown(0.8).fontSize(10);
  const contact = page.issuerContact;
  const contacts = [
    `党员联系电话或其他联系方式：${page.member.phone ?? BLANK}`,
    `党员原所在基层党委通讯地址：${contact.address ?? `${BLANK}${BLANK}`}`,
    `联系电话：${contact.phone ?? BLANK}　　传真：${contact.fax ?? BLANK}　　邮编：${contact.postcode ?? BLANK}`,
  ];
  const textWidth = width(doc) - QR_SIZE - 16;
  const blockTop = doc.y;
  for (const contact of contacts) doc.text(contact, MARGIN, doc.y, { width: textWidth, lineGap: 3 });
  doc
    .moveDown(0.4)
    .text(`核验码：${groupedSalt(page.salt)}（与姓名、公民身份号码后四位一起，在核验页核对持信人）`, { width: textWidth, lineGap: 3 });
  doc.text(`核验：扫描右侧二维码，或打开 ${new URL(page.letterUrl).origin}/verify 输入编号。`, { width: textWidth });
  doc.image(qr, doc.page.width - MARGIN - QR_SIZE, blockTop, { width: QR_SIZE });
  return Math.max(doc.y, blockTop + QR_SIZE);
}

function writeReceipt(doc: PDFKit.PDFDocument, page: LetterPage, top: number, qr: Buffer): void {
  heading(doc, page, "回执", top);
  const textWidth = width(doc) - QR_SIZE - 16;
  const blockTop = doc.y + 6;
  doc.fontSize(12).text(`${page.issuerName}：`, MARGIN, blockTop, { width: textWidth });
  const what = page.kind === "MEMBERSHIP" ? "的党员组织关系已转达我处" : "的入党材料已转达我处";
  doc.moveDown(0.3).text(`${page.member.name}同志${what}，特此回执。`, { width: textWidth, indent: 24 });
  doc.moveDown(0.8).text("接收党组织（盖章）　　　　", { width: textWidth, align: "right" });
  doc.moveDown(0.3).text("　　年　　月　　日", { width: textWidth, align: "right" });
  doc.image(qr, doc.page.width - MARGIN - QR_SIZE, blockTop, { width: QR_SIZE });
}

function cutLine(doc: PDFKit.PDFDocument, y: number): void {
  doc
    .save()
    .moveTo(MARGIN, y)
    .lineTo(doc.page.width - MARGIN, y)
    .dash(4, { space: 3 })
    .lineWidth(0.6)
    .stroke()
    .restore();
}

function chineseDate(date: IsoDate): string {
  const [year, month, day] = date.split("-").map(Number);
  return `${year}年${month}月${day}日`;
}
