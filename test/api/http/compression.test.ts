import { expect } from "chai";
import { readFileSync } from "node:fs";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import zlib from "node:zlib";
import { startTestInstance, type TestInstance } from "../../helpers/service";

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as they came over the wire, not decoded. */
  wire: Buffer;
}

const STYLES = readFileSync(path.join(__dirname, "../../../api/web/assets/styles.css"));

describe("Answers are compressed when the client asks, and plain when it does not", function () {
  this.timeout(120_000);
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

  /** A GET through node:http, which (unlike fetch) leaves the body as sent. */
  function get(route: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
    return new Promise((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port, path: route, headers, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, wire: Buffer.concat(chunks) }));
          res.on("error", reject);
        })
        .on("error", reject);
    });
  }

  it("should stream a file larger than the compressor's buffer to the end, brotli-encoded (the API viewer's 1.4 MB script)", async function () {
    const bundle = readFileSync(require.resolve("swagger-ui-dist/swagger-ui-bundle.js"));
    const answer = await get("/docs/assets/swagger-ui-bundle.js", { "accept-encoding": "br" });
    expect(answer.status).to.equal(200);
    expect(answer.headers["content-encoding"]).to.equal("br");
    expect(zlib.brotliDecompressSync(answer.wire).equals(bundle)).to.equal(true);
  });

  it("should send a portal stylesheet gzip-encoded to a client accepting gzip, and the same bytes once decoded", async function () {
    const answer = await get("/portal/assets/styles.css", { "accept-encoding": "gzip" });
    expect(answer.status).to.equal(200);
    expect(answer.headers["content-encoding"]).to.equal("gzip");
    expect(answer.headers.vary).to.match(/accept-encoding/i);
    expect(answer.wire.length).to.be.lessThan(STYLES.length / 2);
    expect(zlib.gunzipSync(answer.wire).equals(STYLES)).to.equal(true);
  });

  it("should prefer brotli for a portal asset when the client accepts both", async function () {
    const answer = await get("/portal/assets/styles.css", { "accept-encoding": "gzip, deflate, br" });
    expect(answer.headers["content-encoding"]).to.equal("br");
    expect(zlib.brotliDecompressSync(answer.wire).equals(STYLES)).to.equal(true);
  });

  it("should send a portal asset plain, with its length, to a client that does not ask for an encoding", async function () {
    const answer = await get("/portal/assets/styles.css");
    expect(answer.status).to.equal(200);
    expect(answer.headers["content-encoding"]).to.equal(undefined);
    expect(answer.headers["content-length"]).to.equal(String(STYLES.length));
    expect(answer.wire.equals(STYLES)).to.equal(true);
  });

  it("should send a JSON answer brotli- or gzip-encoded as asked, and plain otherwise, with the same document", async function () {
    const plain = await get("/openapi.json");
    expect(plain.status).to.equal(200);
    expect(plain.headers["content-encoding"]).to.equal(undefined);
    expect(plain.headers["content-type"]).to.match(/^application\/json/);
    const document = JSON.parse(plain.wire.toString("utf8")) as { paths: Record<string, unknown> };
    expect(document.paths).to.have.property("/api/dashboard");

    const brotli = await get("/openapi.json", { "accept-encoding": "br" });
    expect(brotli.headers["content-encoding"]).to.equal("br");
    expect(brotli.headers["content-length"]).to.equal(undefined);
    expect(JSON.parse(zlib.brotliDecompressSync(brotli.wire).toString("utf8"))).to.deep.equal(document);

    const gzip = await get("/openapi.json", { "accept-encoding": "gzip;q=1, br;q=0" });
    expect(gzip.headers["content-encoding"]).to.equal("gzip");
    expect(JSON.parse(zlib.gunzipSync(gzip.wire).toString("utf8"))).to.deep.equal(document);
  });

  it("should leave an answer plain when the client refuses every encoding but identity", async function () {
    const answer = await get("/openapi.json", { "accept-encoding": "identity" });
    expect(answer.headers["content-encoding"]).to.equal(undefined);
    expect(JSON.parse(answer.wire.toString("utf8"))).to.have.property("paths");
  });
});
