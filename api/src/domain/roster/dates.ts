// Dates as rosters write them: a spreadsheet date, 2015-03-01, 2015/3/1, 2015.3.1, 2015年3月1日, 20150301, or an Excel
// serial number left in a cell formatted as a number.
import { isIsoDate, isoFromDay, type IsoDate } from "../../lib/calendar";
import type { RosterCell } from "./read";

/** Days from 1970-01-01 back to Excel's day 0 (1899-12-30, which absorbs Excel's phantom 1900-02-29). */
const EXCEL_EPOCH_OFFSET = 25_569;

/** The calendar date a cell holds, or null when it holds none that can be read without guessing. */
export function parseRosterDate(cell: RosterCell): IsoDate | null {
  if (cell === null) return null;
  if (cell instanceof Date) {
    // exceljs gives a date cell as midnight UTC of that calendar day.
    return Number.isNaN(cell.getTime()) ? null : cell.toISOString().slice(0, 10);
  }
  const text = cell.trim();
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  const separated = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text);
  const parts = compact ?? separated;
  if (parts) {
    const iso = `${parts[1]}-${parts[2].padStart(2, "0")}-${parts[3].padStart(2, "0")}`;
    return isIsoDate(iso) ? iso : null;
  }
  if (/^\d{5}$/.test(text)) return isoFromDay(Number(text) - EXCEL_EPOCH_OFFSET);
  return null;
}
