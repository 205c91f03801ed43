import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { Client } from "pg";
import request from "supertest";
import { z } from "zod";
import { loadConfig } from "../../../api/src/config";
import { RuleViolation } from "../../../api/src/domain/errors";
import { Registry } from "prom-client";
import { createApp } from "../../../api/src/http/app";
import { metricsApp } from "../../../api/src/http/metrics";
import { hashPassword } from "../../../api/src/http/auth/password";
import type { AppDeps, HealthPort, RouteModule } from "../../../api/src/http/deps";
import { validate } from "../../../api/src/http/middleware/validate";
import { errorResponses } from "../../../api/src/http/openapi";
import { decodeCursor, encodeCursor, pageOf, paginationQuerySchema } from "../../../api/src/http/pagination";
import { createLogger } from "../../../api/src/lib/logger";
import { freePort } from "../../helpers/ports";

const PASSWORD = "Tr0ub4dor&3-secret";
let closedPort: number;
const ID_NUMBER = "11010519491231002X";
const PERSON_NAME = "张三丰";
const METRICS_TOKEN = "metrics-token-for-the-frame-test";

const applicantSchema = z.object({
  name: z.string(),
  idNumber: z.string().length(18),
  contact: z.object({ phone: z.string().regex(/^\d{11}$/) }),
  statement: z.string().optional(),
});

// A small domain-shaped route: validates at the edge, documents itself, throws domain errors.
const applicantRoutes: RouteModule = ({ router, openapi }) => {
  openapi.registerPath({
    method: "post",
    path: "/api/test/applicants",
    request: { body: { content: { "application/json": { schema: applicantSchema } } } },
    responses: { 201: { description: "Stored" }, ...errorResponses(400, 422) },
  });
  router.post("/test/applicants", validate({ body: applicantSchema }), (req) => {
    if (req.body.idNumber.startsWith("0")) throw new Error(`database exploded on ${req.body.idNumber}`);
    throw new RuleViolation({ rule: "S1.minimumAge", field: "birthDate", message: "An applicant must be 18 at S1" });
  });
  // A query on a database that is down: a real connection attempt to a port where nothing listens.
  router.get("/test/database", async () => {
    const client = new Client({ host: "127.0.0.1", port: closedPort });
    await client.connect();
  });
  router.get("/test/rows", validate({ query: paginationQuerySchema }), (req, res) => {
    const rows = Array.from({ length: 150 }, (_, i) => ({ id: i + 1 }));
    const after = req.query.cursor ? decodeCursor(req.query.cursor, z.object({ id: z.number() })).id : 0;
    const fetched = rows.filter((row) => row.id > after).slice(0, req.query.limit + 1);
    res.json(pageOf(fetched, req.query.limit, (row) => ({ id: row.id })));
  });
};

