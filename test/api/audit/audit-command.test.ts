import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ethers } from "hardhat";
import { adminLogIdOf, createAuditChainReader } from "../../../api/src/chain";
import { parseAuditArgs, runAudit, type AuditEnvironment } from "../../../api/src/cli/audit-command";
import { createProgressDisplay } from "../../../api/src/cli/audit-progress";
import { CliError, type CliIo } from "../../../api/src/cli/command";
import { ORG_IDS, rejectionOf } from "../../../api/src/data-access/testing";
import type { AuditReport } from "../../../api/src/domain/audit";
import { startAnchoredInstance, type AnchoredInstance } from "../../helpers/anchored";
import { Role } from "../../helpers/fixture";

function capture(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (line) => stdout.push(line), err: (line) => stderr.push(line) };
}

function streamOf(isTTY: boolean) {
  const written: string[] = [];
  return { written, isTTY, columns: 60, write: (text: string) => written.push(text) };
}

function environmentOf(instance: AnchoredInstance, progress = streamOf(false)): AuditEnvironment {
  return {
    connect: async () => ({
      deps: {
        repositories: instance.database.repositories,
        chain: createAuditChainReader(ethers.provider, instance.addresses),
        cipher: instance.institution.cipher,
      },
      logId: ORG_IDS.committeeA,
      fromBlock: 0,
      deadlineSeconds: 3600,
      close: async () => undefined,
    }),
    progress,
    now: () => new Date(),
  };
}

