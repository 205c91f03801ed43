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

  describe("checkpoints decided twice at once", function () {
    it("should queue a checkpoint of each log once when several callers decide on it at the same moment", async function () {
      instance = await startAnchoredInstance();
      const memberId = await instance.walk("S3");
      const size = (await instance.database.repositories.records.listByMember(memberId)).length;
      const [first, , second, , third] = await Promise.all([
        instance.worker.checkpointNow(),
        instance.worker.adminCheckpointNow(),
        instance.worker.checkpointNow(),
        instance.worker.adminCheckpointNow(),
        instance.worker.checkpointNow(),
      ]);
      expect([first, second, third].filter((queued) => queued !== null)).to.deep.equal([size]);
      expect((await instance.database.repositories.checkpoints.latest())?.treeSize).to.equal(size);
      const queued = await instance.database.dataSource.query(
        "SELECT kind, count(*)::int AS items FROM outbox WHERE kind IN ('CHECKPOINT', 'ADMIN_CHECKPOINT') GROUP BY kind ORDER BY kind",
      );
      expect(queued).to.deep.equal([
        { kind: "ADMIN_CHECKPOINT", items: 1 },
        { kind: "CHECKPOINT", items: 1 },
      ]);

      await instance.anchorAll();
      expect((await instance.consortium.checkpoints.latestCheckpoint(2)).treeSize).to.equal(BigInt(size));
      expect(await instance.database.repositories.outbox.countByState()).to.include({ PENDING: 0, SENT: 0, MINED: 0, FAILED: 0 });
    });
  });
});
