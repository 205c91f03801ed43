// Measuring an audit sweep: the sweep as `cunzheng audit` runs it (bodies checked in worker threads) timed phase by
// phase from its progress events, with the CPU each party used; then what its parts cost alone, to say where the
// time goes: reading the log's pages, and checking one body and rebuilding the Merkle log on one core. The floor: the
// least a sweep does, reading every row and hashing its stored bytes with a WebAssembly keccak.
import os from "node:os";
import { createKeccak } from "hash-wasm";
import { createAuditChainReader } from "../../../api/src/chain";
import { createRepositories } from "../../../api/src/data-access";
import { bodyCheckerInWorkers, runAuditSweep, type AuditPhase, type AuditProgress, type AuditReport } from "../../../api/src/domain/audit";
import { checkBody } from "../../../api/src/domain/audit/body-check";
import { PAGE_SIZE } from "../../../api/src/domain/audit/log-scan";
import { recordContext } from "../../../api/src/domain/membership/history";
import { canonicalize } from "../../../api/src/lib/canonical-json";
import { createFieldCipher } from "../../../api/src/lib/field-encryption";
import { keccak256Hex } from "../../../api/src/lib/keccak";
import { MerkleLog, recordLeaf } from "../../../api/src/lib/merkle";
import type { Hex32 } from "../../../api/src/lib/record-hash";
import type { SweptInstance } from "./audit-setup";
import { cpuSnapshot, cpuUseBetween, processesNamed, type CpuUse } from "./cpu-time";

export const PHASES: readonly AuditPhase[] = ["log", "checkpoints", "members", "order", "outbox", "instance", "rules"];
/** The instance default (ANCHOR_DEADLINE_SECONDS); nothing is pending, so it decides nothing here. */
const DEADLINE_SECONDS = 3600;
const WARM_UP_ROWS = 1_000;

export interface SweepMeasurement {
  report: AuditReport;
  /** Worker threads checking bodies (0: in the sweep's own thread). */
  threads: number;
  seconds: number;
  /** From the start to the first page: the log's size, the unfinished outbox items, the chain's id and block. */
  preparationSeconds: number;
  /** Each phase from the end of the one before to its own last progress event. */
  phaseSeconds: Record<AuditPhase, number>;
  cpu: CpuUse<"anvil" | "postgres">;
  /** 1, 5 and 15-minute load averages just before the sweep. */
  loadAverage: number[];
}

/** `threads`: worker threads checking bodies (`cunzheng audit` uses defaultCheckerThreads()); 0 checks in this thread. */
export async function measureSweep(instance: SweptInstance, threads: number): Promise<SweepMeasurement> {
  const repositories = createRepositories(instance.dataSource.manager);
  const parties = () => ({ anvil: [instance.anvil.pid], postgres: processesNamed("postgres") });
  const lastEvent = new Map<AuditPhase | "start" | "first page", number>();
  const onProgress = (progress: AuditProgress) => {
    if (progress.phase === "log" && !lastEvent.has("first page")) lastEvent.set("first page", performance.now());
    lastEvent.set(progress.phase, performance.now());
  };
  const loadAverage = os.loadavg();
  const before = cpuSnapshot(parties());
  // As the CLI does: the workers start (and compile) as the sweep begins.
  lastEvent.set("start", performance.now());
  const bodies = threads > 0 ? bodyCheckerInWorkers(instance.fieldEncryptionKey, threads) : undefined;
  let report: AuditReport;
  try {
    report = await runAuditSweep(
      {
        repositories,
        chain: createAuditChainReader(instance.provider, instance.deployment.contracts),
        cipher: createFieldCipher(instance.fieldEncryptionKey),
        bodies,
      },
      {
        logId: instance.logId,
        deadlineSeconds: DEADLINE_SECONDS,
        fromBlock: instance.deployment.deploymentBlock,
        now: () => new Date(),
        onProgress,
      },
    );
  } finally {
    await bodies?.close();
  }
  const finished = performance.now();
  const cpu = cpuUseBetween(before, cpuSnapshot(parties()));
  const at = (event: AuditPhase | "start" | "first page") => lastEvent.get(event)!;
  const phaseSeconds = {} as Record<AuditPhase, number>;
  let previous = at("first page");
  for (const phase of PHASES) {
    phaseSeconds[phase] = ((lastEvent.get(phase) ?? previous) - previous) / 1000;
    previous = lastEvent.get(phase) ?? previous;
  }
  return {
    report,
    threads,
    seconds: (finished - at("start")) / 1000,
    preparationSeconds: (at("first page") - at("start")) / 1000,
    phaseSeconds,
    cpu,
    loadAverage,
  };
}

