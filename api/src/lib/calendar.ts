// Calendar dates of the consortium: "YYYY-MM-DD" in China Standard Time, and day numbers (days since
// 1970-01-01) as the chain stores them. The arithmetic is the same as contracts/libraries/CalendarDay.sol
// (Howard Hinnant's days_from_civil / civil_from_days) so the API and the chain agree on "one year later".

/** A calendar date "YYYY-MM-DD". */
export type IsoDate = string;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MIN_YEAR = 1900;
const MS_PER_DAY = 86_400_000;
/** China Standard Time has no daylight saving: always UTC+8. */
const CHINA_UTC_OFFSET_MS = 8 * 3_600_000;

interface Civil {
  year: number;
  month: number;
  day: number;
}

/** Whether `value` is a real calendar date written "YYYY-MM-DD" (year 1900 or later). */
export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== "string") return false;
  const match = ISO_DATE.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return year >= MIN_YEAR && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** Throws unless `value` is a real calendar date "YYYY-MM-DD". */
export function assertIsoDate(value: unknown, what = "date"): asserts value is IsoDate {
  if (!isIsoDate(value)) throw new RangeError(`${what} must be a calendar date "YYYY-MM-DD", got ${JSON.stringify(value)}`);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function parse(iso: IsoDate): Civil {
  assertIsoDate(iso);
  return { year: Number(iso.slice(0, 4)), month: Number(iso.slice(5, 7)), day: Number(iso.slice(8, 10)) };
}

function format({ year, month, day }: Civil): IsoDate {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function fromCivil({ year, month, day }: Civil): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function toCivil(dayNumber: number): Civil {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Days since 1970-01-01 (negative before it; the chain only stores days ≥ 0). */
export function dayNumber(iso: IsoDate): number {
  return fromCivil(parse(iso));
}

/** The date of a day number. */
export function isoFromDay(day: number): IsoDate {
  if (!Number.isSafeInteger(day)) throw new RangeError(`day number must be an integer, got ${day}`);
  const iso = format(toCivil(day));
  assertIsoDate(iso, "day number's date");
  return iso;
}

/** `iso` plus `months` calendar months, clamped to the last day of the target month (Jan 31 + 1 = Feb 28/29). */
export function addMonths(iso: IsoDate, months: number): IsoDate {
  if (!Number.isSafeInteger(months)) throw new RangeError(`months must be an integer, got ${months}`);
  const { year, month, day } = parse(iso);
  const monthIndex = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(monthIndex / 12);
  const targetMonth = monthIndex - targetYear * 12 + 1;
  const lastDay = daysInMonth(targetYear, targetMonth);
  const result = format({ year: targetYear, month: targetMonth, day: Math.min(day, lastDay) });
  assertIsoDate(result, "result of addMonths");
  return result;
}

export function addDays(iso: IsoDate, days: number): IsoDate {
  if (!Number.isSafeInteger(days)) throw new RangeError(`days must be an integer, got ${days}`);
  return isoFromDay(dayNumber(iso) + days);
}

/**
 * Age in whole years on a date: the number of birthdays passed, a birthday counting on its own day.
 * A 29 February birthday falls on 28 February in common years, as `addMonths` clamps (and as the Civil Code,
 * art. 202, ends a period on the month's last day when the corresponding day does not exist).
 */
export function ageOn(birthIso: IsoDate, onIso: IsoDate): number {
  assertIsoDate(birthIso, "birth date");
  assertIsoDate(onIso);
  if (onIso < birthIso) throw new RangeError(`${onIso} is before the birth date`);
  const years = Number(onIso.slice(0, 4)) - Number(birthIso.slice(0, 4));
  return addMonths(birthIso, years * 12) > onIso ? years - 1 : years;
}

/** Today's date in China Standard Time. */
export function todayInChina(now: Date = new Date()): IsoDate {
  return isoFromDay(Math.floor((now.getTime() + CHINA_UTC_OFFSET_MS) / MS_PER_DAY));
}
