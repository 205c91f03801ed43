import { expect } from "chai";
import { randomBytes } from "node:crypto";
import type { CheckedRow } from "../../../api/src/domain/audit/body-check";
import { bodyCheckerInThread, bodyCheckerInWorkers, type BodyChecker } from "../../../api/src/domain/audit";
import { recordContext } from "../../../api/src/domain/membership/history";
import { canonicalize } from "../../../api/src/lib/canonical-json";
import { createFieldCipher } from "../../../api/src/lib/field-encryption";
import { newSalt, recordHash, type RecordBody } from "../../../api/src/lib/record-hash";

const key = randomBytes(32).toString("hex");
const cipher = createFieldCipher(key);
const memberKey = `0x${"ab".repeat(32)}`;

function rowOf(body: RecordBody, overrides: Partial<CheckedRow> = {}): CheckedRow {
  const hash = recordHash(body);
  return {
    body: Buffer.from(cipher.encrypt(canonicalize(body), recordContext(hash))),
    recordHash: hash,
    memberKey: body.memberKey,
    sequence: body.sequence,
    step: body.step,
    prevHash: body.prevHash,
    effectiveDate: body.effectiveDate,
    ruleVersion: body.ruleVersion,
    supersedesHash: body.supersedes?.recordHash ?? null,
    reasonCode: body.supersedes?.reasonCode ?? null,
    ...overrides,
  };
}

function bodyAt(sequence: number, prevHash: string | null): RecordBody {
  return {
    version: 1,
    ruleVersion: "2014",
    memberKey,
    orgId: 4,
    step: `S${sequence}`,
    sequence,
    prevHash,
    effectiveDate: "2020-03-20",
    fields: { summary: "动机端正" },
    evidence: [],
    supersedes: null,
    salt: newSalt(),
  };
}

/** A good row, a body sealed under another hash, a column that disagrees, and bytes that are no sealed value. */
function sampleRows(): CheckedRow[] {
  const first = rowOf(bodyAt(1, null));
  const second = rowOf(bodyAt(2, first.recordHash));
  return [
    first,
    { ...second, recordHash: `0x${"cd".repeat(32)}` },
    { ...rowOf(bodyAt(3, second.recordHash)), effectiveDate: "2020-03-21" },
    { ...rowOf(bodyAt(4, second.recordHash)), body: randomBytes(40) },
  ];
}

describe("audit body checkers", function () {
  let workers: BodyChecker | undefined;
  afterEach(async () => workers?.close());

  describe("in this thread", function () {
    it("should pass a sound row and say what is wrong with each other one", async function () {
      const checks = await bodyCheckerInThread(cipher).check(sampleRows());

      expect(checks.map((check) => check.problem === null)).to.deep.equal([true, false, false, false]);
      expect(checks[1].problem).to.contain("does not open under its record hash");
      expect(checks[2].problem).to.contain("effectiveDate is 2020-03-21 in the row but 2020-03-20 in the body");
      expect(checks[3].problem).to.contain("does not open");
    });
  });

  describe("in worker threads", function () {
    it("should return what the in-thread checker returns, in row order, however the page is split", async function () {
      const rows = [...sampleRows(), ...sampleRows(), ...sampleRows()];
      workers = bodyCheckerInWorkers(key, 2);

      const [inWorkers, inThread] = await Promise.all([workers.check(rows), bodyCheckerInThread(cipher).check(rows)]);

      expect(inWorkers).to.deep.equal(inThread);
      expect(await workers.check([])).to.deep.equal([]);
    });
  });
});
