import { expect } from "chai";
import { startAnchoredInstance, type AnchoredInstance } from "../../helpers/anchored";

describe("AnchoringWorker", function () {
  let instance: AnchoredInstance;
  afterEach(async () => instance?.close());

  describe("anchoring records", function () {
    it("should make every record of a full journey its member's chain head, in order, and checkpoint the log", async function () {
      instance = await startAnchoredInstance();
      const memberId = await instance.walk("S25");
      await instance.anchorAll();

      const member = (await instance.database.repositories.members.get(memberId))!;
      const records = await instance.database.repositories.records.listByMember(memberId);
      const onChain = await instance.consortium.membership.member(member.memberKey);
      expect(onChain.recordCount).to.equal(BigInt(records.length));
      expect(onChain.head).to.equal(records.at(-1)!.recordHash);
      expect(onChain.stage).to.equal(5n);
      expect(await instance.database.repositories.outbox.countByState()).to.include({ PENDING: 0, SENT: 0, MINED: 0, FAILED: 0 });
      const latest = await instance.consortium.checkpoints.latestCheckpoint(2);
      expect(latest.treeSize).to.equal(BigInt(records.length));
      expect(latest.root).to.equal(instance.tree.root(records.length));
    });
  });
});
