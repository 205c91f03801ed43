// What the portal's verify, audit and dashboard tests set up through the API beside the browser: a logged-in caller,
// transfers issued and put on chain by the running anchoring worker, and waits for the worker to settle.
import { expect } from "chai";
import type { AnchoringStatus } from "../../api/src/domain/anchoring-state";
import type { TransferView } from "../../api/src/domain/transfers";
import type { LetterVerdict } from "../../api/src/domain/verification/verify-letter";
import { PORTAL_PASSWORD } from "./portal";

const POLL_MS = 200;

/** One account's calls to the instance's API, bearer token included; any unexpected status fails the test. */
export class PortalApi {
  private constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async login(baseUrl: string, username: string): Promise<PortalApi> {
    const response = await fetch(`${baseUrl}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username, password: PORTAL_PASSWORD }),
    });
    expect(response.status, `login of ${username}`).to.equal(200);
    return new PortalApi(baseUrl, ((await response.json()) as { token: string }).token);
  }

  async json<T>(method: string, path: string, body?: unknown, expected = 200): Promise<T> {
    const response = await this.send(method, path, body);
    const answer = (await response.json()) as T;
    expect(response.status, `${method} ${path}: ${JSON.stringify(answer)}`).to.equal(expected);
    return answer;
  }

  /** The status alone, for polling what is not there yet. */
  async status(path: string): Promise<number> {
    const response = await this.send("GET", path);
    await response.arrayBuffer();
    return response.status;
  }

  async bytes(path: string): Promise<Buffer> {
    const response = await this.send("GET", path);
    expect(response.status, `GET ${path}`).to.equal(200);
    return Buffer.from(await response.arrayBuffer());
  }

  private send(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined && { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }
}

/** Polls `probe` until it answers something other than undefined; bounded by the test's timeout. */
export async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const answer = await probe();
    if (answer !== undefined) return answer;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Issues a transfer of `memberId` to `toOrgId` as `approver` and waits until the ledger vouches for it. */
export async function issueTransferOnChain(approver: PortalApi, memberId: string, toOrgId: number): Promise<TransferView> {
  const transfer = await approver.json<TransferView>("POST", "/api/transfers", { memberId, toOrgId, validDays: 30 }, 201);
  await eventually(async () => {
    const answer = await approver.json<LetterVerdict>("POST", "/api/verify/letter", { transferId: transfer.id });
    return answer.verdict === "VALID" ? answer : undefined;
  });
  return transfer;
}

/** Waits until every write the worker has queued is final on chain and a final checkpoint covers every record. */
export async function anchoringSettled(caller: PortalApi): Promise<AnchoringStatus> {
  return eventually(async () => {
    const status = await caller.json<AnchoringStatus>("GET", "/api/anchoring");
    const { PENDING, SENT, MINED, FAILED } = status.outbox;
    expect(FAILED, "writes refused by the chain").to.equal(0);
    const covered = status.latestCheckpoint !== null && status.finalCheckpoint?.treeSize === status.latestCheckpoint.treeSize;
    return PENDING + SENT + MINED === 0 && covered ? status : undefined;
  });
}
