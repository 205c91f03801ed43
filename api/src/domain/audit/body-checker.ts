// Where record bodies are checked: in this thread, or spread over worker threads. Opening and hashing every body is
// most of the sweep's work (AES-GCM, JSON, keccak-256 of each record), and it parallelizes page by page.
import { availableParallelism } from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { FieldCipher } from "../../lib/field-encryption";
import { checkBody, type BodyCheck, type CheckedRow } from "./body-check";

export interface BodyChecker {
  /** The checks of `rows`, in their order. */
  check(rows: readonly CheckedRow[]): Promise<BodyCheck[]>;
  close(): Promise<void>;
}

export function bodyCheckerInThread(cipher: Pick<FieldCipher, "decrypt">): BodyChecker {
  return {
    check: async (rows) => rows.map((row) => checkBody(row, cipher)),
    close: async () => undefined,
  };
}

/** Workers leave one core to the sweep itself (reading pages, the Merkle log); on one core, none is worth it. */
export function defaultCheckerThreads(): number {
  return availableParallelism() - 1;
}

/**
 * Checks each page in `threads` slices at once. The workers hold the field encryption key (hex), as the process does.
 * Close it when the sweep is done: live workers keep the process running.
 */
export function bodyCheckerInWorkers(fieldEncryptionKey: string, threads: number): BodyChecker {
  if (!Number.isInteger(threads) || threads < 1) throw new RangeError(`a body checker needs at least one worker, got ${threads}`);
  const workers = Array.from({ length: threads }, () => new CheckWorker(fieldEncryptionKey));
  return {
    async check(rows) {
      const sliceSize = Math.ceil(rows.length / threads);
      const slices = workers.map((worker, index) => worker.check(packRows(rows.slice(index * sliceSize, (index + 1) * sliceSize))));
      return (await Promise.all(slices)).flat();
    },
    async close() {
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/**
 * Rows as a worker message: the bodies back to back in one buffer, moved to the worker rather than copied. (Each
 * body alone would be cloned with the whole pooled buffer it is a view of.)
 */
export interface PackedRows {
  bodies: Uint8Array;
  /** Where each body ends in `bodies`. */
  ends: Uint32Array;
  recordHashes: string[];
  memberKeys: string[];
  sequences: Int32Array;
  steps: string[];
  prevHashes: (string | null)[];
  effectiveDates: string[];
  ruleVersions: string[];
  supersedesHashes: (string | null)[];
  reasonCodes: (string | null)[];
}

export function packRows(rows: readonly CheckedRow[]): PackedRows {
  const ends = new Uint32Array(rows.length);
  let length = 0;
  rows.forEach((row, index) => (ends[index] = length += row.body.length));
  const bodies = new Uint8Array(length);
  rows.forEach((row, index) => bodies.set(row.body, ends[index] - row.body.length));
  return {
    bodies,
    ends,
    recordHashes: rows.map((row) => row.recordHash),
    memberKeys: rows.map((row) => row.memberKey),
    sequences: Int32Array.from(rows, (row) => row.sequence),
    steps: rows.map((row) => row.step),
    prevHashes: rows.map((row) => row.prevHash),
    effectiveDates: rows.map((row) => row.effectiveDate),
    ruleVersions: rows.map((row) => row.ruleVersion),
    supersedesHashes: rows.map((row) => row.supersedesHash),
    reasonCodes: rows.map((row) => row.reasonCode),
  };
}

export function unpackRows(packed: PackedRows): CheckedRow[] {
  return packed.recordHashes.map((recordHash, index) => ({
    body: packed.bodies.subarray(index === 0 ? 0 : packed.ends[index - 1], packed.ends[index]),
    recordHash,
    memberKey: packed.memberKeys[index],
    sequence: packed.sequences[index],
    step: packed.steps[index],
    prevHash: packed.prevHashes[index],
    effectiveDate: packed.effectiveDates[index],
    ruleVersion: packed.ruleVersions[index],
    supersedesHash: packed.supersedesHashes[index],
    reasonCode: packed.reasonCodes[index],
  }));
}

// Under ts-node (npm start, the CLI, tests) the worker compiles the TypeScript it loads as the main thread does. Paths
// are absolute: a worker's require resolves from the working directory, which may be anywhere.
const WORKER_FILE = path.join(__dirname, `body-check-worker${path.extname(__filename)}`);
const WORKER_SOURCE = __filename.endsWith(".ts")
  ? `require(${JSON.stringify(require.resolve("ts-node"))}).register({ transpileOnly: true, projectSearchDir: ${JSON.stringify(__dirname)} });
     require(${JSON.stringify(WORKER_FILE)});`
  : `require(${JSON.stringify(WORKER_FILE)});`;

/** One worker; it answers its messages in order, so answers are matched to requests first in, first out. */
class CheckWorker {
  private readonly worker: Worker;
  private readonly waiting: { resolve(checks: BodyCheck[]): void; reject(error: Error): void }[] = [];

  constructor(fieldEncryptionKey: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { fieldEncryptionKey } });
    this.worker.on("message", (checks: BodyCheck[]) => this.waiting.shift()?.resolve(checks));
    this.worker.on("error", (error: Error) => this.failAll(error));
    this.worker.on("exit", (code) => this.failAll(new Error(`a body-check worker exited (code ${code})`)));
  }

  check(rows: PackedRows): Promise<BodyCheck[]> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(rows, [rows.bodies.buffer as ArrayBuffer]);
    });
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }

  private failAll(error: Error): void {
    for (const request of this.waiting.splice(0)) request.reject(error);
  }
}
