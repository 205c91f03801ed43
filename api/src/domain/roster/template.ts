// The roster template offered for download: one header row with every column the import reads, in the order of
// a usual 党员名册, dates formatted as dates.
import { loadExcel } from "../exports/sheet";
import { ROSTER_COLUMNS } from "./columns";

export async function rosterTemplate(): Promise<Buffer> {
  const workbook = new (await loadExcel()).Workbook();
  const sheet = workbook.addWorksheet("党员名册");
  sheet.columns = ROSTER_COLUMNS.map((column) => ({
    header: column.title,
    key: column.field,
    width: Math.max(12, column.title.length * 2 + 4),
    ...(column.field.endsWith("Date") && { style: { numFmt: "yyyy-mm-dd" } }),
    // The ID number is text: a number column would round its last digits away.
    ...(column.field === "idNumber" && { style: { numFmt: "@" } }),
  }));
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
