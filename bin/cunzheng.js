#!/usr/bin/env node
// Runs the TypeScript CLI in place (no build step), from any working directory: ts-node compiles with the
// repository's tsconfig, transpiling only, as `npm start` does.
"use strict";
const path = require("node:path");

const root = path.join(__dirname, "..");
require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
const { main } = require(path.join(root, "api", "src", "cli", "cunzheng.ts"));

main(process.argv.slice(2)).then(
  (exitCode) => {
    process.exitCode = exitCode;
  },
  (error) => {
    process.stderr.write(`cunzheng: unexpected error: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 2;
  },
);
