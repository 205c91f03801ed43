// Turns what ethers throws into something the API can answer with: which contract rule refused the write (the custom
// error and its named arguments), or that the chain cannot be reached at all.
import { ErrorFragment, Interface, isHexString, type InterfaceAbi } from "ethers";
import { CONSORTIUM_ABIS } from "./contracts";

/** A decoded argument: bigints become numbers when exactly representable, decimal strings otherwise (JSON-safe). */
export type ChainValue = string | number | boolean | ChainValue[];

export type DecodedChainError =
  | { readonly kind: "revert"; readonly name: string; readonly args: Readonly<Record<string, ChainValue>> }
  | { readonly kind: "unavailable"; readonly message: string }
  | { readonly kind: "unknown"; readonly message: string };

// Node's socket errors, undici's and ethers' own codes for "no answer from the node".
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EPIPE",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_SOCKET",
  "TIMEOUT",
  "NETWORK_ERROR",
  "SERVER_ERROR",
]);

// Where ethers v6 and the nodes behind it put a revert's data or a transport error, depending on the call path.
const NESTED_KEYS = ["data", "error", "info", "cause"] as const;
const MAX_DEPTH = 5;

const consortiumErrors = new Interface(uniqueErrors(CONSORTIUM_ABIS));

export function decodeChainError(error: unknown): DecodedChainError {
  const message = messageOf(error);
  if (findCode(error, 0)) return { kind: "unavailable", message };
  const data = findRevertData(error, 0);
  if (data !== undefined) {
    const decoded = parseRevert(data);
    if (decoded !== undefined) return decoded;
    return { kind: "unknown", message: `reverted with unrecognised data ${data}` };
  }
  return decodedByEthers(error) ?? { kind: "unknown", message };
}

function parseRevert(data: string): DecodedChainError | undefined {
  try {
    const description = consortiumErrors.parseError(data);
    if (description === null) return undefined;
    return { kind: "revert", name: description.name, args: namedArgs(description.fragment, description.args) };
  } catch {
    // A known selector with a body that does not decode: not one of ours after all.
    return undefined;
  }
}

// Without raw data, ethers may still have decoded the revert itself (`error.revert`), with positional arguments only.
function decodedByEthers(error: unknown): DecodedChainError | undefined {
  if (!isObject(error) || !isObject(error.revert) || typeof error.revert.name !== "string") return undefined;
  const { name, args } = error.revert;
  const values = Array.isArray(args) ? args : [];
  const fragment = consortiumErrors.fragments.find(
    (candidate): candidate is ErrorFragment => ErrorFragment.isFragment(candidate) && candidate.name === name,
  );
  if (fragment === undefined) {
    return { kind: "revert", name, args: Object.fromEntries(values.map((value, index) => [String(index), plain(value)])) };
  }
  return { kind: "revert", name, args: namedArgs(fragment, values) };
}

function namedArgs(fragment: ErrorFragment, values: readonly unknown[]): Record<string, ChainValue> {
  return Object.fromEntries(fragment.inputs.map((input, index) => [input.name || String(index), plain(values[index])]));
}

function plain(value: unknown): ChainValue {
  if (typeof value === "bigint") return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return String(value);
}

function findCode(error: unknown, depth: number): boolean {
  if (!isObject(error) || depth > MAX_DEPTH) return false;
  if (typeof error.code === "string" && UNAVAILABLE_CODES.has(error.code)) return true;
  return NESTED_KEYS.some((key) => findCode(error[key], depth + 1));
}

// Revert data is a hex string of at least a 4-byte selector, found under `data` at some depth (or `data.data`).
function findRevertData(error: unknown, depth: number): string | undefined {
  if (!isObject(error) || depth > MAX_DEPTH) return undefined;
  if (isHexString(error.data) && (error.data as string).length >= 10) return error.data;
  for (const key of NESTED_KEYS) {
    const found = findRevertData(error[key], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  if (isObject(error) && typeof error.shortMessage === "string") return error.shortMessage;
  if (error instanceof Error) return error.message;
  return String(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

// OpenZeppelin errors are inherited by several contracts: keep one fragment per selector.
function uniqueErrors(abis: readonly InterfaceAbi[]): ErrorFragment[] {
  const bySelector = new Map<string, ErrorFragment>();
  for (const abi of abis) {
    new Interface(abi).forEachError((fragment) => bySelector.set(fragment.selector, fragment));
  }
  return [...bySelector.values()];
}
