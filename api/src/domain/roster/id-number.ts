// The citizen ID number (公民身份号码) of GB 11643-1999: 6 digits of region, 8 of birth date, 3 of sequence (odd for a
// man, even for a woman) and a check character computed by ISO 7064 MOD 11-2.
import { isIsoDate, type IsoDate } from "../../lib/calendar";

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARACTERS = "10X98765432";
const SHAPE = /^[0-9]{17}[0-9X]$/;

export type IdNumberProblem = "format" | "checkDigit" | "birthDate";

/** The check character of the first 17 digits. */
export function idNumberCheckCharacter(first17: string): string {
  const sum = [...first17].reduce((total, digit, index) => total + Number(digit) * WEIGHTS[index], 0);
  return CHECK_CHARACTERS[sum % 11];
}

/** Upper-cases the check character and drops spaces, the usual differences between two spellings of one number. */
export function normalizeIdNumber(value: string): string {
  return value.replace(/\s+/g, "").toUpperCase();
}

/** What is wrong with an (already normalized) ID number, or null. */
export function idNumberProblem(idNumber: string): IdNumberProblem | null {
  if (!SHAPE.test(idNumber)) return "format";
  if (idNumberCheckCharacter(idNumber.slice(0, 17)) !== idNumber[17]) return "checkDigit";
  if (!isIsoDate(idNumberBirthDate(idNumber))) return "birthDate";
  return null;
}

/** The birth date the number encodes (digits 7–14). */
export function idNumberBirthDate(idNumber: string): IsoDate {
  return `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`;
}

/** The sex the number encodes: the 17th digit is odd for a man. */
export function idNumberSex(idNumber: string): "M" | "F" {
  return Number(idNumber[16]) % 2 === 1 ? "M" : "F";
}