describe("cunzheng audit", function () {
  describe("arguments", function () {
    it("should take a report file and a deadline, both optional", function () {
      expect(parseAuditArgs([])).to.deep.equal({ out: undefined, deadlineSeconds: undefined });
      expect(parseAuditArgs(["--out", "report.json", "--deadline-seconds", "0"])).to.deep.equal({ out: "report.json", deadlineSeconds: 0 });
    });

    it("should refuse an unknown option or a deadline that is not a whole number of seconds, showing the usage", function () {
      for (const args of [["--bogus"], ["--deadline-seconds", "1.5"], ["--deadline-seconds", "-3"], ["stray"]]) {
        const error = (() => {
          try {
            parseAuditArgs(args);
          } catch (caught) {
            return caught;
          }
        })();
        expect(error, args.join(" ")).to.be.instanceOf(CliError).and.to.include({ showUsage: true });
      }
    });
  });

  describe("progress", function () {
    it("should redraw a bar in place on a terminal and end each phase with a newline", function () {
      const stream = streamOf(true);
      const display = createProgressDisplay(stream, () => 0);
      display.update({ phase: "log", done: 0, total: 4 });
      display.update({ phase: "log", done: 4, total: 4 });
      display.update({ phase: "members", done: 1, total: 1 });
      display.finish();

      expect(stream.written[0]).to.match(/^\r\[\.+\] records\s+0\/4\s+0%$/);
      expect(stream.written.filter((text) => text.endsWith("\n"))).to.have.length(2);
      expect(stream.written.join("")).to.contain("records          4/4 100%").and.to.contain("member chains    1/1 100%");
    });

    it("should write one plain line per phase when stderr is not a terminal", function () {
      const stream = streamOf(false);
      const display = createProgressDisplay(stream);
      for (const done of [0, 2, 4]) display.update({ phase: "log", done, total: 4 });
      display.update({ phase: "checkpoints", done: 3, total: 3 });
      display.finish();

      expect(stream.written).to.deep.equal(["records          4/4\n", "checkpoints      3/3\n"]);
    });
  });

  describe("a sweep", function () {
    let instance: AnchoredInstance;
    let workDir: string;
    beforeEach(async function () {
      instance = await startAnchoredInstance();
      await instance.walk("S5");
      await instance.anchorAll();
      workDir = mkdtempSync(path.join(tmpdir(), "cunzheng-audit-"));
    });
    afterEach(async () => {
      rmSync(workDir, { recursive: true, force: true });
      await instance.close();
    });

    it("should exit 0 on a clean log, with the report on stdout and the summary on stderr", async function () {
      const io = capture();

      const exitCode = await runAudit([], io, environmentOf(instance));

      expect(exitCode).to.equal(0);
      const report = JSON.parse(io.stdout.join("\n")) as AuditReport;
      expect(report).to.include({ format: "cunzheng.audit-report/1", clean: true });
      expect(io.stderr.join("\n")).to.contain("5 record(s), 1 member(s), 1 checkpoint(s)").and.to.contain("Clean: no findings.");
    });

    it("should exit 1 on findings, write the report to --out and list the findings in the summary", async function () {
      await instance.walk("S2");
      const io = capture();
      const out = path.join(workDir, "report.json");

      const exitCode = await runAudit(["--out", out, "--deadline-seconds", "0"], io, environmentOf(instance));

      expect(exitCode).to.equal(1);
      const report = JSON.parse(readFileSync(out, "utf8")) as AuditReport;
      expect(report.findings.map((finding) => `${finding.kind} ${finding.recordId}`)).to.deep.equal(["UNANCHORED 6", "UNANCHORED 7"]);
      expect(io.stdout).to.include("2 finding(s): 2 UNANCHORED.").and.to.include(`Report written to ${out}.`);
    });

    it("should exit 1, not 2, naming an absurd checkpoint of its log that another key wrote", async function () {
      const { checkpoints, registry, signers } = instance.consortium;
      // The committee's admin hands the log to a stray key of the university, which claims an absurd tree size.
      await registry.connect(signers.adminA).grantRole(ORG_IDS.committeeA, signers.outsider.address, Role.Attester);
      await checkpoints.connect(signers.adminA).setLogWriter(ORG_IDS.committeeA, signers.outsider.address);
      const receipt = await (
        await checkpoints.connect(signers.outsider).checkpoint(ORG_IDS.committeeA, 2n ** 64n - 1n, ethers.id("absurd"))
      ).wait();
      const io = capture();

      const exitCode = await runAudit([], io, environmentOf(instance));

      expect(exitCode).to.equal(1);
      const report = JSON.parse(io.stdout.join("\n")) as AuditReport;
      expect(report.findings.map((finding) => finding.kind)).to.deep.equal(["FOREIGN_CHECKPOINT"]);
      expect(report.findings[0].subject).to.deep.equal({ type: "checkpoint", id: receipt!.hash });
      expect(report.findings[0].detail).to.contain(signers.outsider.address).and.to.contain("never wrote");
      expect(report.totals).to.include({ records: 5, checkpoints: 2 });
    });

    it("should exit 1, not 2, naming an absurd checkpoint of its administrative log that another key wrote", async function () {
      const { checkpoints, registry, signers } = instance.consortium;
      await registry.connect(signers.adminA).grantRole(ORG_IDS.committeeA, signers.outsider.address, Role.Attester);
      // Rotating the writer through the administrative log's id hands both logs of the committee to the stray key.
      const adminLogId = adminLogIdOf(ORG_IDS.committeeA);
      await checkpoints.connect(signers.adminA).setLogWriter(adminLogId, signers.outsider.address);
      const receipt = await (
        await checkpoints.connect(signers.outsider).checkpoint(adminLogId, 2n ** 64n - 1n, ethers.id("absurd"))
      ).wait();
      const io = capture();

      const exitCode = await runAudit([], io, environmentOf(instance));

      expect(exitCode).to.equal(1);
      const report = JSON.parse(io.stdout.join("\n")) as AuditReport;
      expect(report.findings.map((finding) => finding.kind)).to.deep.equal(["FOREIGN_CHECKPOINT"]);
      expect(report.findings[0].subject).to.deep.equal({ type: "checkpoint", id: receipt!.hash });
      expect(report.findings[0].detail).to.contain(signers.outsider.address).and.to.contain("the administrative log");
      expect(report.totals).to.include({ checkpoints: 1, adminCheckpoints: 2 });
    });

    it("should not run when a report file cannot be written", async function () {
      const error = await rejectionOf(
        runAudit(["--out", path.join(workDir, "missing", "report.json")], capture(), environmentOf(instance)),
      );

      expect(error).to.be.instanceOf(CliError);
      expect(error.message).to.contain("cannot write the report");
    });
  });
});
