#!/usr/bin/env node
// The CLI runs compiled JavaScript from dist/ (scripts/build.js builds it when a source is newer), from any working
// directory: no TypeScript is compiled at start-up.
"use strict";
const path = require("node:path");
const { ensureBuilt } = require("../scripts/build.js");

const { main } = require(path.join(ensureBuilt(), "api", "src", "cli", "cunzheng.js"));

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error) => {
    process.stderr.write(`cunzheng: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
