// Issue 12, end to end: one active member per person. Twenty clerks enter the same person at the same moment, through
// one instance process and through two sharing a database: exactly one enrollment is accepted, the others are refused
// 409 naming the rule and the field, and the database holds one active member of that person.
import { expect } from "chai";
import { blindIndex } from "../../api/src/lib/field-encryption";
import { randomPerson } from "../helpers/anchored";
import { createE2eEnvironment, E2E_PASSWORD, E2E_USERS, type E2eEnvironment } from "../helpers/e2e";
import { ApiClient, waitForHealth, type Answer } from "../helpers/e2e-client";
import type { InstanceProcess } from "../helpers/e2e-processes";
import { freePort } from "../helpers/ports";

const CLERKS = 20;
/** Several people, one after the other: a race lost by chance in one round is unlikely to be lost in every round. */
const ROUNDS = 3;

interface Served {
  baseUrl: string;
  instance: InstanceProcess;
}

async function serve(environment: E2eEnvironment, env: Record<string, string>): Promise<Served> {
  const port = await freePort();
  const instance = environment.start("main", { PORT: String(port), ...env });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, instance);
  return { baseUrl, instance };
}

/** ROUNDS people, each entered by CLERKS clients at once, spread over the given instances in turn. */
async function enterEachPersonConcurrently(
  environment: E2eEnvironment,
  served: Served[],
): Promise<{ answers: Answer[][]; people: string[] }> {
  const clients = await Promise.all(served.map(({ baseUrl }) => ApiClient.login(baseUrl, E2E_USERS.clerk, E2E_PASSWORD)));
  const answers: Answer[][] = [];
  const people: string[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const person = randomPerson();
    people.push(person.idNumber);
    answers.push(
      await Promise.all(
        Array.from({ length: CLERKS }, (_, clerk) => clients[clerk % clients.length].tryEnroll(environment.chain.orgs.branchA, person)),
      ),
    );
  }
  return { answers, people };
}

async function activeMembersOf(environment: E2eEnvironment, idNumber: string): Promise<number> {
  const dataSource = await environment.database.open();
  try {
    const rows: { count: string }[] = await dataSource.query(
      "SELECT count(*) AS count FROM members WHERE status = 'ACTIVE' AND id_number_index = $1",
      [blindIndex(environment.database.keys.blindIndexKey, idNumber)],
    );
    return Number(rows[0].count);
  } finally {
    await dataSource.destroy();
  }
}

function expectOneAccepted(answers: Answer[]): void {
  const statuses = answers.map((answer) => answer.status).sort();
  expect(statuses, JSON.stringify(answers.filter((answer) => answer.status !== 409 && answer.status !== 201))).to.deep.equal([
    201,
    ...Array<number>(CLERKS - 1).fill(409),
  ]);
  for (const refused of answers.filter((answer) => answer.status === 409)) {
    expect(refused.body.error).to.include({ code: "CONFLICT", rule: "member.uniqueIdNumber", field: "personal.idNumber" });
  }
}

describe("One active member per person, end to end", function () {
  this.timeout(240_000);

  describe("twenty concurrent enrollments of one person through one instance process", function () {
    let environment: E2eEnvironment | undefined;
    let result: { answers: Answer[][]; people: string[] };
    let active: number[];

    before(async function () {
      environment = await createE2eEnvironment();
      const served = await serve(environment, {});
      result = await enterEachPersonConcurrently(environment, [served]);
      await served.instance.stop();
      active = await Promise.all(result.people.map((idNumber) => activeMembersOf(environment!, idNumber)));
    });
    after(async () => environment?.close());

    it("should accept exactly one and refuse the others with 409 member.uniqueIdNumber", function () {
      for (const answers of result.answers) expectOneAccepted(answers);
    });

    it("should hold one active member of each person", function () {
      expect(active).to.deep.equal(Array(ROUNDS).fill(1));
    });
  });

  describe("twenty concurrent enrollments of one person through two instance processes sharing a database", function () {
    let environment: E2eEnvironment | undefined;
    let result: { answers: Answer[][]; people: string[] };
    let active: number[];

    before(async function () {
      if (process.env.DATABASE_URL === undefined) {
        console.log("      skipped: two processes share a database only on PostgreSQL (set DATABASE_URL); PGlite serves one process");
        this.skip();
      }
      environment = await createE2eEnvironment();
      // One anchoring worker: two would sign with the same key.
      const served = [await serve(environment, {}), await serve(environment, { RUN_WORKER: "false" })];
      result = await enterEachPersonConcurrently(environment, served);
      await Promise.all(served.map(({ instance }) => instance.stop()));
      active = await Promise.all(result.people.map((idNumber) => activeMembersOf(environment!, idNumber)));
    });
    after(async () => environment?.close());

    it("should accept exactly one and refuse the others with 409 member.uniqueIdNumber", function () {
      for (const answers of result.answers) expectOneAccepted(answers);
    });

    it("should hold one active member of each person", function () {
      expect(active).to.deep.equal(Array(ROUNDS).fill(1));
    });
  });
});
