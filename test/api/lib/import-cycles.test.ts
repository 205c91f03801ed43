import { expect } from "chai";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

const ROOT = path.join(__dirname, "..", "..", "..");

function sourceFiles(directory: string, extension: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full, extension);
    return entry.name.endsWith(extension) ? [full] : [];
  });
}

/** The project files a file imports (relative specifiers only; packages cannot import us back). */
function localImports(file: string, extension: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map(({ fileName }) => fileName)
    .filter((specifier) => specifier.startsWith("."))
    .map((specifier) => {
      const base = path.resolve(path.dirname(file), specifier);
      const candidates = [base, `${base}${extension}`, path.join(base, `index${extension}`)];
      const target = candidates.find((candidate) => candidate.endsWith(extension) && existsSync(candidate));
      if (!target) throw new Error(`${path.relative(ROOT, file)} imports ${specifier}, which does not exist`);
      return target;
    });
}

/** Every import circle in the graph, each as the files along it (depth-first search, colouring the stack). */
function importCircles(files: string[], extension: string): string[][] {
  const graph = new Map(files.map((file) => [file, localImports(file, extension)]));
  const finished = new Set<string>();
  const stack: string[] = [];
  const circles: string[][] = [];
  const visit = (file: string): void => {
    const onStack = stack.indexOf(file);
    if (onStack >= 0) {
      circles.push([...stack.slice(onStack), file].map((member) => path.relative(ROOT, member)));
      return;
    }
    if (finished.has(file)) return;
    stack.push(file);
    for (const next of graph.get(file) ?? []) visit(next);
    stack.pop();
    finished.add(file);
  };
  for (const file of files) visit(file);
  return circles;
}

describe("The import graph", function () {
  it("should have no file in api/src that imports another that imports it back, directly or around a circle", function () {
    const files = sourceFiles(path.join(ROOT, "api", "src"), ".ts");
    expect(files.length, "service files found").to.be.above(50);
    expect(importCircles(files, ".ts")).to.deep.equal([]);
  });

  it("should have no import circle among the portal's modules", function () {
    const files = sourceFiles(path.join(ROOT, "api", "web"), ".js");
    expect(files.length, "portal modules found").to.be.above(10);
    expect(importCircles(files, ".js")).to.deep.equal([]);
  });

  it("should find a circle when there is one (the check itself can fail)", function () {
    const directory = path.join(ROOT, "test", "helpers", "vectors", "import-circle");
    expect(importCircles(sourceFiles(directory, ".ts"), ".ts")).to.have.length(1);
  });
});
