// The repository's root folder, found from this file whether it runs as TypeScript (api/src/lib) or compiled
// (dist/api/src/lib): files read at run time (rules/, api/web/) are located from it, never by counting "..".
import { existsSync } from "node:fs";
import path from "node:path";

function findRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "rules"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root above ${start}`);
  }
}

export const REPOSITORY_ROOT = findRoot(__dirname);
