// The one canonicalizer of the codebase: RFC 8785 (JSON Canonicalization Scheme). Everything that is hashed
// (record bodies, rule sets) goes through here, so an auditor's JCS implementation reproduces our bytes.
import { canonicalize as jcs } from "json-canonicalize";

/**
 * The RFC 8785 canonical form of a JSON value.
 * Refuses what JSON.stringify would silently change or drop (undefined, NaN, Infinity, bigint, Date, class
 * instances, lone surrogates): such a value would hash as something other than what the caller holds.
 */
export function canonicalize(value: unknown): string {
  assertJsonValue(value, "$");
  return jcs(value);
}

function assertJsonValue(value: unknown, path: string): void {
  if (value === null || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${path} is not a finite number`);
    return;
  }
  if (typeof value === "string") {
    if (/\p{Cs}/u.test(value)) throw new TypeError(`canonical JSON: ${path} contains a lone surrogate`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertJsonValue(item, `${path}[${index}]`));
    return;
  }
  if (typeof value === "object" && isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (/\p{Cs}/u.test(key)) throw new TypeError(`canonical JSON: a key of ${path} contains a lone surrogate`);
      assertJsonValue(item, `${path}.${key}`);
    }
    return;
  }
  throw new TypeError(`canonical JSON: ${path} is not a JSON value (${typeof value})`);
}

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
