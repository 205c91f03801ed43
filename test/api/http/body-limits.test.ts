import { expect } from "chai";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { startTestInstance, type AccountName, type TestInstance } from "../../helpers/service";

const MIB = 1024 * 1024;
const TRANSFER_ID = `0x${"ab".repeat(32)}`;
const CHUNK = Buffer.alloc(MIB, 0x20);

interface Outcome {
  status: number;
  body: { error?: { code: string; rule?: string } };
  /** Bytes of the body the client got to send before the answer came. */
  sent: number;
}

describe("Request bodies are read only after the caller is authorized, up to the route's limit", function () {
  this.timeout(180_000);
  let instance: TestInstance;
  let server: http.Server;
  let port: number;

  before(async function () {
    instance = await startTestInstance();
    server = instance.app.listen(0, "127.0.0.1");
    await once(server, "listening");
    port = (server.address() as AddressInfo).port;
  });

  after(async function () {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await instance.close();
  });

  /** Streams `declaredBytes` of body (one reused chunk, so the client holds no copy) until the server answers. */
  function post(path: string, declaredBytes: number, headers: Record<string, string> = {}): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      let sent = 0;
      let answered = false;
      const req = http.request({
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent: false,
        headers: { "content-type": "application/json", "content-length": String(declaredBytes), ...headers },
      });
      req.on("response", (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          req.destroy();
          resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}"), sent });
        });
      });
      req.on("error", (error) => {
        // The server closing the connection on a refused body ends the upload; the answer has come (or comes) first.
        if (!answered) setTimeout(() => (answered ? undefined : reject(error)), 1_000);
      });
      const pump = () => {
        while (!answered && sent < declaredBytes) {
          const slice = CHUNK.subarray(0, Math.min(CHUNK.length, declaredBytes - sent));
          sent += slice.length;
          if (!req.write(slice)) return void req.once("drain", pump);
        }
        if (sent >= declaredBytes) req.end();
      };
      pump();
    });
  }

  async function bearer(account: AccountName) {
    return { authorization: `Bearer ${await instance.tokenOf(account)}` };
  }

  /** Runs the posts while sampling this process's resident memory (the server runs in it); returns the peak growth. */
  async function peakMemoryGrowthDuring<T>(work: () => Promise<T>): Promise<{ result: T; growthBytes: number }> {
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    try {
      const result = await work();
      peak = Math.max(peak, process.memoryUsage().rss);
      return { result, growthBytes: peak - baseline };
    } finally {
      clearInterval(sampler);
    }
  }

  it("should refuse 8 parallel unauthenticated 60 MB package imports unread, memory staying flat", async function () {
    const { result, growthBytes } = await peakMemoryGrowthDuring(() =>
      Promise.all(Array.from({ length: 8 }, () => post(`/api/transfers/${TRANSFER_ID}/import-package`, 60 * MIB))),
    );

    for (const outcome of result) {
      expect(outcome.status).to.equal(401);
      expect(outcome.body.error?.code).to.equal("UNAUTHORIZED");
      expect(outcome.sent, "the upload was cut short").to.be.below(60 * MIB);
    }
    // Reading them would have held 8 × 60 MB; the posts themselves cost only sockets and one 1 MiB chunk.
    expect(growthBytes, `resident memory grew by ${(growthBytes / MIB).toFixed(1)} MiB`).to.be.below(64 * MIB);
  });

  it("should refuse a 60 MB package from a logged-in account that may not import it before reading it", async function () {
    const outcome = await post(`/api/transfers/${TRANSFER_ID}/import-package`, 60 * MIB, await bearer("aClerk"));

    expect(outcome.status).to.equal(404);
    expect(outcome.sent).to.be.below(60 * MIB);
  });

  it("should refuse unread a 60 MB evidence upload without a login, or from a role that may not upload", async function () {
    const anonymous = await post("/api/evidence", 60 * MIB, { "content-type": "application/pdf" });
    const auditor = await post("/api/evidence", 60 * MIB, { "content-type": "application/pdf", ...(await bearer("aAuditor")) });

    expect(anonymous.status).to.equal(401);
    expect(anonymous.sent).to.be.below(60 * MIB);
    expect(auditor.status).to.equal(403);
    expect(auditor.body.error?.rule).to.equal("auth.role");
    expect(auditor.sent).to.be.below(60 * MIB);
  });

  it("should refuse a clerk's evidence upload declared over its 10 MiB limit with 413 before reading it", async function () {
    const outcome = await post("/api/evidence", 11 * MIB, { "content-type": "application/pdf", ...(await bearer("aClerk")) });

    expect(outcome.status).to.equal(413);
    expect(outcome.body.error).to.include({ code: "PAYLOAD_TOO_LARGE", rule: "request.bodyLimit" });
    expect(outcome.sent).to.be.below(11 * MIB);
  });

  it("should refuse a logged-in JSON body over the small limit with 413, and a public one too", async function () {
    const member = await post("/api/members", 20 * MIB, await bearer("aClerk"));
    const verify = await post("/api/verify", 20 * MIB);

    expect(member.status).to.equal(413);
    expect(verify.status).to.equal(413);
    expect(member.sent).to.be.below(20 * MIB);
    expect(verify.sent).to.be.below(20 * MIB);
  });
});
