#!/usr/bin/env node
// Compiles the instance, the CLI and the generated contract bindings to plain JavaScript under dist/, so nothing
// compiles TypeScript at start-up (ts-node was most of the CLI's start time). It transpiles only, like
// `ts-node --transpile-only` did; `npm run typecheck` is what checks types. A build happens only when a source is
// newer than the last one, and the contracts are compiled first when a .sol file is newer than their bindings.
//
//   node scripts/build.js                      build if stale
//   node scripts/build.js api/src/main.ts …    build if stale, then run that entry point with the remaining arguments
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".built");
const SOURCE_DIRS = ["api/src", "typechain-types"];
const BINDINGS_STAMP = path.join(ROOT, "typechain-types", "index.ts");

function filesUnder(relativeDir, extension) {
  const found = [];
  const walk = (dir) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(extension)) found.push(full);
    }
  };
  walk(path.join(ROOT, relativeDir));
  return found;
}

const modifiedAt = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : 0);
const newest = (files) => files.reduce((latest, file) => Math.max(latest, modifiedAt(file)), 0);

function compileContractsIfStale() {
  if (modifiedAt(BINDINGS_STAMP) >= newest(filesUnder("contracts", ".sol"))) return;
  execFileSync(process.execPath, [require.resolve("hardhat/internal/cli/cli.js"), "compile", "--quiet"], { cwd: ROOT, stdio: "inherit" });
  // Hardhat leaves the bindings untouched when no contract's content changed (a checkout only touched them): mark
  // them current, or every start would run the compiler again.
  const now = new Date();
  fs.utimesSync(BINDINGS_STAMP, now, now);
}

function transpile(sources, outDir) {
  const ts = require("typescript");
  const { config } = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  for (const source of sources) {
    const { outputText } = ts.transpileModule(fs.readFileSync(source, "utf8"), { compilerOptions: options, fileName: source });
    const target = path.join(outDir, path.relative(ROOT, source)).replace(/\.ts$/, ".js");
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
  }
}

/** Builds dist/ when any source is newer than the last build; returns dist/'s path. */
function ensureBuilt() {
  compileContractsIfStale();
  const sources = SOURCE_DIRS.flatMap((dir) => filesUnder(dir, ".ts")).filter((file) => !file.endsWith(".d.ts"));
  if (modifiedAt(STAMP) < newest(sources)) {
    // Built beside and swapped in, so a process already running from dist/ never sees a half-written tree.
    const fresh = `${DIST}.${process.pid}`;
    transpile(sources, fresh);
    fs.writeFileSync(path.join(fresh, path.basename(STAMP)), new Date().toISOString());
    fs.rmSync(DIST, { recursive: true, force: true });
    fs.renameSync(fresh, DIST);
  }
  return DIST;
}

module.exports = { ensureBuilt };

if (require.main === module) {
  const [entry, ...rest] = process.argv.slice(2);
  const dist = ensureBuilt();
  if (entry !== undefined) {
    process.argv = [process.argv[0], entry, ...rest];
    require(path.join(dist, entry.replace(/\.ts$/, ".js")));
  }
}
