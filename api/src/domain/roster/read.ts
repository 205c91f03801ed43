// Reading a roster file into a header row and data rows of plain cells: .xlsx through exceljs (the first worksheet),
// .csv in UTF-8 (with or without a byte-order mark) or GBK, the encoding Excel on a Chinese Windows saves in.
import { Readable } from "node:stream";
import type ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { loadExcel } from "../exports/sheet";
import { RuleViolation } from "../errors";
import { RULES } from "../refusals";

/** A cell as read: text, or a date when the spreadsheet stored one. Empty cells are null. */
export type RosterCell = string | Date | null;

export interface RosterRow {
  /** The row's number in the file as a spreadsheet shows it (the header is row 1). */
  line: number;
  cells: Record<string, RosterCell>;
}

export interface RosterTable {
  headers: string[];
  rows: RosterRow[];
  encoding: "xlsx" | "utf-8" | "gbk";
}

export type RosterFormat = "xlsx" | "csv";

/** The format a file name's extension names, or null for anything else. */
export function rosterFormatOf(fileName: string): RosterFormat | null {
  const extension = /\.([a-z]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  return extension === "xlsx" || extension === "csv" ? extension : null;
}

export async function readRosterFile(bytes: Buffer, format: RosterFormat): Promise<RosterTable> {
  const workbook = new (await loadExcel()).Workbook();
  let encoding: RosterTable["encoding"] = "xlsx";
  try {
    if (format === "xlsx") {
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    } else {
      const decoded = decodeCsv(bytes);
      encoding = decoded.encoding;
      // Every cell stays text: an ID number read as a number would lose its last digits.
      await workbook.csv.read(Readable.from([decoded.text]), { map: (value: unknown) => value });
    }
  } catch (error) {
    throw new RuleViolation({
      rule: RULES.rosterUnreadable,
      field: "file",
      message: `the file is not a readable ${format} file (${(error as Error).message})`,
    });
  }
  const sheet = workbook.worksheets[0];
  if (sheet === undefined || sheet.rowCount === 0) return { headers: [], rows: [], encoding };
  const headerRow = sheet.getRow(1);
  const headers: string[] = [];
  const columnOf = new Map<number, string>();
  headerRow.eachCell({ includeEmpty: false }, (cell, column) => {
    const header = textOf(cell.value)?.trim();
    if (header) {
      headers.push(header);
      columnOf.set(column, header);
    }
  });
  const rows: RosterRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, line) => {
    if (line === 1) return;
    const cells: Record<string, RosterCell> = {};
    let empty = true;
    for (const [column, header] of columnOf) {
      const value = cellValue(row.getCell(column).value);
      cells[header] = value;
      if (value !== null) empty = false;
    }
    if (!empty) rows.push({ line, cells });
  });
  return { headers, rows, encoding };
}

function decodeCsv(bytes: Buffer): { text: string; encoding: "utf-8" | "gbk" } {
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
    return { text, encoding: "utf-8" };
  } catch {
    return { text: iconv.decode(bytes, "gbk"), encoding: "gbk" };
  }
}

function cellValue(value: ExcelJS.CellValue): RosterCell {
  if (value instanceof Date) return value;
  if (value !== null && typeof value === "object" && "result" in value) return cellValue(value.result);
  const text = textOf(value)?.trim();
  return text ? text : null;
}

function textOf(value: ExcelJS.CellValue): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object" && "richText" in value) return value.richText.map((part) => part.text).join("");
  if (typeof value === "object" && "text" in value) return String(value.text);
  if (typeof value === "object" && "result" in value) return textOf(value.result);
  return null;
}
