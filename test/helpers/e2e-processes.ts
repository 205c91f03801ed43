// Child processes of the end-to-end tests: the instance's entry points run from source as `npm start` and
// `npm run worker` run them, and the offline verifier as an outsider runs it.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const REPOSITORY = path.resolve(__dirname, "../..");
const ENTRY_POINTS = { main: "api/src/main.ts", worker: "api/src/worker-main.ts" } as const;
const TS_NODE = require.resolve("ts-node/dist/bin.js");
const CLI_LAUNCHER = path.join(REPOSITORY, "bin/cunzheng.js");
const OUTPUT_TAIL_CHARS = 8_000;
/** Only what node itself needs: no setting of the test run (DATABASE_URL, LOG_LEVEL, …) leaks into an instance. */
const INHERITED_ENV = ["PATH", "HOME", "TMPDIR", "LANG"];

export interface InstanceProcess {
  /** What it printed last, to explain a failure. */
  output(): string;
  /** The lines it printed so far that contain `text`. */
  linesWith(text: string): string[];
  /** Resolves once it has printed `text`; rejects if it exits first. */
  printed(text: string): Promise<void>;
  /** Resolves with the exit code (null when a signal ended it). */
  readonly exited: Promise<number | null>;
  isRunning(): boolean;
  /** SIGTERM, as an operator stops it, and waits for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: the process gets no chance to clean up. Waits for the exit. */
  kill(): Promise<void>;
}

export function spawnInstance(entry: keyof typeof ENTRY_POINTS, env: Record<string, string>): InstanceProcess {
  const inherited = Object.fromEntries(
    INHERITED_ENV.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])),
  );
  const child = spawn(process.execPath, [TS_NODE, "--transpile-only", ENTRY_POINTS[entry]], {
    cwd: REPOSITORY,
    env: { ...inherited, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collectOutput(child);
  // A test run that dies without its after hooks must not leave instances behind.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<number | null>((resolve) => {
    const done = (code: number | null) => {
      process.off("exit", killOnExit);
      resolve(code);
    };
    child.once("exit", done);
    child.once("error", () => done(null));
  });
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    output: output.text,
    linesWith: output.linesWith,
    printed: (text) => output.waitFor(text, exited),
    exited,
    isRunning: running,
    async stop() {
      if (running()) child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      if (running()) child.kill("SIGKILL");
      await exited;
    },
  };
}

export interface CliRun {
  readonly exitCode: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `cunzheng <args>` in a child process. Asynchronous so that this process keeps serving a node it hosts. */
export function runCli(args: readonly string[], cwd = REPOSITORY): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_LAUNCHER, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("close", (exitCode) => resolve({ exitCode, stdout, stderr }));
  });
}

interface Output {
  text(): string;
  linesWith(text: string): string[];
  waitFor(text: string, exited: Promise<unknown>): Promise<void>;
}

// The pipes are drained all along (a full pipe would block the child); the tail is kept, and every line for counting.
function collectOutput(child: ChildProcess): Output {
  let tail = "";
  let all = "";
  const waiters: { text: string; resolve(): void }[] = [];
  const append = (chunk: Buffer) => {
    all += chunk.toString("utf8");
    tail = all.slice(-OUTPUT_TAIL_CHARS);
    for (const waiter of waiters.filter((candidate) => tail.includes(candidate.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  return {
    text: () => tail,
    linesWith: (text) => all.split("\n").filter((line) => line.includes(text)),
    waitFor(text, exited) {
      if (tail.includes(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        waiters.push({ text, resolve });
        void exited.then(() => reject(new Error(`the process exited before printing "${text}":\n${tail}`)));
      });
    },
  };
}
