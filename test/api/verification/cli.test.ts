// The offline verifier as an outsider runs it: `cunzheng verify` in a child process, against an external JSON-RPC
// node (Anvil), with nothing but the bundle file and the node's URL.
import { expect } from "chai";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { JsonRpcProvider } from "ethers";
import {
  EMBEDDED_CHAIN_ID,
  connectConsortium,
  deployConsortium,
  devSigner,
  grantRole,
  providerFor,
  registerCommittee,
  registerOrganization,
  startEmbeddedNode,
  type EmbeddedNode,
} from "../../../api/src/chain";
import type { Verdict } from "../../../api/src/domain/verification/verdict";
import { MerkleLog } from "../../../api/src/lib/merkle";
import type { Hex32 } from "../../../api/src/lib/record-hash";
import { anchorRecords, appendOtherRecords, chainOf, memberProofOf, recordCheckpoint, recordProofOf } from "../../helpers/bundles";
import { randomKey } from "../../helpers/fixture";
import { forgeries, judgedAsExpected, type Forgery } from "../../helpers/forged-bundles";
import { runCli } from "../../helpers/e2e-processes";
import { freePort } from "../../helpers/ports";

describe("cunzheng CLI", function () {
  let workDir: string;
  let node: EmbeddedNode | undefined;
  let provider: JsonRpcProvider;
  let recordBundleFile: string;
  let tamperedBundleFile: string;
  let memberBundleFile: string;
  let forged: Forgery[];

  before(async function () {
    workDir = mkdtempSync(path.join(tmpdir(), "cunzheng-cli-"));
    node = await startEmbeddedNode({ stateDir: path.join(workDir, "chain"), port: await freePort() });
    provider = providerFor(node.rpcUrl, EMBEDDED_CHAIN_ID);
    const [governance, attester] = [0, 1].map((index) => devSigner(provider, index));
    const deployment = await deployConsortium(governance, "高校党建联盟");
    const { registry, membership, checkpoints } = connectConsortium(deployment, governance);
    const committee = await registerCommittee(registry, "甲大学党委", true);
    const branch = await registerOrganization(registry, committee, "BRANCH", "计算机学院党支部");
    await grantRole(registry, committee, attester.address, "ATTESTER");

    const leaves: Uint8Array[] = [];
    appendOtherRecords(leaves, 3);
    const records = await anchorRecords(membership, attester, leaves, {
      memberKey: randomKey() as Hex32,
      orgId: branch,
      effectiveDates: ["2020-01-10", "2020-02-10"],
    });
    // A second member of three records, whose file the forgeries start from (the first member's is the stranger's).
    const forgedMember = await anchorRecords(membership, attester, leaves, {
      memberKey: randomKey() as Hex32,
      orgId: branch,
      effectiveDates: ["2020-01-10", "2020-02-10", "2020-03-10"],
    });
    appendOtherRecords(leaves, 2);
    const checkpoint = await recordCheckpoint(checkpoints, attester, committee, leaves);
    const chain = chainOf(deployment.chainId, deployment.contracts);
    const log = new MerkleLog(leaves);

    const recordBundle = recordProofOf(chain, records[1], log, checkpoint);
    const headBlock = await provider.getBlockNumber();
    const memberBundle = memberProofOf(chain, records, log, checkpoint, headBlock);
    const wholeFile = memberProofOf(chain, forgedMember, log, checkpoint, headBlock);
    forged = forgeries(wholeFile, memberBundle, recordProofOf(chain, forgedMember[1], log, checkpoint));
    const tampered = structuredClone(recordBundle);
    tampered.record.body!.effectiveDate = "2020-02-11";
    recordBundleFile = path.join(workDir, "record-proof.json");
    tamperedBundleFile = path.join(workDir, "tampered-proof.json");
    memberBundleFile = path.join(workDir, "member-proof.json");
    writeFileSync(recordBundleFile, JSON.stringify(recordBundle, null, 2));
    writeFileSync(tamperedBundleFile, JSON.stringify(tampered, null, 2));
    writeFileSync(memberBundleFile, JSON.stringify(memberBundle, null, 2));
  });

  after(async function () {
    provider?.destroy();
    await node?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  describe("verify", function () {
    it("should print every check of a good record bundle as passed and exit 0", async function () {
      const run = await runCli(["verify", recordBundleFile, "--rpc", node!.rpcUrl], workDir);

      expect(run.exitCode, run.stderr).to.equal(0);
      for (const check of ["format", "hash", "inclusion", "checkpoint", "signer", "memberChain", "status"]) {
        expect(run.stdout).to.match(new RegExp(`^✓ ${check}\\b`, "m"));
      }
      expect(run.stdout).to.match(/^VALID/m);
    });

    it("should name the failing check of a tampered bundle and exit 1", async function () {
      const run = await runCli(["verify", tamperedBundleFile, "--rpc", node!.rpcUrl, "--confirmations", "1"], workDir);

      expect(run.exitCode, run.stderr).to.equal(1);
      expect(run.stdout).to.match(/^✗ hash\s+Record \d+ \(0x[0-9a-f]{64}\): the bundle's body hashes to/m);
      expect(run.stdout).to.match(/^INVALID: 1 check\(s\) failed/m);
    });

    it("should print the verdict as JSON for a member bundle, from any working directory", async function () {
      const run = await runCli(["verify", memberBundleFile, "--rpc", node!.rpcUrl, "--json"], tmpdir());

      expect(run.exitCode, run.stderr).to.equal(0);
      const verdict = JSON.parse(run.stdout) as Verdict;
      expect(verdict.verdict).to.equal("VALID");
      expect(verdict.format).to.equal("cunzheng.member-proof/1");
      expect(verdict.subject.recordIds).to.deep.equal([4, 5]);
    });

    it("should exit 1 on each forged bundle, naming the check that failed or could not run", async function () {
      this.timeout(600_000);
      const files = forged.map((forgery, index) => {
        const file = path.join(workDir, `forged-${index}.json`);
        writeFileSync(file, JSON.stringify(forgery.bundle, null, 2));
        return file;
      });
      for (const [index, forgery] of forged.entries()) {
        const run = await runCli(["verify", files[index], "--rpc", node!.rpcUrl, "--json"], workDir);

        expect(run.exitCode, `${forgery.name}: ${run.stderr}`).to.equal(1);
        expect(judgedAsExpected(forgery, JSON.parse(run.stdout) as Verdict), `${forgery.name}: ${run.stdout}`).to.equal(true);
      }
      const incomplete = forged.findIndex((forgery) => forgery.verdict === "INCOMPLETE");
      const text = await runCli(["verify", files[incomplete], "--rpc", node!.rpcUrl], workDir);
      expect(text.exitCode).to.equal(1);
      expect(text.stdout).to.match(/^INCOMPLETE: nothing failed, but \d+ check\(s\) could not run \(.*checkpoint\.none/m);
    });

    it("should exit 2 with a clear message when the bundle file cannot be read or the node cannot be reached", async function () {
      const missingFile = await runCli(["verify", path.join(workDir, "missing.json"), "--rpc", node!.rpcUrl], workDir);
      const closedPort = await runCli(["verify", recordBundleFile, "--rpc", `http://127.0.0.1:${await freePort()}`], workDir);

      expect(missingFile.exitCode).to.equal(2);
      expect(missingFile.stderr).to.include("cannot read the bundle file").and.include("missing.json");
      expect(closedPort.exitCode).to.equal(2);
      expect(closedPort.stderr).to.include("cannot reach the node");
    });

    it("should exit 2 and show the usage when arguments are missing", async function () {
      const run = await runCli(["verify", recordBundleFile], workDir);

      expect(run.exitCode).to.equal(2);
      expect(run.stderr).to.include("--rpc <url> is required").and.include("usage: cunzheng verify");
    });

    it("should answer --help for every command with its usage and exit 0", async function () {
      for (const command of ["verify", "audit"]) {
        const run = await runCli([command, "--help"], workDir);

        expect(run.exitCode, `${command} --help`).to.equal(0);
        expect(run.stdout).to.include(`usage: cunzheng ${command}`);
      }
    });
  });
});
