import { expect } from "chai";
import { ethers } from "hardhat";
import { createAuditChainReader, type AuditReaderOptions } from "../../../api/src/chain";
import { ORG_IDS } from "../../../api/src/data-access/testing";
import { randomKey } from "../../helpers/fixture";
import { startAnchoredInstance, type AnchoredInstance } from "../../helpers/anchored";

const ZERO_HASH = `0x${"0".repeat(64)}`;

describe("createAuditChainReader", function () {
  let instance: AnchoredInstance;
  let memberKeys: string[];
  let recordHashes: string[];
  let blockNumber: number;

  before(async function () {
    instance = await startAnchoredInstance();
    memberKeys = [];
    for (const upTo of ["S5", "S3"]) {
      const memberId = await instance.walk(upTo);
      await instance.anchorAll();
      memberKeys.push((await instance.database.repositories.members.get(memberId))!.memberKey);
    }
    const hashes = await instance.database.repositories.records.listLogHashes(0, 100);
    recordHashes = hashes.map((record) => record.recordHash);
    blockNumber = await ethers.provider.getBlockNumber();
  });
  after(async () => instance?.close());

  // In small pieces every read is split across member batches, topic lists and block ranges.
  const PIECES: Record<string, Partial<AuditReaderOptions>> = {
    "in whole reads": {},
    "in small pieces": { membersPerCall: 2, keysPerQuery: 1, maxBlockSpan: 3, concurrency: 2 },
  };

  for (const [pieces, options] of Object.entries(PIECES)) {
    describe(pieces, function () {
      const reader = () => createAuditChainReader(ethers.provider, instance.addresses, options);

      it("should read each member's record count and head as member() answers them, zero for an unknown key", async function () {
        const unknown = randomKey();
        const heads = await reader().memberHeads([...memberKeys, unknown], blockNumber);

        for (const memberKey of memberKeys) {
          const member = await instance.consortium.membership.member(memberKey);
          expect(heads.get(memberKey)).to.deep.equal({
            orgId: Number(member.orgId),
            stage: Number(member.stage),
            recordCount: Number(member.recordCount),
            head: member.head,
          });
        }
        expect(heads.get(unknown)).to.deep.equal({ orgId: 0, stage: 0, recordCount: 0, head: ZERO_HASH });
      });

      it("should read every checkpoint of the log in order, as the contract counts them", async function () {
        const checkpoints = await reader().checkpoints(ORG_IDS.committeeA, 0, blockNumber);
        const summary = await reader().checkpointSummary(ORG_IDS.committeeA, blockNumber);

        expect(checkpoints.map((checkpoint) => checkpoint.treeSize)).to.deep.equal([5, 8]);
        expect(summary).to.deep.equal({ treeSize: 8, root: checkpoints[1].root, count: 2 });
        expect(checkpoints[1].root).to.equal(instance.tree.root(8));
        expect(await reader().checkpoints(ORG_IDS.committeeB, 0, blockNumber)).to.deep.equal([]);
      });

      it("should read the members' RecordAppended events in the order the ledger received them", async function () {
        const events = await reader().recordsAppended(memberKeys, 0, blockNumber);

        expect(events.map((event) => event.recordHash)).to.deep.equal(recordHashes);
        expect(events.map((event) => event.memberKey)).to.deep.equal([...Array(5).fill(memberKeys[0]), ...Array(3).fill(memberKeys[1])]);
      });
    });
  }
});
