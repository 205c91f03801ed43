// The service's logger. Request bodies are never logged; redaction is the second line of defence
// for personal data or secrets that reach a log call some other way (an error's properties, a
// carelessly logged object).
import pino, { type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "../config";

export type { Logger };

/** Keys whose values are personal data or secrets, wherever they appear. */
export const REDACTED_KEYS = [
  "name",
  "idNumber",
  "birthDate",
  "gender",
  "phone",
  "email",
  "address",
  "password",
  "passwordHash",
  "token",
  "authorization",
  "cookie",
  "tokenSecret",
  "fieldEncryptionKey",
  "blindIndexKey",
  "chainPrivateKey",
] as const;

// Redaction paths cannot match a key at any depth, so cover the depths a log object realistically has.
const DEPTHS = ["", "*.", "*.*.", "*.*.*."];

export const REDACT_PATHS = DEPTHS.flatMap((prefix) => [
  ...REDACTED_KEYS.map((key) => `${prefix}${key}`),
  // A record's step fields (application texts, review conclusions…) are personal as a whole.
  `${prefix}fields`,
]);

export const REDACTION_CENSOR = "[REDACTED]";

export function createLogger(options: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: REDACT_PATHS, censor: REDACTION_CENSOR },
      base: { service: "cunzheng-api" },
    },
    options.destination ?? pino.destination(1),
  );
}

/**
 * What to log of an unexpected error: its type, code and stack frames, but not its message, which
 * code anywhere (a driver, a library, a careless template string) may have built from personal data.
 */
export function loggableError(error: unknown): { type: string; code?: string; frames: string[] } {
  if (!(error instanceof Error)) return { type: typeof error, frames: [] };
  const code = (error as { code?: unknown }).code;
  return {
    type: error.constructor.name,
    ...(typeof code === "string" && { code }),
    frames: (error.stack ?? "")
      .split("\n")
      .filter((line) => line.trimStart().startsWith("at "))
      .map((line) => line.trim()),
  };
}
