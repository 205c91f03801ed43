// Integration tests against a real Anvil process (an external JSON-RPC node, as in production), not the in-process
// Hardhat Network: they check what `npm start` relies on — deploy once, survive restarts, notice a reset chain.
import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { HDNodeWallet, JsonRpcProvider } from "ethers";
import {
  ANVIL_STATE_FILE_NAME,
  EMBEDDED_CHAIN_ID,
  chainHealth,
  connectConsortium,
  decodeChainError,
  devSigner,
  grantRole,
  loadOrDeploy,
  providerFor,
  readOrganizationTree,
  registerCommittee,
  registerOrganization,
  startEmbeddedNode,
  type ChainOrganization,
  type ConsortiumContracts,
  type ConsortiumDeployment,
  type EmbeddedNode,
} from "../../../api/src/chain";
import { freePort } from "../../helpers/ports";

const CONSORTIUM_NAME = "高校党建联盟";

async function rejectionOf(action: Promise<unknown>): Promise<unknown> {
  try {
    await action;
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to fail");
}

describe("embedded chain (Anvil)", function () {
  let stateDir: string;
  let port: number;
  let node: EmbeddedNode | undefined;
  let provider: JsonRpcProvider;
  let governance: HDNodeWallet;
  let adminA: HDNodeWallet;
  let outsider: HDNodeWallet;
  let deploymentFile: string;
  let deployment: ConsortiumDeployment;
  let contracts: ConsortiumContracts;

  const start = async () => {
    node = await startEmbeddedNode({ stateDir, port });
  };
  const deploy = () => loadOrDeploy({ provider, signer: governance, deploymentFile, consortiumName: CONSORTIUM_NAME });

  before(async function () {
    stateDir = mkdtempSync(path.join(tmpdir(), "cunzheng-chain-"));
    deploymentFile = path.join(stateDir, "deployment.json");
    port = await freePort();
    await start();
    provider = providerFor(node!.rpcUrl, EMBEDDED_CHAIN_ID);
    [governance, adminA, outsider] = [0, 1, 2].map((index) => devSigner(provider, index));
  });

  after(async function () {
    await node?.stop();
    provider?.destroy();
    rmSync(stateDir, { recursive: true, force: true });
  });

  describe("startEmbeddedNode", function () {
    it("should serve JSON-RPC on 127.0.0.1 with chain id 31337 and a zero base fee", async function () {
      expect(node!.rpcUrl).to.equal(`http://127.0.0.1:${port}`);
      expect((await provider.getNetwork()).chainId).to.equal(31337n);
      expect(BigInt(await provider.send("eth_chainId", []))).to.equal(31337n);
      expect((await provider.getBlock("latest"))!.baseFeePerGas).to.equal(0n);
    });

    it("should fail with Anvil's reason when the port is already taken", async function () {
      const otherDir = mkdtempSync(path.join(tmpdir(), "cunzheng-chain-busy-"));
      try {
        const error = await rejectionOf(startEmbeddedNode({ stateDir: otherDir, port }));
        expect((error as Error).message).to.match(/Address already in use/);
      } finally {
        rmSync(otherDir, { recursive: true, force: true });
      }
    });
  });

  describe("startEmbeddedNode with a block time", function () {
    let timedDir: string;
    let timedNode: EmbeddedNode | undefined;
    let timedProvider: JsonRpcProvider;
    before(async function () {
      timedDir = mkdtempSync(path.join(tmpdir(), "cunzheng-chain-timed-"));
      timedNode = await startEmbeddedNode({ stateDir: timedDir, port: await freePort(), blockTimeSeconds: 1 });
      timedProvider = providerFor(timedNode.rpcUrl, EMBEDDED_CHAIN_ID);
    });
    after(async function () {
      await timedNode?.stop();
      timedProvider?.destroy();
      rmSync(timedDir, { recursive: true, force: true });
    });

    it("should mine empty blocks on its own, where automine mines only for a transaction", async function () {
      // Bounded by mocha's timeout: an automining node would stay at block 0 forever.
      while ((await timedProvider.getBlockNumber()) === 0) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await timedProvider.getBlock(1))!.transactions).to.deep.equal([]);
    });
  });

  describe("loadOrDeploy on a fresh chain", function () {
    let created: boolean;
    before(async function () {
      ({ deployment, created } = await deploy());
      contracts = connectConsortium(deployment, governance);
    });

    it("should deploy, record the deployment in the file and say it created it", async function () {
      expect(created).to.equal(true);
      expect(existsSync(deploymentFile)).to.equal(true);
      expect(deployment.chainId).to.equal(31337);
      expect(deployment.governance).to.equal(governance.address);
      expect(deployment.deploymentBlock).to.be.greaterThan(0);
    });

    it("should wire the contracts as the Ignition module does", async function () {
      const { registry, membership, transfers, checkpoints } = contracts;
      expect(await registry.owner()).to.equal(governance.address);
      expect(await registry.organizationName(1)).to.equal(CONSORTIUM_NAME);
      expect(await membership.transferLedger()).to.equal(deployment.contracts.transfers);
      expect(await transfers.registry()).to.equal(deployment.contracts.registry);
      expect(await transfers.membershipLedger()).to.equal(deployment.contracts.membership);
      expect(await checkpoints.registry()).to.equal(deployment.contracts.registry);
    });

    it("should reuse the recorded deployment when asked again on the same chain", async function () {
      const again = await deploy();
      expect(again.created).to.equal(false);
      expect(again.deployment).to.deep.equal(deployment);
    });
  });

  describe("organizations", function () {
    let committeeId: number;
    let branchId: number;
    before(async function () {
      committeeId = await registerCommittee(contracts.registry, "甲大学党委", true);
      await grantRole(contracts.registry, committeeId, adminA.address, "ORG_ADMIN");
      branchId = await registerOrganization(contracts.registry.connect(adminA), committeeId, "BRANCH", "计算机学院党支部");
      await grantRole(contracts.registry.connect(adminA), branchId, outsider.address, "ATTESTER");
    });

    it("should return the ids the registry assigned, from its events", async function () {
      expect([committeeId, branchId]).to.deep.equal([2, 3]);
      expect(await contracts.registry.organizationCount()).to.equal(3n);
    });

    it("should grant the roles on chain", async function () {
      expect(await contracts.registry.hasRole(committeeId, adminA.address, 0)).to.equal(true);
      expect(await contracts.registry.hasRole(branchId, outsider.address, 1)).to.equal(true);
    });

    it("should read the whole tree back, parents first", async function () {
      expect(await readOrganizationTree(contracts.registry)).to.deep.equal([
        { id: 1, parentId: null, committeeId: null, kind: "CONSORTIUM", mayApprove: false, name: CONSORTIUM_NAME },
        { id: 2, parentId: 1, committeeId: 2, kind: "COMMITTEE", mayApprove: true, name: "甲大学党委" },
        { id: 3, parentId: 2, committeeId: 2, kind: "BRANCH", mayApprove: false, name: "计算机学院党支部" },
      ]);
    });
  });

  describe("decodeChainError on real reverts", function () {
    it("should name OrgRegistryNotAdmin and its arguments when an outsider registers a branch", async function () {
      const error = await rejectionOf(contracts.registry.connect(outsider).registerOrganization(2, 4, "冒名党支部"));
      expect(decodeChainError(error)).to.deep.equal({
        kind: "revert",
        name: "OrgRegistryNotAdmin",
        args: { orgId: 2, caller: outsider.address },
      });
    });

    it("should name an inherited OpenZeppelin error when a non-governance account registers a committee", async function () {
      const error = await rejectionOf(contracts.registry.connect(adminA).registerCommittee("假党委", true));
      expect(decodeChainError(error)).to.deep.equal({
        kind: "revert",
        name: "OwnableUnauthorizedAccount",
        args: { account: adminA.address },
      });
    });

    it("should decode a revert of another contract met in a read-only call", async function () {
      const [memberKey, recordHash] = [`0x${"ab".repeat(32)}`, `0x${"cd".repeat(32)}`];
      const error = await rejectionOf(contracts.membership.connect(adminA).register.staticCall(memberKey, 3, recordHash, 20_000));
      expect(decodeChainError(error)).to.deep.equal({
        kind: "revert",
        name: "MembershipLedgerNotAttester",
        args: { orgId: 3, caller: adminA.address },
      });
    });
  });

  describe("chainHealth", function () {
    it("should report the node's latest block and chain id while it runs", async function () {
      const health = await chainHealth(provider);
      expect(health).to.deep.equal({ ok: true, blockNumber: await provider.getBlockNumber(), chainId: 31337 });
    });

    it("should give up on a node that accepts connections but never answers", async function () {
      const sockets: Socket[] = [];
      const silentNode = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => silentNode.listen(0, "127.0.0.1", resolve));
      const silentProvider = providerFor(`http://127.0.0.1:${(silentNode.address() as AddressInfo).port}`, EMBEDDED_CHAIN_ID);
      try {
        expect(await chainHealth(silentProvider, 200)).to.deep.equal({ ok: false, error: "no answer within 200 ms" });
      } finally {
        silentProvider.destroy();
        sockets.forEach((socket) => socket.destroy());
        silentNode.close();
      }
    });
  });

  describe("after the node stops", function () {
    let treeBefore: ChainOrganization[];
    before(async function () {
      treeBefore = await readOrganizationTree(contracts.registry);
      await node!.stop();
    });

    it("should report the chain unhealthy, with the reason", async function () {
      const health = await chainHealth(provider);
      expect(health.ok).to.equal(false);
      expect(health.error).to.match(/ECONNREFUSED/);
    });

    it("should classify a failed call as the node being unavailable, not as a revert", async function () {
      const error = await rejectionOf(contracts.registry.organizationCount());
      expect(decodeChainError(error)).to.include({ kind: "unavailable" });
    });

    it("should keep the deployment and the organizations when restarted on the same state", async function () {
      await start();
      const restarted = await deploy();
      expect(restarted).to.deep.equal({ deployment, created: false });
      expect(await readOrganizationTree(contracts.registry)).to.deep.equal(treeBefore);
      expect((await chainHealth(provider)).ok).to.equal(true);
    });

    it("should deploy afresh and say so when the chain's state was lost", async function () {
      await node!.stop();
      rmSync(path.join(stateDir, ANVIL_STATE_FILE_NAME));
      await start();
      const reset = await deploy();
      expect(reset.created).to.equal(true);
      expect(reset.deployment.deploymentBlockHash).to.not.equal(deployment.deploymentBlockHash);
      const tree = await readOrganizationTree(connectConsortium(reset.deployment, provider).registry);
      expect(tree.map((organization) => organization.name)).to.deep.equal([CONSORTIUM_NAME]);
    });
  });
});
