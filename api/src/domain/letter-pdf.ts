// The printed transfer letter (介绍信) on one A4 page: the official wording naming the member, then what makes it
// checkable — the transfer code, the letter hash and a QR code to the public verification page. The letter's skeleton
// rides along in the PDF's Info dictionary (key CunzhengLetter), so that the page can read it back from the file.
import { readFileSync } from "node:fs";
import PDFDocument from "pdfkit";
import { toBuffer as qrPng } from "qrcode";
import type { TransferKind } from "../data-access";
import type { IsoDate } from "../lib/calendar";
import type { Letter } from "./transfers";

const LETTER_INFO_KEY = "CunzhengLetter";

export interface LetterPage {
  kind: TransferKind;
  /** The destination organization's name, inside the consortium or outside it. */
  addressee: string;
  member: { name: string; gender?: "M" | "F"; idNumber: string };
  stageName: string;
  fromOrgName: string;
  /** The approving committee that issues the letter and stamps it. */
  issuerName: string;
  issuedOn: IsoDate;
  validUntil: IsoDate;
  letterHash: string;
  verifyUrl: string;
  letter: Letter;
}

const TITLES: Record<TransferKind, string> = {
  MEMBERSHIP: "中国共产党党员组织关系介绍信",
  MATERIALS: "入党积极分子（发展对象）材料转递函",
};
const GENDERS = { M: "男", F: "女" } as const;
const CJK = "NotoSansSC";
const MONOSPACE = "Courier";
const MARGIN = 72;
const QR_SIZE = 120;

// 10 MB of glyphs, read once per process; pdfkit embeds only the glyphs a letter uses.
let cjkFont: Buffer | undefined;
function cjkFontBytes(): Buffer {
  cjkFont ??= readFileSync(require.resolve("@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf"));
  return cjkFont;
}

/** The PNG the letter prints: the verification URL at error-correction level M. */
function verificationQrPng(url: string): Promise<Buffer> {
  return qrPng(url, { errorCorrectionLevel: "M", margin: 2, scale: 6 });
}

export async function renderLetterPdf(page: LetterPage): Promise<Buffer> {
  const info = { Title: TITLES[page.kind], Subject: page.letter.transferId, [LETTER_INFO_KEY]: JSON.stringify(page.letter) };
  const doc = new PDFDocument({ size: "A4", margin: MARGIN, info });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  doc.registerFont(CJK, cjkFontBytes());
  writeLetter(doc, page);
  writeVerification(doc, page, await verificationQrPng(page.verifyUrl));
  doc.end();
  return finished;
}

function writeLetter(doc: PDFKit.PDFDocument, page: LetterPage): void {
  const width = doc.page.width - 2 * MARGIN;
  doc.font(CJK).fontSize(20).text(TITLES[page.kind], MARGIN, 96, { width, align: "center" });
  doc.moveDown(2).fontSize(13).text(`${page.addressee}：`, { width });
  doc.moveDown(0.8).text(bodyOf(page), { width, indent: 26, lineGap: 8 });
  doc.moveDown(3);
  doc.text(`${page.issuerName}（盖章）`, { width, align: "right" });
  doc.moveDown(0.5).text(chineseDate(page.issuedOn), { width, align: "right" });
  doc.moveDown(2).fontSize(11).text(`（本${page.kind === "MEMBERSHIP" ? "介绍信" : "转递函"}有效期至${chineseDate(page.validUntil)}）`, { width });
}

function bodyOf(page: LetterPage): string {
  const { member } = page;
  const gender = member.gender ? `（${GENDERS[member.gender]}）` : "";
  const who = `兹介绍${member.name}同志${gender}，公民身份号码${maskedIdNumber(member.idNumber)}`;
  if (page.kind === "MEMBERSHIP") {
    return `${who}，系中共${page.stageName}，其党员组织关系由${page.fromOrgName}转至${page.addressee}，请予接洽。`;
  }
  return `${who}，现为${page.stageName}，其入党材料由${page.fromOrgName}转递${page.addressee}，请予接收，并继续做好培养考察工作。`;
}

function writeVerification(doc: PDFKit.PDFDocument, page: LetterPage, qrPng: Buffer): void {
  const top = doc.page.height - MARGIN - QR_SIZE - 24;
  const qrLeft = doc.page.width - MARGIN - QR_SIZE;
  const textWidth = qrLeft - MARGIN - 16;
  doc.moveTo(MARGIN, top - 16).lineTo(doc.page.width - MARGIN, top - 16).lineWidth(0.5).stroke();
  doc.font(CJK).fontSize(9).text("转接编号 / Transfer code", MARGIN, top, { width: textWidth });
  doc.font(MONOSPACE).fontSize(9).text(inTwoLines(page.letter.transferId), { width: textWidth });
  doc.moveDown(0.6).font(CJK).text("介绍信哈希 / Letter hash (keccak256)", { width: textWidth });
  doc.font(MONOSPACE).text(inTwoLines(page.letterHash), { width: textWidth });
  const { origin, pathname } = new URL(page.verifyUrl);
  doc.moveDown(0.6).font(CJK).text(`核验：扫描二维码，或在 ${origin}${pathname} 输入转接编号。`, { width: textWidth });
  doc.image(qrPng, qrLeft, top, { width: QR_SIZE });
  doc.font(CJK).fontSize(8).text("扫码核验 / Scan to verify", qrLeft, top + QR_SIZE + 4, { width: QR_SIZE, align: "center" });
}

/** 0x and 64 hex digits do not fit beside the QR code in one line: break them where a reader copies them easily. */
function inTwoLines(hex: string): string {
  return `${hex.slice(0, 34)}\n${hex.slice(34)}`;
}

function maskedIdNumber(idNumber: string): string {
  return `${"*".repeat(Math.max(0, idNumber.length - 4))}${idNumber.slice(-4)}`;
}

function chineseDate(date: IsoDate): string {
  const [year, month, day] = date.split("-").map(Number);
  return `${year}年${month}月${day}日`;
}
