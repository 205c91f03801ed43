// Roster files as a university keeps them, generated for the tests: valid resident ID numbers (GB 11643 check
// character, birth date, sex) and .xlsx or GBK .csv files written with the libraries the import reads them with.
import ExcelJS from "exceljs";
import iconv from "iconv-lite";
import { idNumberCheckCharacter } from "../../api/src/domain/roster/id-number";

/** A valid ID number for this birth date and sex; `serial` (0–49) tells people of one birthday apart. */
export function idNumberOf(birthDate: string, sex: "M" | "F", serial = 0): string {
  const sequence = String(serial * 2 + (sex === "M" ? 1 : 2)).padStart(3, "0");
  const first17 = `110105${birthDate.replace(/-/g, "")}${sequence}`;
  return `${first17}${idNumberCheckCharacter(first17)}`;
}

/** The same number with a wrong check character. */
export function withWrongCheckCharacter(idNumber: string): string {
  const wrong = idNumber[17] === "0" ? "1" : "0";
  return `${idNumber.slice(0, 17)}${wrong}`;
}

export type RosterRows = readonly (readonly (string | Date | null)[])[];

export async function xlsxOf(headers: readonly string[], rows: RosterRows): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet("党员名册");
  sheet.addRow([...headers]);
  for (const row of rows) sheet.addRow([...row]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A .csv as Excel on a Chinese Windows saves it: GBK, CRLF line ends, fields quoted only when needed. */
export function gbkCsvOf(headers: readonly string[], rows: RosterRows): Buffer {
  const cell = (value: string | Date | null) => {
    const text = value === null ? "" : value instanceof Date ? value.toISOString().slice(0, 10) : value;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [headers, ...rows].map((row) => row.map(cell).join(","));
  return iconv.encode(`${lines.join("\r\n")}\r\n`, "gbk");
}
