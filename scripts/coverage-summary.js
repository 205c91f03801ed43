// Prints line and branch coverage of the four consortium contracts from solidity-coverage's Istanbul report,
// and fails when they fall below the project's bar (100 % of lines, 95 % of branches).
const fs = require("node:fs");
const path = require("node:path");

const CONTRACTS = ["OrgRegistry.sol", "MembershipLedger.sol", "TransferLedger.sol", "CheckpointLog.sol"];
const MIN_LINES = 100;
const MIN_BRANCHES = 95;

const report = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "coverage", "coverage-final.json"), "utf8"));

function percent(covered, total) {
  return total === 0 ? 100 : (100 * covered) / total;
}

let lines = { covered: 0, total: 0 };
let branches = { covered: 0, total: 0 };
for (const name of CONTRACTS) {
  const file = Object.keys(report).find((key) => key.endsWith(`contracts/${name}`));
  if (!file) throw new Error(`no coverage recorded for ${name}`);
  const { s: statementHits, b: branchHits, statementMap } = report[file];
  const lineHits = new Map();
  for (const [id, hits] of Object.entries(statementHits)) {
    const line = statementMap[id].start.line;
    lineHits.set(line, (lineHits.get(line) ?? 0) + hits);
  }
  const fileLines = { covered: [...lineHits.values()].filter((hits) => hits > 0).length, total: lineHits.size };
  const arms = Object.values(branchHits).flat();
  const fileBranches = { covered: arms.filter((hits) => hits > 0).length, total: arms.length };
  console.log(
    `${name.padEnd(22)} lines ${percent(fileLines.covered, fileLines.total).toFixed(2).padStart(6)} %` +
      `  branches ${percent(fileBranches.covered, fileBranches.total).toFixed(2).padStart(6)} %`,
  );
  lines = { covered: lines.covered + fileLines.covered, total: lines.total + fileLines.total };
  branches = { covered: branches.covered + fileBranches.covered, total: branches.total + fileBranches.total };
}
const linePercent = percent(lines.covered, lines.total);
const branchPercent = percent(branches.covered, branches.total);
console.log(
  `${"four contracts".padEnd(22)} lines ${linePercent.toFixed(2).padStart(6)} %  branches ${branchPercent.toFixed(2).padStart(6)} %`,
);
if (linePercent < MIN_LINES || branchPercent < MIN_BRANCHES) {
  console.error(`coverage below the bar: lines ≥ ${MIN_LINES} %, branches ≥ ${MIN_BRANCHES} %`);
  process.exitCode = 1;
}
