import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, mine } from "@nomicfoundation/hardhat-network-helpers";
import type { ContractTransactionResponse } from "ethers";
import { anyValue as anyRoot } from "@nomicfoundation/hardhat-chai-matchers/withArgs";
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

      await expect(tx).to.emit(checkpoints, "CheckpointRecorded").withArgs(ids.branchA, 10, root, 0, 0, signers.branchClerkA.address);
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
      await expect(clerk.checkpoint(ids.branchA, 1, randomKey())).to.be.revertedWithCustomError(checkpoints, "CheckpointLogPaused");

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

  describe("log writer", function () {
    /** Committee A's log written only by attesterA, with `outsider` a second attester key of the same committee. */
    async function designatedLog() {
      const consortium = await loadFixture(deployConsortium);
      const { registry, checkpoints, ids, signers } = consortium;
      await registry.connect(signers.adminA).grantRole(ids.committeeA, signers.outsider.address, Role.Attester);
      const designatedAt = await blockOf(checkpoints.connect(signers.adminA).setLogWriter(ids.committeeA, signers.attesterA.address));
      return { ...consortium, designatedAt };
    }

    it("should let the committee's org admin designate the writer, and emit the designation", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      await expect(checkpoints.connect(signers.adminA).setLogWriter(ids.committeeA, signers.attesterA.address))
        .to.emit(checkpoints, "LogWriterSet")
        .withArgs(ids.committeeA, signers.attesterA.address, ethers.ZeroAddress, signers.adminA.address);
      expect(await checkpoints.logWriter(ids.committeeA)).to.equal(signers.attesterA.address);
      expect(await checkpoints.logWriter(ids.committeeB)).to.equal(ethers.ZeroAddress);
    });

    it("should refuse a checkpoint from another attester key of the same committee, even an absurd one", async function () {
      const { checkpoints, ids, signers } = await designatedLog();
      for (const treeSize of [1n, 2n ** 64n - 1n]) {
        await expect(checkpoints.connect(signers.outsider).checkpoint(ids.committeeA, treeSize, randomKey()))
          .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotWriter")
          .withArgs(ids.committeeA, signers.outsider.address, signers.attesterA.address);
      }

      await expect(checkpoints.connect(signers.attesterA).checkpoint(ids.committeeA, 1, randomKey())).to.emit(
        checkpoints,
        "CheckpointRecorded",
      );
      expect((await checkpoints.latestCheckpoint(ids.committeeA)).treeSize).to.equal(1n);
    });

    it("should still refuse a designated writer whose attester role was revoked", async function () {
      const { registry, checkpoints, ids, signers } = await designatedLog();
      await registry.connect(signers.adminA).revokeRole(ids.committeeA, signers.attesterA.address, Role.Attester);
      await expect(checkpoints.connect(signers.attesterA).checkpoint(ids.committeeA, 1, randomKey()))
        .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotAttester")
        .withArgs(ids.committeeA, signers.attesterA.address);
    });

    it("should rotate the writer: the old key is refused, the new one writes, and the key history answers for past blocks", async function () {
      const { checkpoints, ids, signers, designatedAt } = await designatedLog();
      await mine(2);
      const rotation = checkpoints.connect(signers.adminA).setLogWriter(ids.committeeA, signers.outsider.address);
      await expect(rotation)
        .to.emit(checkpoints, "LogWriterSet")
        .withArgs(ids.committeeA, signers.outsider.address, signers.attesterA.address, signers.adminA.address);
      const rotatedAt = await blockOf(rotation);

      await expect(checkpoints.connect(signers.attesterA).checkpoint(ids.committeeA, 1, randomKey()))
        .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotWriter")
        .withArgs(ids.committeeA, signers.attesterA.address, signers.outsider.address);
      await expect(checkpoints.connect(signers.outsider).checkpoint(ids.committeeA, 1, randomKey()))
        .to.emit(checkpoints, "CheckpointRecorded")
        .withArgs(ids.committeeA, 1, anyRoot, 0, 0, signers.outsider.address);
      expect(await checkpoints.logWriterAt(ids.committeeA, designatedAt - 1)).to.equal(ethers.ZeroAddress);
      expect(await checkpoints.logWriterAt(ids.committeeA, designatedAt)).to.equal(signers.attesterA.address);
      expect(await checkpoints.logWriterAt(ids.committeeA, rotatedAt - 1)).to.equal(signers.attesterA.address);
      expect(await checkpoints.logWriterAt(ids.committeeA, rotatedAt)).to.equal(signers.outsider.address);
    });

    it("should let governance and an admin of an ancestor designate a branch's writer", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      await checkpoints.connect(signers.adminA).setLogWriter(ids.branchA, signers.branchClerkA.address);
      await expect(checkpoints.connect(signers.governance).setLogWriter(ids.branchA, signers.attesterA.address))
        .to.emit(checkpoints, "LogWriterSet")
        .withArgs(ids.branchA, signers.attesterA.address, signers.branchClerkA.address, signers.governance.address);
    });

    it("should refuse a designation by a key that does not administer the log's organization", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      for (const caller of [signers.attesterA, signers.adminB, signers.outsider]) {
        await expect(checkpoints.connect(caller).setLogWriter(ids.committeeA, caller.address))
          .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotAdmin")
          .withArgs(ids.committeeA, caller.address);
      }
      expect(await checkpoints.logWriter(ids.committeeA)).to.equal(ethers.ZeroAddress);
    });

    it("should refuse a zero writer and a designation that changes nothing", async function () {
      const { checkpoints, ids, signers } = await designatedLog();
      const admin = checkpoints.connect(signers.adminA);
      await expect(admin.setLogWriter(ids.committeeA, ethers.ZeroAddress))
        .to.be.revertedWithCustomError(checkpoints, "CheckpointLogZeroWriter")
        .withArgs(ids.committeeA);
      await expect(admin.setLogWriter(ids.committeeA, signers.attesterA.address))
        .to.be.revertedWithCustomError(checkpoints, "CheckpointLogWriterUnchanged")
        .withArgs(ids.committeeA, signers.attesterA.address);
    });
  });

  describe("administrative log", function () {
    const ADMIN_LOG_FLAG = 2 ** 31;

    /** Committee A's record log written by attesterA, `outsider` a second attester key of the same committee. */
    async function designatedLogs() {
      const consortium = await loadFixture(deployConsortium);
      const { registry, checkpoints, ids, signers } = consortium;
      await registry.connect(signers.adminA).grantRole(ids.committeeA, signers.outsider.address, Role.Attester);
      await checkpoints.connect(signers.adminA).setLogWriter(ids.committeeA, signers.attesterA.address);
      return { ...consortium, adminLogA: Number(await checkpoints.adminLogId(ids.committeeA)) };
    }

    it("should name each organization's administrative log by its id with the top bit set", async function () {
      const { checkpoints, ids } = await loadFixture(deployConsortium);
      expect(await checkpoints.adminLogId(ids.committeeA)).to.equal(BigInt(ids.committeeA + ADMIN_LOG_FLAG));
      expect(await checkpoints.adminLogId(ids.branchB)).to.equal(BigInt(ids.branchB + ADMIN_LOG_FLAG));
    });

    it("should refuse an organization id that already has the top bit set", async function () {
      const { checkpoints } = await loadFixture(deployConsortium);
      await expect(checkpoints.adminLogId(ADMIN_LOG_FLAG + 3))
        .to.be.revertedWithCustomError(checkpoints, "CheckpointLogOrganizationOutOfRange")
        .withArgs(ADMIN_LOG_FLAG + 3);
    });

    it("should keep the administrative log apart from the record log, written by the same writer key", async function () {
      const { checkpoints, ids, signers, adminLogA } = await designatedLogs();
      const writer = checkpoints.connect(signers.attesterA);
      await writer.checkpoint(ids.committeeA, 40, randomKey());
      const head = randomKey();

      await expect(writer.checkpoint(adminLogA, 3, head))
        .to.emit(checkpoints, "CheckpointRecorded")
        .withArgs(adminLogA, 3, head, 0, 0, signers.attesterA.address);
      expect((await checkpoints.latestCheckpoint(adminLogA)).root).to.equal(head);
      expect((await checkpoints.latestCheckpoint(ids.committeeA)).treeSize).to.equal(40n);
      expect(await checkpoints.logWriter(adminLogA)).to.equal(signers.attesterA.address);
    });

    it("should refuse another attester key of the committee, even with an absurd tree size", async function () {
      const { checkpoints, signers, adminLogA } = await designatedLogs();
      for (const treeSize of [1n, 2n ** 64n - 1n]) {
        await expect(checkpoints.connect(signers.outsider).checkpoint(adminLogA, treeSize, randomKey()))
          .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotWriter")
          .withArgs(adminLogA, signers.outsider.address, signers.attesterA.address);
      }
      expect((await checkpoints.latestCheckpoint(adminLogA)).count).to.equal(0n);
    });

    it("should refuse another university's attester and a branch attester of the committee", async function () {
      const { checkpoints, ids, signers } = await loadFixture(deployConsortium);
      const adminLogA = Number(await checkpoints.adminLogId(ids.committeeA));
      for (const caller of [signers.attesterB, signers.branchClerkA]) {
        await expect(checkpoints.connect(caller).checkpoint(adminLogA, 1, randomKey()))
          .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotAttester")
          .withArgs(adminLogA, caller.address);
      }
    });

    it("should rotate the writer of both logs at once, through either log id, and keep the key history", async function () {
      const { checkpoints, ids, signers, adminLogA } = await designatedLogs();
      const rotation = checkpoints.connect(signers.adminA).setLogWriter(adminLogA, signers.outsider.address);
      await expect(rotation)
        .to.emit(checkpoints, "LogWriterSet")
        .withArgs(ids.committeeA, signers.outsider.address, signers.attesterA.address, signers.adminA.address);
      const rotatedAt = await blockOf(rotation);

      for (const logId of [adminLogA, ids.committeeA]) {
        await expect(checkpoints.connect(signers.attesterA).checkpoint(logId, 1, randomKey()))
          .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotWriter")
          .withArgs(logId, signers.attesterA.address, signers.outsider.address);
        await expect(checkpoints.connect(signers.outsider).checkpoint(logId, 1, randomKey()))
          .to.emit(checkpoints, "CheckpointRecorded")
          .withArgs(logId, 1, anyRoot, 0, 0, signers.outsider.address);
      }
      expect(await checkpoints.logWriterAt(adminLogA, rotatedAt - 1)).to.equal(signers.attesterA.address);
      expect(await checkpoints.logWriterAt(adminLogA, rotatedAt)).to.equal(signers.outsider.address);
      expect(await checkpoints.logWriter(ids.committeeA)).to.equal(signers.outsider.address);
    });

    it("should refuse a designation through the administrative log id by a key that does not administer the organization", async function () {
      const { checkpoints, ids, signers, adminLogA } = await designatedLogs();
      await expect(checkpoints.connect(signers.adminB).setLogWriter(adminLogA, signers.adminB.address))
        .to.be.revertedWithCustomError(checkpoints, "CheckpointLogNotAdmin")
        .withArgs(adminLogA, signers.adminB.address);
      expect(await checkpoints.logWriter(ids.committeeA)).to.equal(signers.attesterA.address);
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

      expect(history.map(({ block, treeSize, root }) => ({ block, treeSize, root }))).to.deep.equal([...recorded].reverse());
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
