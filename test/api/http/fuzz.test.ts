// Every write route of the API, listed from the OpenAPI document the app serves, gets at least RUNS_PER_ROUTE malformed
// requests generated from the zod schemas it validates with (caught as the routes register them in the document).
// Each must be answered 4xx naming the field or rule it broke, never 5xx, and no table may gain a row.
import { OpenAPIRegistry, type RouteConfig } from "@asteasolutions/zod-to-openapi";
import { expect } from "chai";
import fc from "fast-check";
import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { hashPassword } from "../../../api/src/http/auth/password";
import { startTestInstance, ORG_IDS, type TestInstance } from "../../helpers/service";
import { brokenSegment, junk, notJson, SchemaArbitraries, type JsonSchema } from "./malformed";

const RUNS_PER_ROUTE = 2_000;
const CONCURRENCY = 16;
const WRITE_METHODS = ["post", "put", "patch", "delete"];
const ADMIN = { username: "fuzzadmin", password: "fuzz admin password 1" };
/** Routes that only an ORG_ADMIN reaches past requireRole; every other authenticated route validates for any role. */
const ADMIN_ONLY = /^\/api\/(accounts|organizations)\b/;
// A raw upload's one rule set is its content type and the file's leading bytes: no accepted file starts with 0x00.
const EVIDENCE_TYPES = ["application/pdf", "image/png", "image/jpeg"];
// A package is read only for an incoming transfer the caller approves (404 before the body otherwise, by design), and
// none exists in a fresh instance: its requests are malformed in the transfer id, whatever their body.
const BODY_READ_ONLY_FOR_EXISTING = new Set(["post /api/transfers/{transferId}/import-package"]);

interface MalformedRequest {
  path: string;
  contentType?: string;
  body?: string | Uint8Array;
}

interface Outcome {
  status: number;
  body: { error?: { code?: string; field?: string; rule?: string } } | undefined;
}

interface RouteUnderTest {
  method: string;
  path: string;
  secured: boolean;
  config?: RouteConfig;
}

function zodOf(content: unknown): z.ZodType | undefined {
  return content instanceof z.ZodType ? content : undefined;
}

/** What a malformed request to `route` looks like, or why the route has nothing to malform. */
function requestsFor(route: RouteUnderTest): fc.Arbitrary<MalformedRequest> | string {
  const request = route.config?.request;
  const paramsSchema = zodOf(request?.params);
  const content = request?.body?.content ?? {};
  const jsonMedia = content["application/json"];
  const jsonSchema = zodOf(jsonMedia && "schema" in jsonMedia ? jsonMedia.schema : undefined);
  const rawTypes = Object.keys(content).filter((type) => type !== "application/json");

  const paramNames = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
  const paramsJson = paramsSchema ? (z.toJSONSchema(paramsSchema, { io: "input", unrepresentable: "any" }) as JsonSchema) : undefined;
  const paramArbitraries = paramsJson && new SchemaArbitraries(paramsJson);
  const paramsOf = (broken: boolean) =>
    fc.record(
      Object.fromEntries(
        paramNames.map((name) => {
          const schema = paramsJson!.properties![name];
          return [
            name,
            broken
              ? fc.oneof(brokenSegment(paramArbitraries!, schema), paramArbitraries!.valid(schema).map(String))
              : paramArbitraries!.valid(schema).map(String),
          ];
        }),
      ),
    );
  const pathOf = (params: Record<string, string>) =>
    route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name]));
  const paramsValid = (params: Record<string, string>) => !paramsSchema || paramsSchema.safeParse(params).success;

  if (jsonSchema) {
    const bodyJson = z.toJSONSchema(jsonSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
    const arbitraries = new SchemaArbitraries(bodyJson);
    const body = fc.oneof(
      {
        weight: 6,
        arbitrary: arbitraries.broken(bodyJson).map((value) => ({ contentType: "application/json", body: JSON.stringify(value) ?? "" })),
      },
      { weight: 1, arbitrary: notJson.map((text) => ({ contentType: "application/json", body: text })) },
      { weight: 1, arbitrary: arbitraries.valid(bodyJson).map((value) => ({ contentType: "text/plain", body: JSON.stringify(value) })) },
      {
        weight: 1,
        arbitrary: arbitraries.valid(bodyJson).map((value) => ({ contentType: "application/json", body: JSON.stringify(value) })),
      },
    );
    const paramsMustBreak = BODY_READ_ONLY_FOR_EXISTING.has(`${route.method} ${route.path}`);
    return fc
      .record({ params: paramNames.length > 0 ? paramsOf(true) : fc.constant({}), body })
      .filter(({ params, body }) => !paramsValid(params) || (!paramsMustBreak && !jsonBodyValid(jsonSchema, body.contentType, body.body)))
      .map(({ params, body }) => ({ path: pathOf(params), ...body }));
  }
  if (rawTypes.length > 0) {
    return fc
      .record({
        contentType: fc.oneof(
          fc.constantFrom(...rawTypes),
          fc.constantFrom("text/plain", "application/json", "image/gif", "application/x-pdf", "application/octet-stream"),
        ),
        body: fc.oneof(
          fc.constant(new Uint8Array(0)),
          fc.uint8Array({ minLength: 1, maxLength: 512 }).map((bytes) => Uint8Array.of(0, ...bytes)),
        ),
      })
      .filter(({ contentType, body }) => !EVIDENCE_TYPES.includes(contentType) || body.length === 0 || body[0] === 0)
      .map((raw) => ({ path: route.path, ...raw }));
  }
  if (paramNames.length > 0) {
    return fc
      .record({ params: paramsOf(true), body: fc.option(junk, { nil: undefined }) })
      .filter(({ params }) => !paramsValid(params))
      .map(({ params, body }) => ({
        path: pathOf(params),
        contentType: "application/json",
        body: body === undefined ? undefined : JSON.stringify(body),
      }));
  }
  return "takes no input";
}

