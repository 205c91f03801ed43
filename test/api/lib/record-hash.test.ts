import { expect } from "chai";
import { ethers } from "ethers";
import { canonicalize } from "../../../api/src/lib/canonical-json";
import { newSalt, recordBodySchema, recordHash, type RecordBody } from "../../../api/src/lib/record-hash";

describe("record hash", function () {
  const body: RecordBody = {
    version: 1,
    ruleVersion: "2014",
    memberKey: `0x${"3c".repeat(32)}`,
    orgId: 4,
    step: "S3",
    sequence: 3,
    prevHash: `0x${"01".repeat(32)}`,
    effectiveDate: "2020-03-10",
    fields: { recommendation: "PARTY_MEMBERS" },
    evidence: [{ sha256: `0x${"ab".repeat(32)}`, contentType: "application/pdf", size: 1234 }],
    supersedes: null,
    salt: `0x${"a5".repeat(32)}`,
  };

  it("should be keccak256 of the UTF-8 canonical JSON, as any keccak implementation computes it", function () {
    expect(recordHash(body)).to.equal(ethers.keccak256(ethers.toUtf8Bytes(canonicalize(body))));
  });

  it("should not depend on key order and should change with the salt", function () {
    const reordered = Object.fromEntries(Object.entries(body).reverse()) as RecordBody;
    expect(recordHash(reordered)).to.equal(recordHash(body));
    expect(recordHash({ ...body, salt: `0x${"a6".repeat(32)}` })).to.not.equal(recordHash(body));
  });

  it("should draw a fresh 32-byte salt each time", function () {
    const [a, b] = [newSalt(), newSalt()];
    expect(a).to.match(/^0x[0-9a-f]{64}$/);
    expect(a).to.not.equal(b);
  });

  const malformed: [string, Record<string, unknown>][] = [
    ["an upper-case member key (a second spelling, a second hash)", { memberKey: `0x${"3C".repeat(32)}` }],
    ["an unknown key", { comment: "x" }],
    ["a first record with a previous hash", { sequence: 1 }],
    ["a later record without a previous hash", { prevHash: null }],
    ["an impossible date", { effectiveDate: "2021-02-29" }],
    ["a version other than 1", { version: 2 }],
    ["a short salt", { salt: "0x1234" }],
    ["a free-text reason instead of a code", { supersedes: { recordHash: `0x${"02".repeat(32)}`, reasonCode: "typo fixed" } }],
  ];
  for (const [what, change] of malformed) {
    it(`should refuse to hash a body with ${what}`, function () {
      const broken = { ...body, ...change } as RecordBody;
      expect(recordBodySchema.safeParse(broken).success).to.equal(false);
      expect(() => recordHash(broken)).to.throw();
    });
  }
});
