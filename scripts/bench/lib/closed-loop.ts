// A closed-loop load generator, run as its own process so its work does not share the server's event loop: each of
// `connections` clients sends its next request as soon as its last one answered, for `seconds`. Every request
// carries its own body (a fresh ID number, or the next member's step), since writes must differ. It prints one
// JSON line, a ClosedLoopResult.
import { spawn } from "node:child_process";
import { randomInt } from "node:crypto";
import http from "node:http";
import { summarize, type Summary } from "./stats";

/** What each request writes: an enrollment, a member's next step, or the floor app's row. */
export type WriteKind =
  | { kind: "enroll"; orgId: number; effectiveDate: string; fields: Record<string, unknown> }
  | { kind: "step"; memberIds: string[]; step: string; effectiveDate: string; fields: Record<string, unknown> }
  | { kind: "floor"; bodyBytes: number };

export interface ClosedLoopPlan {
  baseUrl: string;
  token?: string;
  connections: number;
  seconds: number;
  write: WriteKind;
}

export interface ClosedLoopResult {
  completed: number;
  errors: number;
  errorExamples: string[];
  latencyMs: Summary | null;
  perSecond: number;
  /** The members an enrollment run created, for a following run of next steps. */
  memberIds: string[];
}

const TIMEOUT_MS = 30_000;
const TS_NODE = require.resolve("ts-node/dist/bin.js");

export function runClosedLoop(plan: ClosedLoopPlan): Promise<ClosedLoopResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [TS_NODE, "--transpile-only", __filename, JSON.stringify(plan)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(output) as ClosedLoopResult) : reject(new Error(`closed-loop generator exited with code ${code}`)),
    );
  });
}

const idNumber = () => Array.from({ length: 18 }, () => randomInt(10)).join("");

/** The next request's path and body, or undefined when a run of next steps has no member left. */
function nextRequest(write: WriteKind, queue: string[]): { path: string; body: string } | undefined {
  switch (write.kind) {
    case "enroll":
      return {
        path: "/api/members",
        body: JSON.stringify({
          orgId: write.orgId,
          personal: { name: "基准测试", idNumber: idNumber(), birthDate: "2000-05-10" },
          application: { effectiveDate: write.effectiveDate, fields: write.fields, evidence: [] },
        }),
      };
    case "step": {
      const memberId = queue.shift();
      if (memberId === undefined) return undefined;
      return {
        path: `/api/members/${memberId}/records`,
        body: JSON.stringify({ step: write.step, effectiveDate: write.effectiveDate, fields: write.fields, evidence: [] }),
      };
    }
    case "floor":
      return { path: "/records", body: JSON.stringify({ memberKey: idNumber(), payload: "x".repeat(write.bodyBytes) }) };
  }
}

function post(
  agent: http.Agent,
  url: URL,
  token: string | undefined,
  path: string,
  body: string,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path,
        method: "POST",
        timeout: TIMEOUT_MS,
        headers: { "content-type": "application/json", ...(token && { authorization: `Bearer ${token}` }) },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.once("timeout", () => request.destroy(new Error("timeout")));
    request.once("error", reject);
    request.end(body);
  });
}

async function generate(plan: ClosedLoopPlan): Promise<ClosedLoopResult> {
  const url = new URL(plan.baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: plan.connections });
  const queue = plan.write.kind === "step" ? [...plan.write.memberIds] : [];
  const latencies: number[] = [];
  const memberIds: string[] = [];
  const errorExamples = new Set<string>();
  let errors = 0;
  const startedAt = performance.now();
  const stopAt = startedAt + plan.seconds * 1000;
  let lastAnswerAt = startedAt;
  const client = async () => {
    while (performance.now() < stopAt) {
      const request = nextRequest(plan.write, queue);
      if (request === undefined) return;
      const sentAt = performance.now();
      try {
        const { status, text } = await post(agent, url, plan.token, request.path, request.body);
        lastAnswerAt = performance.now();
        if (status !== 201) throw new Error(`${status} ${text.slice(0, 200)}`);
        latencies.push(lastAnswerAt - sentAt);
        if (plan.write.kind === "enroll") memberIds.push((JSON.parse(text) as { memberId: string }).memberId);
      } catch (error) {
        errors += 1;
        if (errorExamples.size < 5) errorExamples.add(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: plan.connections }, client));
  agent.destroy();
  const seconds = (lastAnswerAt - startedAt) / 1000;
  return {
    completed: latencies.length,
    errors,
    errorExamples: [...errorExamples],
    latencyMs: latencies.length > 0 ? summarize(latencies) : null,
    perSecond: latencies.length / seconds,
    memberIds,
  };
}

if (require.main === module) {
  generate(JSON.parse(process.argv[2]) as ClosedLoopPlan).then(
    (result) => process.stdout.write(`${JSON.stringify(result)}\n`),
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