/** Whether the server would accept this body: what body-parser makes of the bytes, then the route's schema. */
function jsonBodyValid(schema: z.ZodType, contentType: string, text: string): boolean {
  if (contentType !== "application/json") return schema.safeParse(undefined).success;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return false;
  }
  // body-parser's strict mode takes only objects and arrays.
  if (parsed === null || typeof parsed !== "object") return false;
  return schema.safeParse(parsed).success;
}

describe("Every write route refuses malformed requests with a 4xx naming the rule, and writes nothing", function () {
  this.timeout(600_000);
  let instance: TestInstance;
  let server: http.Server;
  let baseUrl: string;
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const configs = new Map<string, RouteConfig>();

  before(async function () {
    // The routes register their zod schemas in the OpenAPI registry; keep them to generate from and to check against.
    const registerPath = OpenAPIRegistry.prototype.registerPath;
    OpenAPIRegistry.prototype.registerPath = function (this: OpenAPIRegistry, config: RouteConfig) {
      configs.set(`${config.method} ${config.path}`, config);
      return registerPath.call(this, config);
    };
    try {
      // Refused logins count toward the login limits (in memory, not in a table); thousands of them here are the point.
      instance = await startTestInstance({
        LOGIN_RATE_LIMIT: "1000000",
        LOGIN_ADDRESS_RATE_LIMIT: "1000000",
        LOGIN_GLOBAL_RATE_LIMIT: "1000000",
      });
    } finally {
      OpenAPIRegistry.prototype.registerPath = registerPath;
    }
    await instance.database.repositories.accounts.create({
      username: ADMIN.username,
      passwordHash: await hashPassword(ADMIN.password),
      role: "ORG_ADMIN",
      orgId: ORG_IDS.committeeA,
      canReadPersonalData: false,
    });
    server = instance.app.listen(0, "127.0.0.1");
    await once(server, "listening");
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async function () {
    agent.destroy();
    server?.closeAllConnections();
    if (server) await new Promise((resolve) => server.close(resolve));
    await instance?.close();
  });

  function send(method: string, request: MalformedRequest, token?: string): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (request.contentType !== undefined) headers["content-type"] = request.contentType;
      const body =
        request.body === undefined
          ? undefined
          : typeof request.body === "string"
            ? Buffer.from(request.body, "utf8")
            : Buffer.from(request.body);
      if (body) headers["content-length"] = String(body.length);
      const req = http.request(`${baseUrl}${request.path}`, { method: method.toUpperCase(), agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: Outcome["body"];
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode!, body: parsed });
        });
      });
      req.on("error", reject);
      req.end(body);
    });
  }

  async function rowCounts(): Promise<Record<string, number>> {
    const tables: { table_name: string }[] = await instance.database.dataSource.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name",
    );
    const counts: Record<string, number> = {};
    for (const { table_name: table } of tables) {
      const [{ count }] = await instance.database.dataSource.query(`SELECT count(*)::int AS count FROM "${table.replace(/"/g, '""')}"`);
      counts[table] = Number(count);
    }
    return counts;
  }

  it(`should answer ${RUNS_PER_ROUTE} malformed requests per write route with a 4xx naming a field or rule`, async function () {
    const document = JSON.parse(JSON.stringify((await send("get", { path: "/openapi.json" })).body)) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    const routes: RouteUnderTest[] = Object.entries(document.paths)
      .filter(([path]) => path.startsWith("/api/"))
      .flatMap(([path, operations]) =>
        Object.entries(operations)
          .filter(([method]) => WRITE_METHODS.includes(method))
          .map(([method, operation]) => ({
            method,
            path,
            secured: (operation.security ?? []).length > 0,
            config: configs.get(`${method} ${path}`),
          })),
      );
    expect(routes.length, "write routes in the OpenAPI document").to.be.greaterThan(10);

    const clerkToken = await instance.tokenOf("aClerk");
    const adminLogin = await send("post", { path: "/api/auth/login", contentType: "application/json", body: JSON.stringify(ADMIN) });
    expect(adminLogin.status).to.equal(200);
    const adminToken = (adminLogin.body as unknown as { token: string }).token;

    const table: Record<string, number | string>[] = [];
    const failures: string[] = [];
    for (const route of routes) {
      const arbitrary = requestsFor(route);
      const label = `${route.method.toUpperCase()} ${route.path}`;
      if (typeof arbitrary === "string") {
        table.push({ route: label, malformed: 0, note: arbitrary });
        continue;
      }
      const token = !route.secured ? undefined : ADMIN_ONLY.test(route.path) ? adminToken : clerkToken;
      const started = Date.now();
      const requests = fc.sample(arbitrary, { numRuns: RUNS_PER_ROUTE });
      const statuses = new Map<number, number>();
      const before = await rowCounts();
      for (let start = 0; start < requests.length; start += CONCURRENCY) {
        const batch = requests.slice(start, start + CONCURRENCY);
        const outcomes = await Promise.all(batch.map((request) => send(route.method, request, token)));
        outcomes.forEach((outcome, index) => {
          statuses.set(outcome.status, (statuses.get(outcome.status) ?? 0) + 1);
          const error = outcome.body?.error;
          const named = error?.field ?? error?.rule;
          if (outcome.status < 400 || outcome.status >= 500 || !error?.code || !named) {
            if (failures.length < 20)
              failures.push(`${label} → ${outcome.status} ${JSON.stringify(outcome.body)} for ${JSON.stringify(batch[index])}`);
          }
        });
      }
      const elapsedMs = Date.now() - started;
      const after = await rowCounts();
      const grown = Object.keys(after).filter((name) => after[name] !== before[name]);
      if (grown.length > 0) failures.push(`${label} changed the row count of ${grown.join(", ")}`);
      table.push({
        route: label,
        malformed: requests.length,
        statuses: [...statuses].map(([status, count]) => `${status}×${count}`).join(" "),
        ms: elapsedMs,
      });
    }
    console.table(table);

    expect(failures).to.deep.equal([]);
    for (const row of table) if (row.note === undefined) expect(row.malformed, String(row.route)).to.be.at.least(RUNS_PER_ROUTE);
  });
});
