// `npx cunzheng admin create` on a fresh deployment, run as the operator would (bin/cunzheng.js in a child process,
// the password on standard input): on a new PostgreSQL database when DATABASE_URL is set, on PGlite under a new
// DATA_DIR otherwise, after the instance's first start has migrated it and mirrored the organizations.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { expect } from "chai";
import { Client } from "pg";
import { runAdmin } from "../../../api/src/cli/admin-command";
import { CliError } from "../../../api/src/cli/command";
import { loadConfig } from "../../../api/src/config";
import { createDataSource, createRepositories } from "../../../api/src/data-access";
import { seedConsortium } from "../../../api/src/data-access/testing";
import { verifyPassword } from "../../../api/src/http/auth/password";

const CLI = path.join(__dirname, "..", "..", "..", "bin", "cunzheng.js");

function runCli(args: string[], env: NodeJS.ProcessEnv, stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [CLI, ...args], { env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
    child.stdin!.end(stdin);
  });
}

describe("cunzheng admin create", function () {
  this.timeout(120_000);
  let env: NodeJS.ProcessEnv;
  let open: () => ReturnType<typeof createDataSource>;
  let cleanup: () => Promise<void>;

  before(async function () {
    const secrets = {
      FIELD_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
      BLIND_INDEX_KEY: randomBytes(32).toString("hex"),
      TOKEN_SECRET: randomBytes(32).toString("hex"),
    };
    if (process.env.DATABASE_URL) {
      const database = `cunzheng_admin_${randomBytes(4).toString("hex")}`;
      const server = new Client({ connectionString: process.env.DATABASE_URL });
      await server.connect();
      await server.query(`CREATE DATABASE ${database}`);
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${database}`;
      env = { ...secrets, DATABASE_URL: url.toString() };
      open = () => createDataSource({ databaseUrl: url.toString() });
      cleanup = async () => {
        await server.query(`DROP DATABASE ${database} WITH (FORCE)`);
        await server.end();
      };
    } else {
      const dataDir = mkdtempSync(path.join(tmpdir(), "cunzheng-admin-cli-"));
      env = { ...secrets, DATA_DIR: dataDir };
      open = () => createDataSource({ dataDir: path.join(dataDir, "pglite") });
      cleanup = async () => rmSync(dataDir, { recursive: true, force: true });
    }
    // The instance's first start: migrations, then the indexer mirroring the chain's organizations.
    const dataSource = await open();
    await seedConsortium(createRepositories(dataSource.manager));
    await dataSource.destroy();
  });

  after(async function () {
    await cleanup?.();
  });

  // In process (runAdmin with the same configuration): starting ts-node for each refusal would cost a minute.
  async function runInProcess(args: string[], password: string) {
    const lines = { out: [] as string[], err: [] as string[] };
    const io = { out: (line: string) => lines.out.push(line), err: (line: string) => lines.err.push(line) };
    const outcome = await runAdmin(args, io, {
      config: () => loadConfig(env),
      password: { input: Readable.from([`${password}\n`]), prompt: new PassThrough() },
    }).catch((error: Error) => error);
    return { outcome, ...lines };
  }

  it("should refuse a weak password, an unknown organization and a branch, creating nothing", async function () {
    const weak = await runInProcess(["create", "--org", "甲大学党委", "--username", "jia-admin"], "jia-admin-1");
    expect(weak.outcome).to.be.instanceOf(CliError).with.property("message").that.includes("password.containsUsername");
    const unknown = await runInProcess(["create", "--org", "丙大学党委", "--username", "bing-admin"], "a long enough passphrase");
    expect(unknown.outcome).to.be.instanceOf(CliError).with.property("message").that.includes('no organization "丙大学党委"');
    const branch = await runInProcess(["create", "--org", "4", "--username", "branch-admin"], "a long enough passphrase");
    expect(branch.outcome).to.be.instanceOf(CliError).with.property("message").that.includes("accounts.firstAdminAtCommittee");

    const dataSource = await open();
    try {
      expect(await dataSource.query("SELECT username FROM accounts")).to.deep.equal([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it("should create the committee's first ORG_ADMIN with the typed password, logged as the command line's", async function () {
    const result = await runCli(
      ["admin", "create", "--org", "甲大学党委", "--username", "jia-admin", "--display-name", "甲大学组织部"],
      env,
      "a long enough passphrase\n",
    );

    expect(result.stderr).to.equal("");
    expect(result.code).to.equal(0);
    expect(result.stdout).to.equal("jia-admin: ORG_ADMIN of 甲大学党委 (2)\n");
    const dataSource = await open();
    try {
      const repositories = createRepositories(dataSource.manager);
      const account = (await repositories.accounts.findByUsername("jia-admin"))!;
      expect(account).to.include({ role: "ORG_ADMIN", orgId: 2, displayName: "甲大学组织部", disabled: false, mustChangePassword: false });
      expect(await verifyPassword(account.passwordHash, "a long enough passphrase")).to.equal(true);
      const [entry] = await repositories.auditLog.listAbout("account", account.id);
      expect(entry).to.include({ action: "account.created", accountId: null });
      expect(entry.details).to.include({ accountId: account.id, role: "ORG_ADMIN", via: "cli" });
    } finally {
      await dataSource.destroy();
    }
    const again = await runInProcess(["create", "--org", "2", "--username", "jia-admin"], "another long passphrase");
    expect(again.outcome).to.be.instanceOf(CliError).with.property("message").that.includes("accounts.usernameTaken");
  });
});