describe("HTTP frame", function () {
  let logLines: string[];
  let health: HealthPort;
  let passwordHash: string;

  let stopping: boolean;

  before(async function () {
    passwordHash = await hashPassword(PASSWORD);
    closedPort = await freePort();
  });

  function buildApp(options: { metricsToken?: string | null; metricsRegistry?: Registry } = {}) {
    logLines = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    const deps: AppDeps = {
      config: loadConfig({
        DATABASE_URL: "postgres://localhost/unused",
        FIELD_ENCRYPTION_KEY: "0f".repeat(32),
        BLIND_INDEX_KEY: "1e".repeat(32),
        TOKEN_SECRET: "2d".repeat(32),
        ...(options.metricsToken !== null && { METRICS_TOKEN: options.metricsToken ?? METRICS_TOKEN }),
      }),
      metricsRegistry: options.metricsRegistry,
      logger: createLogger({ level: "info", destination }),
      accounts: {
        findByUsername: async (username) =>
          username === "clerk"
            ? { id: "acc-1", username, passwordHash, role: "CLERK", orgId: 2, canReadPersonalData: false, disabled: false }
            : null,
      },
      sessions: {
        open: async () => ({ sessionId: "session-1" }),
        resolve: async () => ({
          auth: { accountId: "acc-1", orgId: 2, role: "CLERK", canReadPersonalData: false },
          mustChangePassword: false,
        }),
        end: async () => undefined,
      },
      audit: { record: async () => undefined },
      orgs: { isInSubtree: async () => true },
      health: { database: () => health.database(), chain: () => health.chain() },
      routes: [applicantRoutes],
      stopping: () => stopping,
    };
    return createApp(deps);
  }

  beforeEach(function () {
    stopping = false;
    health = { database: async () => undefined, chain: async () => ({ blockNumber: 42 }) };
  });

  describe("errors", function () {
    it("should answer an unknown route with a JSON 404", async function () {
      const response = await request(buildApp()).get("/api/no-such-thing");

      expect(response.status).to.equal(404);
      expect(response.type).to.equal("application/json");
      expect(response.body).to.deep.equal({ error: { code: "NOT_FOUND", message: "No route for GET /api/no-such-thing" } });
    });

    it("should name the offending field path of an invalid body with 400", async function () {
      const response = await request(buildApp())
        .post("/api/test/applicants")
        .send({ name: PERSON_NAME, idNumber: ID_NUMBER, contact: { phone: "12" } });

      expect(response.status).to.equal(400);
      expect(response.body.error).to.include({ code: "VALIDATION_ERROR", field: "contact.phone" });
    });

    it("should turn a thrown RuleViolation into 422 with its rule and field", async function () {
      const response = await request(buildApp())
        .post("/api/test/applicants")
        .send({ name: PERSON_NAME, idNumber: ID_NUMBER, contact: { phone: "13800138000" } });

      expect(response.status).to.equal(422);
      expect(response.body).to.deep.equal({
        error: { code: "RULE_VIOLATION", rule: "S1.minimumAge", field: "birthDate", message: "An applicant must be 18 at S1" },
      });
    });

    it("should hide an unexpected error behind a generic 500", async function () {
      const response = await request(buildApp())
        .post("/api/test/applicants")
        .send({ name: PERSON_NAME, idNumber: `0${ID_NUMBER.slice(1)}`, contact: { phone: "13800138000" } });

      expect(response.status).to.equal(500);
      expect(response.body).to.deep.equal({ error: { code: "INTERNAL_ERROR", message: "Internal server error" } });
      expect(response.text).not.to.contain("exploded");
    });

    it("should answer 503 with Retry-After while the database is unreachable, and log the outage once, not each request", async function () {
      health.database = async () => {
        throw new Error("still down");
      };
      const app = buildApp();

      const answers = [await request(app).get("/api/test/database"), await request(app).get("/api/test/database")];

      for (const response of answers) {
        expect(response.status).to.equal(503);
        expect(response.headers["retry-after"]).to.equal("5");
        expect(response.body.error.code).to.equal("DATABASE_UNAVAILABLE");
        expect(response.body.error.message).to.contain("数据库暂时无法访问");
      }
      const entries = logLines.map((line) => JSON.parse(line));
      expect(entries.filter((entry) => entry.msg.startsWith("database unreachable"))).to.have.length(1);
      expect(
        entries.filter((entry) => entry.level >= 50),
        "error lines",
      ).to.deep.equal([]);
      expect(logLines.join("")).not.to.contain("frames");
    });

    it("should refuse a request arriving while the instance stops with 503 and close its connection", async function () {
      const app = buildApp();
      stopping = true;

      const response = await request(app).get("/health");

      expect(response.status).to.equal(503);
      expect(response.headers.connection).to.equal("close");
      expect(response.headers["retry-after"]).to.match(/^\d+$/);
      expect(response.body.error.code).to.equal("SHUTTING_DOWN");
    });

    it("should answer a malformed JSON body with 400", async function () {
      const response = await request(buildApp()).post("/api/auth/login").set("Content-Type", "application/json").send('{"username": ');

      expect(response.status).to.equal(400);
      expect(response.body.error.code).to.equal("MALFORMED_JSON");
    });
  });

  describe("request ids", function () {
    it("should keep a well-formed caller id and replace anything else", async function () {
      const app = buildApp();

      const kept = await request(app).get("/health").set("X-Request-Id", "upstream-7f3a");
      const replaced = await request(app).get("/health").set("X-Request-Id", "bad id; with spaces");

      expect(kept.headers["x-request-id"]).to.equal("upstream-7f3a");
      expect(replaced.headers["x-request-id"]).to.match(/^[0-9a-f-]{36}$/);
    });
  });

  describe("logs", function () {
    it("should log each request without its body, so no password or ID number reaches the logs", async function () {
      const app = buildApp();

      await request(app).post("/api/auth/login").send({ username: "clerk", password: PASSWORD }).expect(200);
      await request(app)
        .post("/api/auth/login")
        .send({ username: "clerk", password: `${PASSWORD}x` })
        .expect(401);
      await request(app)
        .post("/api/test/applicants")
        .send({
          name: PERSON_NAME,
          idNumber: `0${ID_NUMBER.slice(1)}`,
          contact: { phone: "13800138000" },
          // Under a key no redaction path knows: only not logging bodies keeps it out.
          statement: `I, ${PERSON_NAME}, born 1949-12-31, apply to join.`,
        })
        .expect(500);
      await request(app).get(`/api/test/rows?idNumber=${ID_NUMBER}`).expect(200);

      const logs = logLines.join("");
      const entries = logLines.map((line) => JSON.parse(line));
      expect(entries.filter((entry) => entry.msg === "request completed")).to.have.length(3);
      const unexpected = entries.find((entry) => entry.msg === "request error");
      expect(unexpected.err.type).to.equal("Error");
      expect(unexpected.err.frames[0]).to.contain("frame.test.ts");
      for (const secret of [PASSWORD, ID_NUMBER.slice(1), PERSON_NAME, "13800138000", "1949-12-31"]) {
        expect(logs).not.to.contain(secret);
      }
    });

    it("should redact personal-data keys in anything that is logged", function () {
      const lines: string[] = [];
      const logger = createLogger({
        level: "info",
        destination: new Writable({ write: (chunk, _encoding, done) => done(void lines.push(chunk.toString())) }),
      });

      logger.info({ member: { idNumber: ID_NUMBER, name: PERSON_NAME, fields: { talk: "notes" } }, password: PASSWORD });

      const entry = JSON.parse(lines[0]);
      expect(entry.member).to.deep.equal({ idNumber: "[REDACTED]", name: "[REDACTED]", fields: "[REDACTED]" });
      expect(entry.password).to.equal("[REDACTED]");
    });
  });

  describe("pagination", function () {
    it("should page with an opaque cursor and a default limit of 20", async function () {
      const app = buildApp();

      const first = await request(app).get("/api/test/rows").expect(200);
      const second = await request(app).get("/api/test/rows").query({ cursor: first.body.nextCursor, limit: 100 }).expect(200);
      const last = await request(app).get("/api/test/rows").query({ cursor: second.body.nextCursor }).expect(200);

      expect(first.body.items.map((row: { id: number }) => row.id)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(first.body.nextCursor).to.equal(encodeCursor({ id: 20 }));
      expect(second.body.items).to.have.length(100);
      expect(last.body.items.map((row: { id: number }) => row.id)).to.deep.equal(Array.from({ length: 20 }, (_, i) => i + 121));
      expect(last.body.nextCursor).to.equal(encodeCursor({ id: 140 }));
    });

    it("should end with a null cursor when no row is left", async function () {
      const response = await request(buildApp())
        .get("/api/test/rows")
        .query({ cursor: encodeCursor({ id: 140 }) })
        .expect(200);

      expect(response.body.items).to.have.length(10);
      expect(response.body.nextCursor).to.equal(null);
    });

    it("should refuse a limit outside 1..100 and a forged cursor with 400 naming the field", async function () {
      const app = buildApp();

      for (const limit of ["0", "101", "ten"]) {
        const response = await request(app).get("/api/test/rows").query({ limit });
        expect(response.status).to.equal(400);
        expect(response.body.error.field).to.equal("limit");
      }
      const forged = await request(app).get("/api/test/rows").query({ cursor: "not-a-cursor" });
      expect(forged.status).to.equal(400);
      expect(forged.body.error.field).to.equal("cursor");
    });
  });

  describe("GET /openapi.json", function () {
    it("should be an OpenAPI 3.1 document describing login and the routes modules registered", async function () {
      const response = await request(buildApp()).get("/openapi.json").expect(200);
      const document = response.body;

      expect(document.openapi).to.match(/^3\.1\.\d+$/);
      expect(document.info).to.include.keys("title", "version");
      const login = document.paths["/api/auth/login"].post;
      expect(login.requestBody.content["application/json"].schema).to.deep.equal({ $ref: "#/components/schemas/LoginRequest" });
      expect(document.components.schemas.LoginRequest.required).to.have.members(["username", "password"]);
      expect(login.responses).to.include.keys("200", "401", "429");
      expect(document.paths["/api/auth/me"].get.security).to.deep.equal([{ bearerAuth: [] }]);
      expect(document.components.securitySchemes.bearerAuth).to.include({ type: "http", scheme: "bearer" });
      expect(document.paths).to.include.keys("/health", "/api/test/applicants");
    });

    it("should resolve every $ref it contains", async function () {
      const document = (await request(buildApp()).get("/openapi.json").expect(200)).body;

      const refs = [...JSON.stringify(document).matchAll(/"\$ref":"([^"]+)"/g)].map((match) => match[1]);
      expect(refs.length).to.be.greaterThan(0);
      for (const ref of refs) {
        const target = ref
          .replace(/^#\//, "")
          .split("/")
          .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);
        expect(target, ref).to.be.an("object");
      }
    });
  });

  describe("GET /docs", function () {
    it("should serve the viewer page and every asset it loads from this instance", async function () {
      const app = buildApp();

      const page = await request(app).get("/docs").expect(200);

      expect(page.type).to.equal("text/html");
      expect(page.text).not.to.match(/https?:\/\//);
      const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]);
      expect(assets).to.include.members(["/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/assets/init.js"]);
      for (const asset of assets) await request(app).get(asset).expect(200);
      const init = await request(app).get("/docs/assets/init.js");
      expect(init.text).to.contain('url: "/openapi.json"');
    });

    it("should serve swagger-ui-dist's own files", async function () {
      const swaggerUiDir = path.dirname(require.resolve("swagger-ui-dist/package.json"));

      const bundle = await request(buildApp()).get("/docs/assets/swagger-ui.css").expect(200);

      expect(bundle.type).to.equal("text/css");
      expect(bundle.text).to.equal(readFileSync(path.join(swaggerUiDir, "swagger-ui.css"), "utf8"));
    });

    it("should not serve other files from the package", async function () {
      await request(buildApp()).get("/docs/assets/package.json").expect(404);
      await request(buildApp()).get("/docs/assets/..%2F..%2Fpackage.json").expect(404);
    });
  });

  describe("GET /metrics", function () {
    it("should count requests by route pattern and status in Prometheus text", async function () {
      const app = buildApp();
      await request(app).get("/health").expect(200);
      await request(app).get("/health").expect(200);
      await request(app).get("/api/no-such-thing").expect(404);
      await request(app).post("/api/auth/login").send({ username: "nobody", password: "guess" }).expect(401);

      const response = await request(app).get("/metrics").set("Authorization", `Bearer ${METRICS_TOKEN}`).expect(200);

      expect(response.type).to.equal("text/plain");
      expect(response.text).to.contain('http_requests_total{method="GET",route="/health",status="200"} 2');
      expect(response.text).to.contain('http_requests_total{method="GET",route="(unmatched)",status="404"} 1');
      expect(response.text).to.contain('http_requests_total{method="POST",route="/api/auth/login",status="401"} 1');
      expect(response.text).to.match(/^http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} 2$/m);
      expect(response.text).to.contain("process_cpu_user_seconds_total");
    });

    it("should refuse /metrics without its token, or with another", async function () {
      const app = buildApp();

      const anonymous = await request(app).get("/metrics").expect(401);
      expect(anonymous.body.error.code).to.equal("UNAUTHORIZED");
      expect(anonymous.text).to.not.contain("http_requests_total");
      const wrong = await request(app).get("/metrics").set("Authorization", "Bearer metrics-token-for-another-test").expect(401);
      expect(wrong.text).to.not.contain("http_requests_total");
    });

    it("should not serve /metrics on the API's listener without a token configured, only on the loopback metrics app", async function () {
      const register = new Registry();
      const app = buildApp({ metricsToken: null, metricsRegistry: register });
      await request(app).get("/health").expect(200);

      await request(app).get("/metrics").expect(404);
      const metrics = await request(metricsApp(register)).get("/metrics").expect(200);
      expect(metrics.text).to.contain('http_requests_total{method="GET",route="/health",status="200"} 1');
    });
  });

  describe("GET /health", function () {
    it("should report ok with the database latency and the chain's block", async function () {
      const response = await request(buildApp()).get("/health").expect(200);

      expect(response.body.status).to.equal("ok");
      expect(response.body.database.ok).to.equal(true);
      expect(response.body.database.latencyMs).to.be.a("number");
      expect(response.body.chain).to.deep.equal({ ok: true, blockNumber: 42 });
    });

    it("should stay up but degraded when the chain does not answer", async function () {
      health.chain = async () => {
        throw new Error("connection refused");
      };

      const response = await request(buildApp()).get("/health").expect(200);

      expect(response.body.status).to.equal("degraded");
      expect(response.body.chain).to.deep.equal({ ok: false });
    });

    it("should answer 503 when the database does not answer", async function () {
      health.database = async () => {
        throw new Error("connection refused");
      };

      const response = await request(buildApp()).get("/health").expect(503);

      expect(response.body.status).to.equal("degraded");
      expect(response.body.database.ok).to.equal(false);
    });
  });
});
