// `cunzheng verify`: checks a proof bundle against a node of the consortium's chain and prints every step.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { cachedChainReader, createChainReader } from "../chain/chain-reader";
import { decodeChainError } from "../chain/errors";
import { connectProvider } from "../chain/provider";
import type { StepStatus, Verdict, VerdictWord } from "../domain/verification/verdict";
import { verifyReceipt, type ReceiptVerdict } from "../domain/verification/verify-receipt";
import { verifyBundle } from "../domain/verification/verify-bundle";
import { CliError, EXIT, type CliCommand, type CliIo } from "./command";

// Enough for a member's whole file: every receipt, organization and role it names, read once.
const READER_CACHE_ENTRIES = 10_000;

const SYMBOLS: Record<StepStatus, string> = { passed: "✓", failed: "✗", skipped: "–", warning: "!" };

export const verifyCommand: CliCommand = {
  usage:
    "verify <bundle.json> --rpc <url> [--confirmations N] [--record <body.json>] [--json] | verify --receipt <receipt.json> --rpc <url> [--json]",
  summary:
    "Checks a record or member proof bundle, or a write receipt, against a JSON-RPC node of the chain. Exit 0: VALID, 1: INVALID or INCOMPLETE, 2: could not check.",
  async run(args, io) {
    const options = parseVerifyArgs(args);
    const file = options.receiptFile ?? options.bundleFile!;
    const input = readJson(file, options.receiptFile ? "receipt" : "bundle");
    const record = options.recordFile === undefined ? undefined : readJson(options.recordFile, "record body");
    const provider = await connectProvider(options.rpcUrl).catch((error: unknown) => {
      throw new CliError(`cannot reach the node at ${options.rpcUrl}: ${chainMessageOf(error)}`);
    });
    const unreadable = (error: unknown) => {
      throw new CliError(`cannot read the chain at ${options.rpcUrl}: ${chainMessageOf(error)}`);
    };
    try {
      const reader = cachedChainReader(createChainReader(provider), { maxEntries: READER_CACHE_ENTRIES });
      const verdict = options.receiptFile
        ? await verifyReceipt(input, reader).catch(unreadable)
        : await verifyBundle(input, reader, { record, confirmations: options.confirmations }).catch(unreadable);
      if (options.json) io.out(JSON.stringify(verdict, null, 2));
      else if ("format" in verdict) printVerdict(verdict, file, io);
      else printReceiptVerdict(verdict, file, io);
      return verdict.verdict === "VALID" ? EXIT.OK : EXIT.FOUND_PROBLEMS;
    } finally {
      provider.destroy();
    }
  },
};

interface VerifyArgs {
  /** Exactly one of bundleFile and receiptFile. */
  readonly bundleFile?: string;
  readonly receiptFile?: string;
  readonly rpcUrl: string;
  readonly confirmations: number;
  readonly recordFile?: string;
  readonly json: boolean;
}

function parseVerifyArgs(args: readonly string[]): VerifyArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        rpc: { type: "string" },
        confirmations: { type: "string" },
        record: { type: "string" },
        receipt: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
  } catch (error) {
    throw new CliError(messageOf(error), true);
  }
  const { positionals, values } = parsed;
  if (values.receipt !== undefined) {
    if (positionals.length > 0 || values.record !== undefined)
      throw new CliError("--receipt checks a receipt alone: name no bundle and no --record", true);
  } else if (positionals.length !== 1) {
    throw new CliError("name exactly one bundle file, or a receipt with --receipt", true);
  }
  if (values.rpc === undefined) throw new CliError("--rpc <url> is required: the JSON-RPC endpoint of a node of the chain", true);
  const confirmations = Number(values.confirmations ?? "1");
  if (!Number.isSafeInteger(confirmations) || confirmations < 1) {
    throw new CliError(`--confirmations must be a positive integer, got "${values.confirmations}"`, true);
  }
  return {
    bundleFile: positionals[0],
    receiptFile: values.receipt,
    rpcUrl: values.rpc,
    confirmations,
    recordFile: values.record,
    json: values.json,
  };
}

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read the ${what} file ${file}: ${messageOf(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`the ${what} file ${file} is not JSON: ${messageOf(error)}`);
  }
}

function printVerdict(verdict: Verdict, bundleFile: string, io: CliIo): void {
  const width = Math.max(...verdict.steps.map((step) => step.check.length));
  io.out(`${bundleFile}: ${verdict.format ?? "no format"}`);
  for (const step of verdict.steps) {
    io.out(`${SYMBOLS[step.status]} ${step.check.padEnd(width)}  ${step.message}`);
  }
  const records = verdict.subject.recordIds.length;
  io.out(
    summaryOf(
      verdict.verdict,
      verdict.steps,
      `${records} record(s)${verdict.subject.memberKey ? ` of member ${verdict.subject.memberKey}` : ""} proven on chain`,
    ),
  );
}

function printReceiptVerdict(verdict: ReceiptVerdict, receiptFile: string, io: CliIo): void {
  const width = Math.max(...verdict.steps.map((step) => step.check.length));
  io.out(`${receiptFile}: write receipt${verdict.receipt ? ` for ${verdict.receipt.recordHash}` : ""}`);
  for (const step of verdict.steps) {
    io.out(`${SYMBOLS[step.status]} ${step.check.padEnd(width)}  ${step.message}`);
  }
  io.out(summaryOf(verdict.verdict, verdict.steps, "the promise was kept"));
}

function summaryOf(verdict: VerdictWord, steps: readonly { status: StepStatus; reason: string }[], valid: string): string {
  if (verdict === "VALID") return `VALID: ${valid}`;
  if (verdict === "INVALID") return `INVALID: ${steps.filter((step) => step.status === "failed").length} check(s) failed`;
  const skipped = steps.filter((step) => step.status === "skipped").map((step) => step.reason);
  return `INCOMPLETE: nothing failed, but ${skipped.length} check(s) could not run (${[...new Set(skipped)].join(", ")})`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function chainMessageOf(error: unknown): string {
  const decoded = decodeChainError(error);
  return decoded.kind === "revert" ? `the call reverted with ${decoded.name}` : decoded.message;
}
