// What a chosen password must be. The messages name the rule so the portal can say it in the user's language.
import { randomInt } from "node:crypto";
import { RuleViolation } from "../errors";
import { RULES, type RuleId } from "../refusals";

export const PASSWORD_MIN_LENGTH = 10;
/** The login accepts up to 1024 characters; a chosen password stays well inside it. */
export const PASSWORD_MAX_LENGTH = 128;

// The passwords tried first by anyone guessing, and the ones people at a Chinese university reach for.
const COMMON_PASSWORDS = new Set([
  "1234567890",
  "12345678910",
  "0123456789",
  "1111111111",
  "0000000000",
  "1234512345",
  "1234554321",
  "1q2w3e4r5t",
  "qwertyuiop",
  "qwerty1234",
  "qwerty123456",
  "password12",
  "password123",
  "password1234",
  "passw0rd123",
  "iloveyou12",
  "abcdefghij",
  "abc1234567",
  "abcd123456",
  "a123456789",
  "aa12345678",
  "asdfghjkl1",
  "zxcvbnm123",
  "1qaz2wsx3edc",
  "woaini1314",
  "woaini520",
  "5201314520",
  "1314520520",
  "admin12345",
  "administrator",
  "welcome123",
  "changeme123",
  "letmein123",
  "dangyuan123",
  "gongchandang",
  "zuzhibu123",
  "cunzheng123",
  "cunzheng2024",
  "cunzheng2025",
  "cunzheng2026",
]);

/** Refuses a password that breaks the policy, naming the rule and the field it came in. */
export function assertPasswordAllowed(password: string, username: string, field: string): void {
  const refuse = (rule: RuleId, message: string) => {
    throw new RuleViolation({ rule, field, message });
  };
  if ([...password].length < PASSWORD_MIN_LENGTH)
    refuse(RULES.passwordTooShort, `A password has at least ${PASSWORD_MIN_LENGTH} characters`);
  if ([...password].length > PASSWORD_MAX_LENGTH) refuse(RULES.passwordTooLong, `A password has at most ${PASSWORD_MAX_LENGTH} characters`);
  if (password.toLowerCase().includes(username.toLowerCase()))
    refuse(RULES.passwordContainsUsername, "A password must not contain the username");
  if (COMMON_PASSWORDS.has(password.toLowerCase()) || new Set(password).size <= 2) {
    refuse(RULES.passwordCommon, "This password is among the first ones anyone guesses; choose another");
  }
}

// No 0/O, 1/l/I: the one-time password is read off a screen and typed.
const ONE_TIME_ALPHABET = "abcdefghijkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
const ONE_TIME_LENGTH = 14;

/** A password shown once to an administrator, valid only for choosing the account's own. */
export function oneTimePassword(): string {
  return Array.from({ length: ONE_TIME_LENGTH }, () => ONE_TIME_ALPHABET[randomInt(ONE_TIME_ALPHABET.length)]).join("");
}
