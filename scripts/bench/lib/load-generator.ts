// An open-loop load generator, run as its own process so that its work does not share the instance's event loop.
// Request i is due at start + i/rate whatever happened to earlier ones, and its latency counts from that due time:
// a slow response delays no later request, and time a request spent waiting to be sent counts against the server
// (no coordinated omission). It prints one JSON line, a LoadResult.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import http from "node:http";
import { summarize, type Summary } from "./stats";

export interface LoadPlan {
  /** Where to POST, e.g. http://127.0.0.1:3000/api/verify. */
  url: string;
  ratePerSecond: number;
  seconds: number;
  /** A file holding the JSON body sent with every request. */
  bodyFile: string;
  /** Text a successful response body contains. */
  expect: string;
}

export interface LoadResult {
  sent: number;
  succeeded: number;
  errors: number;
  /** A few distinct error descriptions. */
  errorExamples: string[];
  /** From each request's due time to the end of its successful response; null when none succeeded. */
  latencyMs: Summary | null;
  /** How late the generator itself sent requests: large values mean the generator, not the server, fell behind. */
  sendLagMs: Summary;
  /** Responses per second, from the first due time to the last response. */
  achievedPerSecond: number;
}

const TIMEOUT_MS = 10_000;
const MAX_ERROR_EXAMPLES = 5;
const MAX_SOCKETS = 64;
const TS_NODE = require.resolve("ts-node/dist/bin.js");

/** Runs the generator in a child process and resolves with its result. */
export function runLoadGenerator(plan: LoadPlan): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TS_NODE, "--transpile-only", __filename, JSON.stringify(plan)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve(JSON.parse(output) as LoadResult);
      else reject(new Error(`load generator exited with code ${code}`));
    });
  });
}

async function generate(plan: LoadPlan): Promise<LoadResult> {
  const body = readFileSync(plan.bodyFile);
  const url = new URL(plan.url);
  // FIFO keeps every pooled socket busy: with LIFO, sockets left idle past the server's keep-alive timeout get
  // closed under a request about to reuse them (ECONNRESET), an artefact of the client rather than the server.
  const agent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS, scheduling: "fifo" });
  const total = Math.round(plan.ratePerSecond * plan.seconds);
  const intervalMs = 1000 / plan.ratePerSecond;
  const latencies: number[] = [];
  const sendLags: number[] = [];
  const errorExamples = new Set<string>();
  let errors = 0;
  let lastResponseAt = 0;
  const start = performance.now() + 100;
  const dueAt = (index: number) => start + index * intervalMs;

  const send = (index: number) =>
    new Promise<void>((done) => {
      const due = dueAt(index);
      sendLags.push(performance.now() - due);
      const fail = (description: string) => {
        errors++;
        if (errorExamples.size < MAX_ERROR_EXAMPLES) errorExamples.add(description);
        lastResponseAt = performance.now();
        done();
      };
      const request = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "POST",
          timeout: TIMEOUT_MS,
          headers: { "content-type": "application/json", "content-length": body.length },
        },
        (response) => {
          let text = "";
          response.setEncoding("utf8");
          response.on("data", (chunk: string) => (text += chunk));
          response.on("end", () => {
            if (response.statusCode !== 200 || !text.includes(plan.expect))
              return fail(`HTTP ${response.statusCode}: ${text.slice(0, 200)}`);
            lastResponseAt = performance.now();
            latencies.push(lastResponseAt - due);
            done();
          });
        },
      );
      request.on("timeout", () => request.destroy(new Error(`no response within ${TIMEOUT_MS} ms`)));
      request.on("error", (error) => fail(error.message));
      request.end(body);
    });

  const inFlight: Promise<void>[] = [];
  await new Promise<void>((finished) => {
    let next = 0;
    const tick = () => {
      while (next < total && dueAt(next) <= performance.now()) inFlight.push(send(next++));
      if (next < total) setTimeout(tick, Math.max(0, dueAt(next) - performance.now()));
      else finished();
    };
    setTimeout(tick, Math.max(0, start - performance.now()));
  });
  await Promise.all(inFlight);
  agent.destroy();
  return {
    sent: total,
    succeeded: latencies.length,
    errors,
    errorExamples: [...errorExamples],
    latencyMs: latencies.length > 0 ? summarize(latencies) : null,
    sendLagMs: summarize(sendLags),
    achievedPerSecond: (latencies.length + errors) / ((lastResponseAt - start) / 1000),
  };
}

if (require.main === module) {
  generate(JSON.parse(process.argv[2]) as LoadPlan)
    .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
    .catch((error) => {
      process.stderr.write(`load generator failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    });
}
