// Issue 4, end to end: a record written through the API ends final on chain, and its proof bundle verifies with the
// offline CLI against a node of the chain alone, once the API is gone.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ContractRunner } from "ethers";
import { ethers } from "hardhat";
import { MembershipLedger__factory } from "../../typechain-types/factories/contracts/MembershipLedger__factory";
import type { RecordView } from "../../api/src/domain/membership/records";
import type { RecordProof } from "../../api/src/lib/proof-bundle";
import { createE2eEnvironment, E2E_PASSWORD, E2E_USERS, type E2eEnvironment } from "../helpers/e2e";
import { ApiClient, waitForHealth } from "../helpers/e2e-client";
import { serveHardhatNetwork, startHttpAnchoredInstance, type HttpAnchoredInstance } from "../helpers/e2e-hardhat";
import { runCli } from "../helpers/e2e-processes";
import { freePort } from "../helpers/ports";

const CHECKS = ["format", "hash", "inclusion", "checkpoint", "signer", "memberChain", "status"];

interface WrittenRecord {
  record: RecordView;
  bundle: RecordProof;
}

/** Enters a member through the API, waits until the application is final and downloads its proof. */
async function writeFinalRecord(client: ApiClient, orgId: number): Promise<WrittenRecord> {
  const { memberId } = await client.enroll(orgId);
  const [record] = await client.waitForRecords(memberId, "FINAL");
  return { record, bundle: await client.recordProof(record.id) };
}

/** The bundle as downloaded, and a copy whose record body was altered afterwards. */
function writeBundles(directory: string, bundle: RecordProof): { good: string; tampered: string } {
  const tampered = structuredClone(bundle);
  tampered.record.body!.effectiveDate = "2019-09-02";
  const files = { good: path.join(directory, "record-proof.json"), tampered: path.join(directory, "tampered-proof.json") };
  writeFileSync(files.good, JSON.stringify(bundle, null, 2));
  writeFileSync(files.tampered, JSON.stringify(tampered, null, 2));
  return files;
}

async function expectChainHead(membershipLedger: string, runner: ContractRunner, { record, bundle }: WrittenRecord): Promise<void> {
  expect(record.anchoring.state).to.equal("FINAL");
  const onChain = await MembershipLedger__factory.connect(membershipLedger, runner).member(bundle.memberChain.memberKey);
  expect(onChain.head).to.equal(record.recordHash);
  expect(onChain.recordCount).to.equal(1n);
  expect(bundle.memberChain.anchor.transactionHash).to.equal(record.anchoring.transactionHash);
  expect(bundle.checkpoint.treeSize).to.be.at.least(record.id);
}

async function expectVerified(bundleFile: string, rpcUrl: string): Promise<void> {
  const run = await runCli(["verify", bundleFile, "--rpc", rpcUrl]);
  expect(run.exitCode, run.stdout + run.stderr).to.equal(0);
  for (const check of CHECKS) expect(run.stdout).to.match(new RegExp(`^✓ ${check}\\b`, "m"));
  expect(run.stdout).to.match(/^VALID: 1 record\(s\)/m);
}

async function expectRejected(bundleFile: string, rpcUrl: string): Promise<void> {
  const run = await runCli(["verify", bundleFile, "--rpc", rpcUrl]);
  expect(run.exitCode, run.stdout + run.stderr).to.equal(1);
  expect(run.stdout).to.match(/^✗ hash\b/m);
  expect(run.stdout).to.match(/^INVALID: 1 check\(s\) failed/m);
}

describe("Anchoring end to end", function () {
  this.timeout(120_000);

  describe("a record written through the API, on Hardhat Network", function () {
    let workDir: string;
    let instance: HttpAnchoredInstance | undefined;
    let node: { rpcUrl: string; close(): Promise<void> } | undefined;
    let written: WrittenRecord;
    let membershipLedger: string;
    let files: { good: string; tampered: string };

    before(async function () {
      workDir = mkdtempSync(path.join(tmpdir(), "cunzheng-e2e-hardhat-"));
      instance = await startHttpAnchoredInstance();
      membershipLedger = instance.anchored.addresses.membership;
      const client = await ApiClient.login(instance.baseUrl, E2E_USERS.clerk, E2E_PASSWORD);
      written = await writeFinalRecord(client, instance.anchored.consortium.ids.branchA);
      files = writeBundles(workDir, written.bundle);
      const stopping = instance;
      instance = undefined;
      await stopping.stop();
      node = await serveHardhatNetwork();
    });

    after(async function () {
      await instance?.stop();
      await node?.close();
      rmSync(workDir, { recursive: true, force: true });
    });

    it("should end final, as its member's chain head on MembershipLedger", async function () {
      await expectChainHead(membershipLedger, ethers.provider, written);
    });

    it("should verify with the CLI against the node alone while the API is stopped", async function () {
      await expectVerified(files.good, node!.rpcUrl);
    });

    it("should fail the hash check of a tampered copy and exit 1", async function () {
      await expectRejected(files.tampered, node!.rpcUrl);
    });
  });

  describe("a record written through the API, on an external Anvil node", function () {
    let environment: E2eEnvironment | undefined;
    let written: WrittenRecord;
    let apiExitCode: number | null;
    let files: { good: string; tampered: string };

    before(async function () {
      environment = await createE2eEnvironment();
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const api = environment.start("main", { PORT: String(port) });
      await waitForHealth(baseUrl, api);
      const client = await ApiClient.login(baseUrl, E2E_USERS.clerk, E2E_PASSWORD);
      written = await writeFinalRecord(client, environment.chain.orgs.branchA);
      apiExitCode = await api.stop();
      files = writeBundles(environment.workDir, written.bundle);
    });

    after(async function () {
      await environment?.close();
    });

    it("should end final, as its member's chain head on MembershipLedger", async function () {
      await expectChainHead(environment!.chain.deployment.contracts.membership, environment!.chain.provider, written);
    });

    it("should stop the API cleanly on SIGTERM", function () {
      expect(apiExitCode).to.equal(0);
    });

    it("should verify with the CLI against the node alone while the API is stopped", async function () {
      await expectVerified(files.good, environment!.chain.rpcUrl);
    });

    it("should fail the hash check of a tampered copy and exit 1", async function () {
      await expectRejected(files.tampered, environment!.chain.rpcUrl);
    });
  });
});