/** Seconds to read the log's pages alone, one after another, as the sweep reads them. */
/** The floor, in seconds: every row of the log read in the sweep's pages and its stored body hashed (hash-wasm keccak-256). */
export async function timeReadAndHashFloor(instance: SweptInstance, size: number): Promise<number> {
  const { logScan } = createRepositories(instance.dataSource.manager);
  const hasher = await createKeccak(256);
  const started = performance.now();
  for (let after = 0; after < size; after += PAGE_SIZE) {
    for (const row of await logScan.page(after, Math.min(size, after + PAGE_SIZE))) {
      hasher.init();
      hasher.update(row.body);
      hasher.digest("hex");
    }
  }
  return (performance.now() - started) / 1000;
}

export async function timeLogRead(instance: SweptInstance, size: number): Promise<number> {
  const { logScan } = createRepositories(instance.dataSource.manager);
  const started = performance.now();
  for (let after = 0; after < size; after += PAGE_SIZE) await logScan.page(after, Math.min(size, after + PAGE_SIZE));
  return (performance.now() - started) / 1000;
}

/** Microseconds per record on one core, over the log's first page. */
export interface RecordCosts {
  sample: number;
  /** A whole body check: open (AES-GCM), parse, validate, hash, compare. */
  check: number;
  /** Of which keccak-256 of the canonical JSON (keccak256Hex: hash-wasm's WebAssembly keccak, as the sweep hashes). */
  keccak: number;
  /** Of which opening the sealed body and parsing its JSON. */
  open: number;
  /** The sweep's own thread, per record: the record's leaf and its share of the Merkle log's inner nodes. */
  merkleLeaf: number;
}

export async function measureRecordCosts(instance: SweptInstance, size: number): Promise<RecordCosts> {
  const rows = await createRepositories(instance.dataSource.manager).logScan.page(0, Math.min(size, PAGE_SIZE));
  const cipher = createFieldCipher(instance.fieldEncryptionKey);
  const perRecord = (work: (index: number) => unknown) => {
    for (let index = 0; index < Math.min(WARM_UP_ROWS, rows.length); index += 1) work(index);
    const started = performance.now();
    for (let index = 0; index < rows.length; index += 1) work(index);
    return ((performance.now() - started) * 1000) / rows.length;
  };
  const check = perRecord((index) => checkBody(rows[index], cipher));
  const open = perRecord((index) =>
    JSON.parse(cipher.decrypt(Buffer.from(rows[index].body).toString("utf8"), recordContext(rows[index].recordHash))),
  );
  const canonical = rows.map((row) =>
    canonicalize(JSON.parse(cipher.decrypt(Buffer.from(row.body).toString("utf8"), recordContext(row.recordHash)))),
  );
  const keccak = perRecord((index) => keccak256Hex(canonical[index]));
  let tree = new MerkleLog();
  const merkleLeaf = perRecord((index) => {
    if (index === 0) tree = new MerkleLog();
    tree.append(recordLeaf(rows[index].recordHash as Hex32));
  });
  return { sample: rows.length, check, keccak, open, merkleLeaf };
}
