// What a printed letter carries so that a reader can check it by hand: the 编号 (letter number), short enough to type
// and guarded by a check digit, from which anyone computes the transfer id on chain; and the 核验码 (holder salt),
// which with the name and the last four characters of the ID number printed on the paper gives the holder
// commitment the letter's hash covers. Nothing here is personal: the commitment is salted, and the salt is only on
// the paper (and in its QR code).
import { randomInt } from "node:crypto";
import { keccak_256 } from "@noble/hashes/sha3";
import { canonicalKeccak } from "../../../lib/record-hash";

/** 14 random digits and a Damm check digit: about 10^14 numbers, so two letters of a consortium never share one. */
const RANDOM_DIGITS = 14;
const SALT_DIGITS = 12;
export const LETTER_NUMBER_PATTERN = /^[0-9]{15}$/;
export const HOLDER_SALT_PATTERN = /^[0-9]{12}$/;
const TRANSFER_ID_DOMAIN = "cunzheng.letter-number/1:";

// Damm's quasigroup of order 10: the check digit catches every single wrong digit and every swap of two neighbours.
const DAMM = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

export function dammCheckDigit(digits: string): number {
  let interim = 0;
  for (const digit of digits) interim = DAMM[interim][Number(digit)];
  return interim;
}

function randomDigits(count: number): string {
  return Array.from({ length: count }, () => randomInt(10)).join("");
}

export function newLetterNumber(): string {
  const digits = randomDigits(RANDOM_DIGITS);
  return `${digits}${dammCheckDigit(digits)}`;
}

export function newHolderSalt(): string {
  return randomDigits(SALT_DIGITS);
}

/** The digits a reader typed, without spaces or dashes; full-width digits count. */
export function normalizedDigits(typed: string): string {
  return typed.normalize("NFKC").replace(/[\s\-－]/g, "");
}

/** Whether the 15 digits carry their own check digit (a number with a typo almost never does). */
export function isLetterNumber(number: string): boolean {
  return LETTER_NUMBER_PATTERN.test(number) && dammCheckDigit(number) === 0;
}

/** The transfer id on chain of the letter with this number: keccak256 of a domain tag and the 15 digits. */
export function transferIdOfNumber(number: string): string {
  return `0x${Buffer.from(keccak_256(Buffer.from(`${TRANSFER_ID_DOMAIN}${number}`, "utf8"))).toString("hex")}`;
}

/** As printed: three groups of five digits. */
export function groupedNumber(number: string): string {
  return number.replace(/(\d{5})(?=\d)/g, "$1 ");
}

/** As printed: three groups of four digits. */
export function groupedSalt(salt: string): string {
  return salt.replace(/(\d{4})(?=\d)/g, "$1 ");
}

export interface Holder {
  /** The name as printed; compared after NFKC and trimming, with inner spaces removed. */
  name: string;
  /** The last four characters of the ID number printed on the letter (the check character X in upper case). */
  idLast4: string;
  salt: string;
}

export function holderHash(holder: Holder): string {
  return canonicalKeccak({
    version: 1,
    name: holder.name.normalize("NFKC").replace(/\s+/g, ""),
    idLast4: holder.idLast4.normalize("NFKC").trim().toUpperCase(),
    salt: holder.salt,
  });
}
