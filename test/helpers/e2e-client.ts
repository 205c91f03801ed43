// The instance's HTTP API as a client sees it: log in, enter members, read their records and proofs.
import type { AnchoringState } from "../../api/src/domain/anchoring-state";
import type { ErrorBody } from "../../api/src/domain/errors";
import type { PersonalData } from "../../api/src/domain/membership/members";
import type { RecordView, RecordedStep } from "../../api/src/domain/membership/records";
import type { RecordProof } from "../../api/src/lib/proof-bundle";
import { JOURNEY } from "../../api/src/seed/journey";
import { randomPerson } from "./anchored";
import type { InstanceProcess } from "./e2e-processes";

const POLL_MS = 100;

/** An answer as it came, for tests that expect refusals as well as successes. */
export interface Answer {
  status: number;
  body: { error?: ErrorBody } & Partial<RecordedStep>;
  retryAfter: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what}: HTTP ${status} ${JSON.stringify(body)}`);
    this.name = "ApiError";
  }
}

export class ApiClient {
  private constructor(
    private readonly baseUrl: string,
    readonly accessToken: string,
  ) {}

  static async login(baseUrl: string, username: string, password: string): Promise<ApiClient> {
    const { token } = await call<{ token: string }>(baseUrl, "POST", "/api/auth/login", undefined, { username, password }, 200);
    return new ApiClient(baseUrl, token);
  }

  /** POST /api/members: a new person's application (S1) in `orgId`. */
  enroll(orgId: number): Promise<RecordedStep> {
    const [{ effectiveDate, fields }] = JOURNEY;
    return this.call(
      "POST",
      "/api/members",
      { orgId, personal: randomPerson(), application: { effectiveDate, fields, evidence: [] } },
      201,
    );
  }

  /** POST /api/members/{memberId}/records: the journey's `step`, as the seed journey has it. */
  recordStep(memberId: string, step: string): Promise<RecordedStep> {
    const { effectiveDate, fields } = JOURNEY.find((record) => record.step === step)!;
    return this.call("POST", `/api/members/${memberId}/records`, { step, effectiveDate, fields }, 201);
  }

  /** POST /api/members for `personal`, whatever the answer: its status, body and Retry-After header. */
  async tryEnroll(orgId: number, personal: PersonalData): Promise<Answer> {
    const [{ effectiveDate, fields }] = JOURNEY;
    const response = await fetch(`${this.baseUrl}/api/members`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${this.accessToken}` },
      body: JSON.stringify({ orgId, personal, application: { effectiveDate, fields, evidence: [] } }),
    });
    return { status: response.status, body: await response.json(), retryAfter: response.headers.get("retry-after") };
  }

  async records(memberId: string): Promise<RecordView[]> {
    return (await this.call<{ items: RecordView[] }>("GET", `/api/members/${memberId}/records`)).items;
  }

  recordProof(recordId: number): Promise<RecordProof> {
    return this.call("GET", `/api/records/${recordId}/proof`);
  }

  /** Polls the member's records until each is in `state`; bounded by the test's timeout. */
  async waitForRecords(memberId: string, state: AnchoringState): Promise<RecordView[]> {
    for (;;) {
      const records = await this.records(memberId);
      if (records.every((record) => record.anchoring.state === state)) return records;
      const stuck = records.find((record) => record.anchoring.state === "FAILED");
      if (stuck) throw new Error(`record ${stuck.id} failed to anchor: ${JSON.stringify(stuck.anchoring.error)}`);
      await sleep(POLL_MS);
    }
  }

  private call<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    return call(this.baseUrl, method, path, this.accessToken, body, expected);
  }
}

async function call<T>(
  baseUrl: string,
  method: string,
  path: string,
  token: string | undefined,
  body: unknown,
  expected: number,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { "content-type": "application/json", ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as T;
  if (response.status !== expected) throw new ApiError(response.status, answer, `${method} ${path}`);
  return answer;
}

/** Waits until the instance answers GET /health; fails with its output if it exits first. */
export async function waitForHealth(baseUrl: string, instance: InstanceProcess): Promise<void> {
  for (;;) {
    if (!instance.isRunning()) throw new Error(`the instance exited before serving:\n${instance.output()}`);
    const healthy = await fetch(`${baseUrl}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) return;
    await sleep(POLL_MS);
  }
}

/** Runs `work` on each item, at most `concurrency` at a time, and returns the results in item order. */
export async function inParallel<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
