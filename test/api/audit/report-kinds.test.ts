// The portal's audit report page groups findings by kind and explains each kind in Chinese and English. It lists the
// kinds itself (a browser page cannot import the server's module); this keeps its list and its texts whole: three
// kinds the sweep had learnt were once left out of the page, and their findings were shown nowhere. Prettier may
// wrap a long text onto the line after its key, so a key and its opening quote may be apart by a line break.
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { FINDING_KINDS } from "../../../api/src/domain/audit";

const PAGE = readFileSync(path.join(__dirname, "../../../api/web/assets/pages/audit/report.js"), "utf8");

describe("the audit report page's finding kinds", function () {
  it("should list every kind the sweep reports, in the server's order", function () {
    const listed = /const FINDING_KINDS = \[([^\]]*)\]/
      .exec(PAGE)![1]
      .match(/"([A-Z_]+)"/g)!
      .map((quoted) => quoted.slice(1, -1));
    expect(listed).to.deep.equal([...FINDING_KINDS]);
  });

  it("should name and explain every kind in Chinese and in English", function () {
    for (const kind of FINDING_KINDS) {
      expect(PAGE.match(new RegExp(`^    ${kind}:\\s*"`, "gm")), `${kind}'s name`).to.have.length(2);
      expect(PAGE.match(new RegExp(`^    "explain\\.${kind}":\\s*"`, "gm")), `${kind}'s explanation`).to.have.length(2);
    }
  });
});
