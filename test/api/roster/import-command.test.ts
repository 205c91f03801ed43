import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { main } from "../../../api/src/cli/cunzheng";
import { CliError, type CliIo } from "../../../api/src/cli/command";
import { parseImportArgs, runImport, type ImportEnvironment } from "../../../api/src/cli/import-command";
import { createClerk, openScratchDatabase, ORG_IDS, seedConsortium, type ScratchDatabase } from "../../../api/src/data-access/testing";
import type { RosterReport } from "../../../api/src/domain/roster/import";
import { createInstitution } from "../../../api/src/server";
import { gbkCsvOf, idNumberOf, xlsxOf } from "../../helpers/roster";

const HEADERS = ["姓名", "性别", "公民身份号码", "所在党支部", "申请入党日期", "确定入党积极分子日期"];
const BRANCH = "计算机学院本科生第一党支部";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

describe("cunzheng import", function () {
  this.timeout(60_000);
  let database: ScratchDatabase;
  let environment: ImportEnvironment & { written: string[] };
  let directory: string;
  let clerk: string;

  before(async function () {
    database = await openScratchDatabase(process.env.DATABASE_URL);
    await seedConsortium(database.repositories);
    clerk = (await createClerk(database.repositories, ORG_IDS.branchA)).username;
    const institution = createInstitution(database.dataSource, {
      fieldEncryptionKey: randomBytes(32).toString("hex"),
      blindIndexKey: randomBytes(32).toString("hex"),
    });
    const written: string[] = [];
    environment = {
      written,
      open: async () => ({ institution, close: async () => undefined }),
      progress: { isTTY: false, write: (text) => written.push(text) },
    };
    directory = mkdtempSync(path.join(tmpdir(), "roster-"));
  });
  after(async function () {
    rmSync(directory, { recursive: true, force: true });
    await database?.close();
  });

  const memberCount = async () => Number((await database.dataSource.query("SELECT count(*) AS n FROM members"))[0].n);

  it("should print its usage and exit 0 on --help", async function () {
    const io = capture();
    expect(await main(["import", "--help"], io)).to.equal(0);
    expect(io.stdout[0]).to.contain("usage: cunzheng import <file.xlsx|file.csv> --org <orgId> --as <username> [--dry-run]");
  });

  it("should refuse a call without a file, an organization or an account, showing the usage", function () {
    for (const args of [
      ["--org", "4", "--as", "x"],
      ["a.xlsx", "--as", "x"],
      ["a.xlsx", "--org", "4"],
      ["a.xlsx", "--org", "four", "--as", "x"],
    ]) {
      expect(() => parseImportArgs(args), args.join(" "))
        .to.throw(CliError)
        .with.property("showUsage", true);
    }
  });

  it("should check a GBK csv in a dry run with a progress line per phase, write nothing, and exit 1 for a refused row", async function () {
    const file = path.join(directory, "台账.csv");
    writeFileSync(
      file,
      gbkCsvOf(HEADERS, [
        ["张三", "男", idNumberOf("2000-01-01", "M", 1), BRANCH, "2020-03-01", "2020-09-01"],
        ["李四", "女", idNumberOf("2000-01-01", "M", 2), BRANCH, "2020-03-01", ""],
      ]),
    );
    const io = capture();
    const out = path.join(directory, "report.json");

    const exit = await runImport([file, "--org", String(ORG_IDS.branchA), "--as", clerk, "--dry-run", "--out", out], io, environment);

    expect(exit).to.equal(1);
    expect(environment.written.join("")).to.match(/checking rows\s+2\/2\n/);
    expect(io.stdout.join("\n")).to.contain("1 row(s) accepted, would import 1; 1 refused");
    expect(io.stdout.join("\n")).to.contain("row 3: 性别: 性别与公民身份号码不一致");
    const report = JSON.parse(readFileSync(out, "utf8")) as RosterReport;
    expect(report.refused.map((row) => row.line)).to.deep.equal([3]);
    expect(await memberCount()).to.equal(0);
  });

  it("should import an xlsx with a progress bar and exit 0, then import nothing on a second run", async function () {
    const file = path.join(directory, "名册.xlsx");
    writeFileSync(file, await xlsxOf(HEADERS, [["王五", "男", idNumberOf("2001-02-03", "M", 3), BRANCH, "2021-03-01", "2021-09-01"]]));
    const first = capture();

    expect(await runImport([file, "--org", String(ORG_IDS.branchA), "--as", clerk], first, environment)).to.equal(0);
    expect(first.stdout.join("\n")).to.contain("1 row(s) accepted, imported 1");
    expect(environment.written.join("")).to.match(/importing\s+1\/1\n/);
    expect(await memberCount()).to.equal(1);

    const second = capture();
    expect(await runImport([file, "--org", String(ORG_IDS.branchA), "--as", clerk], second, environment)).to.equal(0);
    expect(second.stdout.join("\n")).to.contain("0 row(s) accepted, imported 0; 0 refused; 1 already on file");
    expect(await memberCount()).to.equal(1);
  });

  it("should refuse an organization outside the account's", async function () {
    const file = path.join(directory, "名册.xlsx");
    await runImport([file, "--org", String(ORG_IDS.branchB), "--as", clerk], capture(), environment).then(
      () => expect.fail("imported into another university"),
      (error: unknown) => expect(error).to.be.instanceOf(CliError).with.property("message").that.contains("outside the organizations"),
    );
  });
});
