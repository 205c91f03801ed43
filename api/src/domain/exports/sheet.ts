// The layout every exported spreadsheet shares, as an organization department files it upward: a title row naming
// the organization and the date above a bold header row of Chinese titles, columns wide enough for their contents,
// the header repeated on every printed page.
import type ExcelJS from "exceljs";

export const XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

export interface SheetColumn {
  title: string;
  /** Characters the widest expected value takes; the title's own width when omitted. */
  width?: number;
  /** Dates are written as dates, so Excel sorts and filters them as such. */
  date?: boolean;
}

export type Cell = string | number | Date | null;

/** The width Excel needs for a text: a CJK character takes about two columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += character.charCodeAt(0) > 0x2e7f ? 2 : 1;
  return width;
}

/** A calendar date "YYYY-MM-DD" as the date cell Excel shows as that day. */
export function dateCell(iso: string | null | undefined): Date | null {
  return iso ? new Date(`${iso}T00:00:00Z`) : null;
}

function widthOf(column: SheetColumn): number {
  return Math.min(48, Math.max(8, displayWidth(column.title), column.width ?? 0, column.date ? 10 : 0) + 2);
}

/**
 * A worksheet whose first row is `title` across all columns and whose second row is the header; data rows follow.
 * The printed page repeats both rows and carries the title in its header too.
 */
export function addTitledSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  title: string,
  columns: readonly SheetColumn[],
  rows: readonly Cell[][],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: "frozen", ySplit: 2 }],
    pageSetup: {
      orientation: columns.length > 8 ? "landscape" : "portrait",
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: "1:2",
    },
    headerFooter: { oddHeader: `&C${title}`, oddFooter: "&C第 &P 页，共 &N 页" },
  });
  sheet.columns = columns.map((column) => ({ width: widthOf(column), ...(column.date && { style: { numFmt: "yyyy-mm-dd" } }) }));
  sheet.addRow([title]);
  sheet.mergeCells(1, 1, 1, Math.max(1, columns.length));
  sheet.getRow(1).font = { bold: true, size: 14 };
  sheet.getRow(1).alignment = { horizontal: "center" };
  addHeaderRow(sheet, columns);
  sheet.addRows(rows.map((row) => [...row]));
  return sheet;
}

/** A worksheet whose first row is the header, as the roster import reads one; the title goes on the printed page. */
export function addHeaderedSheet(
  workbook: ExcelJS.Workbook,
  name: string,
  title: string,
  columns: readonly SheetColumn[],
  rows: readonly Cell[][],
): ExcelJS.Worksheet {
  const sheet = workbook.addWorksheet(name, {
    views: [{ state: "frozen", ySplit: 1 }],
    pageSetup: { orientation: "landscape", fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: "1:1" },
    headerFooter: { oddHeader: `&C${title}`, oddFooter: "&C第 &P 页，共 &N 页" },
  });
  sheet.columns = columns.map((column) => ({ width: widthOf(column), ...(column.date && { style: { numFmt: "yyyy-mm-dd" } }) }));
  addHeaderRow(sheet, columns);
  sheet.addRows(rows.map((row) => [...row]));
  return sheet;
}

function addHeaderRow(sheet: ExcelJS.Worksheet, columns: readonly SheetColumn[]): void {
  const header = sheet.addRow(columns.map((column) => column.title));
  header.font = { bold: true };
  header.alignment = { horizontal: "center", vertical: "middle", wrapText: true };
  header.eachCell((cell) => {
    cell.border = { bottom: { style: "thin" } };
  });
}

/**
 * exceljs, loaded on first use: it is a fifth of the instance's start-up to load (~0.2 s), and only exports and roster
 * files need it.
 */
export async function loadExcel(): Promise<typeof ExcelJS> {
  return (await import("exceljs")).default;
}

/** A workbook carrying the title in its properties too, so a file browser shows what it holds. */
export async function newWorkbook(title: string, now: Date): Promise<ExcelJS.Workbook> {
  const workbook = new (await loadExcel()).Workbook();
  workbook.creator = "存证";
  workbook.title = title;
  workbook.created = now;
  return workbook;
}

export async function workbookBytes(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
