import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { deployConsortium, randomKey, Role, type Consortium } from "../helpers/fixture";

const UNKNOWN_ORG = 99;

/** The block a transaction was mined in. */
async function blockOf(tx: Promise<ContractTransactionResponse>): Promise<number> {
  return (await (await tx).wait())!.blockNumber;
}

/**
 * Walks a log's history back the way an auditor does with plain JSON-RPC: from the latest checkpoint's block,
 * read that block's CheckpointRecorded event for the log and follow its previousBlock until it is 0.
 */
async function walkBack(checkpoints: Consortium["checkpoints"], logId: number) {
  const history = [];
  let block = Number((await checkpoints.latestCheckpoint(logId)).blockNumber);
  while (block !== 0) {
    const events = await checkpoints.queryFilter(checkpoints.filters.CheckpointRecorded(logId), block, block);
    expect(events).to.have.length(1);
    const { treeSize, root, previousTreeSize, previousBlock } = events[0].args;
    history.push({ block, treeSize, root, previousTreeSize });
    block = Number(previousBlock);
  }
  return history;
}

describe("CheckpointLog", function () {
  describe("construction", function () {
    it("should name its registry and start every log empty", async function () {
      const { registry, checkpoints, ids } = await loadFixture(deployConsortium);
      expect(await checkpoints.registry()).to.equal(await registry.getAddress());
      expect(await checkpoints.latestCheckpoint(ids.branchA)).to.deep.equal([0n, 0n, 0n, ethers.ZeroHash]);
    });
  });

  describe("checkpoint", function () {
    it("should record the first checkpoint of a branch's log and emit it", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      const root = randomKey();
      const tx = checkpoints.connect(signers.branchClerkA).checkpoint(ids.branchA, 10, root);

      await expect(tx)
        .to.emit(checkpoints, "CheckpointRecorded")
        .withArgs(ids.branchA, 10, root, 0, 0, signers.branchClerkA.address);
      const block = await blockOf(tx);
      expect(await checkpoints.latestCheckpoint(ids.branchA)).to.deep.equal([10n, BigInt(block), 1n, root]);
    });

    it("should link a later checkpoint to the previous one", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      const clerk = checkpoints.connect(signers.branchClerkA);
      const firstBlock = await blockOf(clerk.checkpoint(ids.branchA, 10, randomKey()));
      const root = randomKey();
      const tx = clerk.checkpoint(ids.branchA, 25, root);

      await expect(tx)
        .to.emit(checkpoints, "CheckpointRecorded")
        .withArgs(ids.branchA, 25, root, 10, firstBlock, signers.branchClerkA.address);
      expect(await checkpoints.latestCheckpoint(ids.branchA)).to.deep.equal([25n, BigInt(await blockOf(tx)), 2n, root]);
    });

    it("should let a committee attester write the log of a branch below it", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      await expect(checkpoints.connect(signers.attesterA).checkpoint(ids.branchA, 1, randomKey())).to.emit(
        checkpoints,
        "CheckpointRecorded",
      );
      await expect(checkpoints.connect(signers.attesterA).checkpoint(ids.committeeA, 1, randomKey())).to.emit(
        checkpoints,
        "CheckpointRecorded",
      );
    });

    it("should refuse an outsider, an org admin, and another university's attester", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      for (const caller of [signers.outsider, signers.adminA, signers.attesterB]) {
        await expect(checkpoints.connect(caller).checkpoint(ids.branchA, 1, randomKey()))
          .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotAttester")
          .withArgs(ids.branchA, caller.address);
      }
    });

    it("should refuse a branch attester writing its committee's log", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      await expect(checkpoints.connect(signers.branchClerkA).checkpoint(ids.committeeA, 1, randomKey()))
        .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotAttester")
        .withArgs(ids.committeeA, signers.branchClerkA.address);
    });

    it("should refuse the consortium's log and an unknown log, even to governance", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      for (const logId of [ids.consortium, UNKNOWN_ORG]) {
        await expect(checkpoints.checkpoint(logId, 1, randomKey()))
          .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotAttester")
          .withArgs(logId, signers.governance.address);
      }
    });

    it("should refuse an attester whose role was revoked", async function () {
      const { registry, checkpoints, ids, signers } = await loadFixture(deployConsortium);
      await registry.revokeRole(ids.branchA, signers.branchClerkA.address, Role.Attester);
      await expect(checkpoints.connect(signers.branchClerkA).checkpoint(ids.branchA, 1, randomKey()))
        .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotAttester")
        .withArgs(ids.branchA, signers.branchClerkA.address);
    });

    it("should refuse every write while the registry is paused, and accept again after", async function () {
      const { registry, checkpoints, ids, signers } = await loadFixture(deployConsortium);
      const clerk = checkpoints.connect(signers.branchClerkA);
      await registry.pause();
      await expect(clerk.checkpoint(ids.branchA, 1, randomKey())).to.be.revertedWithCustomError(
        checkpoints,
        "CheckpointLogPaused",
      );

      await registry.unpause();
      await expect(clerk.checkpoint(ids.branchA, 1, randomKey())).to.emit(checkpoints, "CheckpointRecorded");
    });

    it("should refuse a zero root", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      await expect(checkpoints.connect(signers.branchClerkA).checkpoint(ids.branchA, 1, ethers.ZeroHash))
        .to.be.revertedWithCustomError(checkpoints, "CheckpointLogZeroRoot")
        .withArgs(ids.branchA);
    });

    it("should refuse an empty tree as the first checkpoint", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      await expect(checkpoints.connect(signers.branchClerkA).checkpoint(ids.branchA, 0, randomKey()))
        .to.be.revertedWithCustomError(checkpoints, "CheckpointLogTreeSizeNotGrowing")
        .withArgs(ids.branchA, 0, 0);
    });

    it("should refuse a tree size equal to or smaller than the latest", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      const clerk = checkpoints.connect(signers.branchClerkA);
      await clerk.checkpoint(ids.branchA, 10, randomKey());
      for (const treeSize of [10, 5]) {
        await expect(clerk.checkpoint(ids.branchA, treeSize, randomKey()))
          .to.be.revertedWithCustomError(checkpoints, "CheckpointLogTreeSizeNotGrowing")
          .withArgs(ids.branchA, treeSize, 10);
      }
    });
  });

  describe("history", function () {
    it("should let a verifier walk every checkpoint back through the events", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      const clerk = checkpoints.connect(signers.branchClerkA);
      const recorded = [];
      for (const treeSize of [3n, 8n, 20n]) {
        const root = randomKey();
        recorded.push({ block: await blockOf(clerk.checkpoint(ids.branchA, treeSize, root)), treeSize, root });
        await mine(3);
      }

      const history = await walkBack(checkpoints, ids.branchA);

      expect(history.map(({ block, treeSize, root }) => ({ block, treeSize, root }))).to.deep.equal(
        [...recorded].reverse(),
      );
      expect(history.map((entry) => entry.previousTreeSize)).to.deep.equal([8n, 3n, 0n]);
      expect((await checkpoints.latestCheckpoint(ids.branchA)).count).to.equal(3n);
    });
  });

  describe("separate logs", function () {
    it("should keep two organizations' logs independent", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      const clerkA = checkpoints.connect(signers.branchClerkA);
      const clerkB = checkpoints.connect(signers.attesterB);

      await clerkA.checkpoint(ids.branchA, 100, randomKey());
      // A smaller tree in another log is fine: growth is checked per log.
      const rootB = randomKey();
      const blockB = await blockOf(clerkB.checkpoint(ids.branchB, 2, rootB));
      const rootA = randomKey();
      const blockA = await blockOf(clerkA.checkpoint(ids.branchA, 150, rootA));

      expect(await checkpoints.latestCheckpoint(ids.branchA)).to.deep.equal([150n, BigInt(blockA), 2n, rootA]);
      expect(await checkpoints.latestCheckpoint(ids.branchB)).to.deep.equal([2n, BigInt(blockB), 1n, rootB]);
      expect((await walkBack(checkpoints, ids.branchA)).map((entry) => entry.treeSize)).to.deep.equal([150n, 100n]);
      expect((await walkBack(checkpoints, ids.branchB)).map((entry) => entry.treeSize)).to.deep.equal([2n]);
    });
  });
});
