import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const BENCHMARKS_FILE = path.join(__dirname, "..", "..", "docs", "benchmarks.md");

/** One line naming the machine a figure was measured on. */
export function machineDescription(): string {
  const cpu = os.cpus()[0]?.model.trim() ?? "unknown CPU";
  const memoryGiB = Math.round(os.totalmem() / 2 ** 30);
  return `${cpu}, ${os.cpus().length} cores, ${memoryGiB} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/**
 * Replaces (or appends) the section `name` of docs/benchmarks.md, so each benchmark rewrites only its own figures.
 */
export function writeBenchmarkSection(name: string, markdown: string): void {
  const begin = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const section = `${begin}\n${markdown.trim()}\n${end}`;
  const current = fs.existsSync(BENCHMARKS_FILE)
    ? fs.readFileSync(BENCHMARKS_FILE, "utf8")
    : "# Benchmarks\n\nEach section is written by the command it names; rerun that command to refresh it.\n";
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? current.slice(0, start) + section + current.slice(stop + end.length)
      : `${current.trimEnd()}\n\n${section}\n`;
  fs.writeFileSync(BENCHMARKS_FILE, next);
}
