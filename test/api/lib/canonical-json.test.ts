import { expect } from "chai";
import { canonicalize } from "../../../api/src/lib/canonical-json";

describe("canonical JSON (RFC 8785)", function () {
  it("should reproduce the RFC 8785 §3.2.2 example byte for byte", function () {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],' +
        '"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalize(input)).to.equal(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("should sort keys by UTF-16 code units at every depth and keep array order", function () {
    expect(canonicalize({ b: [3, 1, 2], a: { d: 1, c: "乙" }, "€": 0, "\r": true })).to.equal(
      '{"\\r":true,"a":{"c":"乙","d":1},"b":[3,1,2],"€":0}',
    );
  });

  it("should give the same string for objects built in different key orders", function () {
    expect(canonicalize({ x: 1, y: { p: null, q: [] } })).to.equal(canonicalize({ y: { q: [], p: null }, x: 1 }));
  });

  const notJson: [string, unknown][] = [
    ["undefined", { a: undefined }],
    ["NaN", { a: Number.NaN }],
    ["Infinity", [Number.POSITIVE_INFINITY]],
    ["a bigint", { a: 1n }],
    ["a Date", { at: new Date(0) }],
    ["a lone surrogate", { a: "\ud800" }],
    ["a function", { f: () => 1 }],
  ];
  for (const [what, value] of notJson) {
    it(`should refuse ${what}, which JSON would silently change`, function () {
      expect(() => canonicalize(value)).to.throw(TypeError, "canonical JSON");
    });
  }
});
