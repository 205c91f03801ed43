import { expect } from "chai";
import { ethers, network } from "hardhat";
import { loadFixture } from "@nomicfoundation/hardhat-network-helpers";
import { BrowserProvider } from "ethers";
import { cachedChainReader, createChainReader, type ChainReader } from "../../../api/src/chain/chain-reader";
import type { Check, StepResult, Verdict } from "../../../api/src/domain/verification/verdict";
import { verifyBundle } from "../../../api/src/domain/verification/verify-bundle";
import { MerkleLog, recordLeaf } from "../../../api/src/lib/merkle";
import type { MemberProof, RecordProof } from "../../../api/src/lib/proof-bundle";
import { newSalt, recordHash, type Hex32 } from "../../../api/src/lib/record-hash";
import {
  anchorRecords,
  appendOtherRecords,
  chainOf,
  memberProofOf,
  recordCheckpoint,
  recordProofOf,
  type LoggedRecord,
} from "../../helpers/bundles";
import { deployConsortium, randomKey, Role } from "../../helpers/fixture";

/** A member of branch A with three records anchored by attesterA, between other members' records, all checkpointed. */
async function anchoredMember() {
  const consortium = await deployConsortium();
  const { registry, membership, checkpoints, ids, signers } = consortium;
  const chain = chainOf(Number((await ethers.provider.getNetwork()).chainId), {
    registry: await registry.getAddress(),
    membership: await membership.getAddress(),
    checkpoints: await checkpoints.getAddress(),
  });
  const leaves: Uint8Array[] = [];
  const memberKey = randomKey() as Hex32;
  const write = (effectiveDates: string[], after?: LoggedRecord, supersedes?: Hex32) =>
    anchorRecords(membership, signers.attesterA, leaves, { memberKey, orgId: ids.branchA, effectiveDates, after, supersedes });
  appendOtherRecords(leaves, 2);
  const [first] = await write(["2020-01-10"]);
  appendOtherRecords(leaves, 1);
  const later = await write(["2020-02-10", "2020-03-10"], first);
  appendOtherRecords(leaves, 1);
  const checkpoint = await recordCheckpoint(checkpoints, signers.attesterA, ids.committeeA, leaves);
  const records = [first, ...later];
  const headBlock = await ethers.provider.getBlockNumber();
  return { consortium, chain, leaves, log: new MerkleLog(leaves), records, checkpoint, headBlock, write };
}

type Scenario = Awaited<ReturnType<typeof anchoredMember>>;

function hardhatReader(): ChainReader {
  // No response cache: a test that writes and then reads again must see the new state.
  return createChainReader(new BrowserProvider(network.provider, undefined, { cacheTimeout: -1 }));
}

function recordBundle(scenario: Scenario, index = 1): RecordProof {
  return recordProofOf(scenario.chain, scenario.records[index], scenario.log, scenario.checkpoint);
}

function memberBundle(scenario: Scenario): MemberProof {
  return memberProofOf(scenario.chain, scenario.records, scenario.log, scenario.checkpoint, scenario.headBlock);
}

/** The scenario's file with a fourth record that corrects the first, all checkpointed again. */
async function correctedMemberBundle(scenario: Scenario): Promise<MemberProof> {
  const [correction] = await scenario.write(["2020-04-10"], scenario.records[2], scenario.records[0].recordHash);
  const { checkpoints, signers, ids } = scenario.consortium;
  const checkpoint = await recordCheckpoint(checkpoints, signers.attesterA, ids.committeeA, scenario.leaves);
  const records = [...scenario.records, correction];
  return memberProofOf(scenario.chain, records, new MerkleLog(scenario.leaves), checkpoint, await ethers.provider.getBlockNumber());
}

const stepsOf = (verdict: Verdict, check: Check): StepResult[] => verdict.steps.filter((step) => step.check === check);
const failuresOf = (verdict: Verdict): StepResult[] => verdict.steps.filter((step) => step.status === "failed");

function onlyFailure(verdict: Verdict): StepResult {
  expect(verdict.verdict).to.equal("INVALID");
  const failures = failuresOf(verdict);
  expect(failures, JSON.stringify(failures, null, 2)).to.have.length(1);
  return failures[0];
}

describe("verifyBundle", function () {
  describe("record bundle", function () {
    it("should find a record anchored and checkpointed by an attester VALID with all seven checks passed", async function () {
      const scenario = await loadFixture(anchoredMember);
      const record = scenario.records[1];

      const verdict = await verifyBundle(recordBundle(scenario), hardhatReader());

      expect(verdict.verdict).to.equal("VALID");
      expect(verdict.subject).to.deep.equal({ memberKey: record.body.memberKey, recordIds: [record.id] });
      expect(verdict.steps.map((step) => [step.check, step.status])).to.deep.equal([
        ["format", "passed"],
        ["hash", "passed"],
        ["inclusion", "passed"],
        ["checkpoint", "passed"],
        ["signer", "passed"],
        ["memberChain", "passed"],
        ["status", "passed"],
      ]);
      expect(verdict.steps.every((step) => step.recordId === record.id && step.recordHash === record.recordHash)).to.equal(true);
      expect(stepsOf(verdict, "signer")[0].message).to.include(scenario.consortium.signers.attesterA.address);
    });

    it("should fail the hash check of a tampered body, naming the record and both hashes", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = recordBundle(scenario);
      bundle.record.body!.fields = { note: "rewritten" };

      const failure = onlyFailure(await verifyBundle(bundle, hardhatReader()));

      expect(failure).to.include({ check: "hash", reason: "hash.mismatch", recordId: bundle.record.id });
      expect(failure.message).to.include(`Record ${bundle.record.id}`).and.include(bundle.record.recordHash);
      expect(failure.message).to.include(recordHash(bundle.record.body!));
    });

    it("should fail the hash check when the body places the record elsewhere than the member chain says", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = recordBundle(scenario);
      bundle.memberChain.orgId = scenario.consortium.ids.generalBranchA;

      const verdict = await verifyBundle(bundle, hardhatReader());

      expect(stepsOf(verdict, "hash")[0]).to.include({ status: "failed", reason: "hash.orgIdMismatch" });
    });

    it("should skip the hash of a withheld body, and check a body supplied beside the bundle", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = recordBundle(scenario);
      const body = bundle.record.body!;
      bundle.record.body = null;
      const reader = hardhatReader();

      const withheld = await verifyBundle(bundle, reader);
      const supplied = await verifyBundle(bundle, reader, { record: body });
      const wrongBody = await verifyBundle(bundle, reader, { record: { ...body, effectiveDate: "2020-02-11" } });

      expect(withheld.verdict).to.equal("INCOMPLETE");
      expect(withheld.steps.filter((step) => step.status !== "passed").map((step) => step.reason)).to.deep.equal(["hash.bodyWithheld"]);
      expect(stepsOf(withheld, "hash")[0]).to.include({ status: "skipped", reason: "hash.bodyWithheld" });
      expect(supplied.verdict).to.equal("VALID");
      expect(stepsOf(supplied, "hash")[0]).to.include({ status: "passed", reason: "hash.matches" });
      expect(onlyFailure(wrongBody)).to.include({ check: "hash", reason: "hash.mismatch" });
    });

    it("should fail the inclusion check of a proof for another leaf, or with an altered path", async function () {
      const scenario = await loadFixture(anchoredMember);
      const wrongLeaf = recordBundle(scenario);
      wrongLeaf.inclusion.leafIndex = 0;
      const wrongPath = recordBundle(scenario);
      wrongPath.inclusion.proof[0] = newSalt();

      const leafFailure = onlyFailure(await verifyBundle(wrongLeaf, hardhatReader()));
      const pathFailure = onlyFailure(await verifyBundle(wrongPath, hardhatReader()));

      expect(leafFailure).to.include({ check: "inclusion", reason: "inclusion.leafIndexMismatch" });
      expect(leafFailure.message)
        .to.include(`leaf ${wrongLeaf.record.id - 1}`)
        .and.include("leaf 0");
      expect(pathFailure).to.include({ check: "inclusion", reason: "inclusion.proofInvalid", recordId: wrongPath.record.id });
      expect(pathFailure.message).to.include(scenario.checkpoint.root);
    });

    it("should fail the checkpoint check of a root that was never checkpointed", async function () {
      const scenario = await loadFixture(anchoredMember);
      const longerLog = new MerkleLog([...scenario.leaves, recordLeaf(newSalt())]);
      const neverCheckpointed = { ...scenario.checkpoint, treeSize: longerLog.size, root: longerLog.root() };
      const bundle = recordProofOf(scenario.chain, scenario.records[1], longerLog, neverCheckpointed);

      const failure = onlyFailure(await verifyBundle(bundle, hardhatReader()));

      expect(failure).to.include({ check: "checkpoint", reason: "checkpoint.notRecorded" });
      expect(failure.message).to.include(longerLog.root()).and.include(scenario.checkpoint.root);
    });

    it("should fail the checkpoint check of a transaction that is not the checkpoint's", async function () {
      const scenario = await loadFixture(anchoredMember);
      const anchorTransaction = recordBundle(scenario);
      anchorTransaction.checkpoint = { ...anchorTransaction.checkpoint, ...scenario.records[0].anchor };
      const unknownTransaction = recordBundle(scenario);
      unknownTransaction.checkpoint.transactionHash = newSalt();

      const notRecorded = await verifyBundle(anchorTransaction, hardhatReader());
      const notFound = await verifyBundle(unknownTransaction, hardhatReader());

      expect(stepsOf(notRecorded, "checkpoint")[0]).to.include({ status: "failed", reason: "checkpoint.notRecorded" });
      expect(stepsOf(notFound, "checkpoint")[0]).to.include({ status: "failed", reason: "checkpoint.transactionNotFound" });
      expect(stepsOf(notFound, "checkpoint")[0].message).to.include(unknownTransaction.checkpoint.transactionHash);
    });

    it("should find the bundle INCOMPLETE, not VALID, until the checkpoint has the confirmations asked for", async function () {
      const scenario = await loadFixture(anchoredMember);

      const verdict = await verifyBundle(recordBundle(scenario), hardhatReader(), { confirmations: 1_000 });

      expect(verdict.verdict).to.equal("INCOMPLETE");
      const unchecked = verdict.steps.filter((step) => step.status !== "passed");
      expect(unchecked).to.have.length(1);
      expect(unchecked[0]).to.include({ check: "checkpoint", status: "skipped", reason: "checkpoint.unconfirmed" });
      expect(unchecked[0].message).to.include("1000 are required");
    });

    it("should fail the member chain check of an anchor transaction that appended another record", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = recordBundle(scenario);
      bundle.memberChain.anchor = scenario.records[0].anchor;

      const failure = onlyFailure(await verifyBundle(bundle, hardhatReader()));

      expect(failure).to.include({ check: "memberChain", reason: "memberChain.notAppended" });
      expect(failure.message).to.include(scenario.records[0].anchor.transactionHash).and.include(bundle.record.recordHash);
    });

    it("should warn, yet find VALID, a record superseded since", async function () {
      const scenario = await loadFixture(anchoredMember);
      const [superseded, by] = [scenario.records[1], scenario.records[2]];
      const bundle = recordProofOf(scenario.chain, superseded, scenario.log, scenario.checkpoint, {
        supersededBy: { recordId: by.id, recordHash: by.recordHash },
      });

      const verdict = await verifyBundle(bundle, hardhatReader());

      expect(verdict.verdict).to.equal("VALID");
      expect(stepsOf(verdict, "status")[0]).to.include({ status: "warning", reason: "status.superseded" });
      expect(stepsOf(verdict, "status")[0].message).to.include(`record ${by.id}`).and.include(by.recordHash);
    });
  });

  describe("signers", function () {
    it("should accept records and a checkpoint signed while the key held the Attester role, after it lost it", async function () {
      const { registry, membership, checkpoints, ids, signers } = await loadFixture(deployConsortium);
      const { adminB, outsider } = signers;
      await registry.connect(adminB).grantRole(ids.committeeB, outsider.address, Role.Attester);
      const chain = chainOf(Number((await ethers.provider.getNetwork()).chainId), {
        registry: await registry.getAddress(),
        membership: await membership.getAddress(),
        checkpoints: await checkpoints.getAddress(),
      });
      const leaves: Uint8Array[] = [];
      const [record] = await anchorRecords(membership, outsider, leaves, {
        memberKey: randomKey() as Hex32,
        orgId: ids.branchB,
        effectiveDates: ["2020-05-20"],
      });
      const checkpoint = await recordCheckpoint(checkpoints, outsider, ids.committeeB, leaves);
      await registry.connect(adminB).revokeRole(ids.committeeB, outsider.address, Role.Attester);

      const verdict = await verifyBundle(recordProofOf(chain, record, new MerkleLog(leaves), checkpoint), hardhatReader());

      expect(verdict.verdict).to.equal("VALID");
      expect(stepsOf(verdict, "signer")[0].message).to.include(outsider.address).and.include(`organization ${ids.committeeB}`);
    });

    it("should fail the signer check when the anchoring key was no Attester for the organization the bundle names", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = recordBundle(scenario);
      bundle.record.body = null;
      bundle.memberChain.orgId = scenario.consortium.ids.branchB;

      const failure = onlyFailure(await verifyBundle(bundle, hardhatReader()));

      expect(failure).to.include({ check: "signer", reason: "signer.anchorNotAttester", recordId: bundle.record.id });
      expect(failure.message).to.include(scenario.consortium.signers.attesterA.address);
      expect(failure.message).to.include(`block ${bundle.memberChain.anchor.blockNumber}`);
    });

    it("should fail the signer check when the registry's history says the checkpoint's key was no Attester then", async function () {
      const scenario = await loadFixture(anchoredMember);
      const reader = hardhatReader();
      // As if the key had gained the role only after the checkpoint: the registry is the only witness of roles.
      const roleGrantedLater: ChainReader = {
        ...reader,
        hasRoleAt: async (registry, orgId, account, role, blockNumber) =>
          blockNumber >= scenario.checkpoint.blockNumber ? false : reader.hasRoleAt(registry, orgId, account, role, blockNumber),
      };

      const failure = onlyFailure(await verifyBundle(recordBundle(scenario), roleGrantedLater));

      expect(failure).to.include({ check: "signer", reason: "signer.checkpointNotAttester" });
      expect(failure.message).to.include(scenario.consortium.signers.attesterA.address);
      expect(failure.message).to.include(`block ${scenario.checkpoint.blockNumber}`);
    });
  });

  describe("member bundle", function () {
    it("should find a member's complete file VALID", async function () {
      const scenario = await loadFixture(anchoredMember);

      const verdict = await verifyBundle(memberBundle(scenario), hardhatReader());

      expect(failuresOf(verdict)).to.deep.equal([]);
      expect(verdict.verdict).to.equal("VALID");
      expect(verdict.subject.recordIds).to.deep.equal(scenario.records.map((record) => record.id));
      for (const record of scenario.records) {
        const checks = verdict.steps.filter((step) => step.recordId === record.id).map((step) => [step.check, step.status]);
        expect(checks).to.deep.equal([
          ["hash", "passed"],
          ["inclusion", "passed"],
          ["signer", "passed"],
          ["memberChain", "passed"],
          ["status", "passed"],
        ]);
      }
    });

    it("should fail the member chain check of a file with a record dropped, naming the missing sequence", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = memberBundle(scenario);
      bundle.records.splice(1, 1);

      const failure = onlyFailure(await verifyBundle(bundle, hardhatReader()));

      expect(failure).to.include({ check: "memberChain", reason: "memberChain.missingRecord" });
      expect(failure.message).to.include("sequence 2");
    });

    it("should fail the member chain check of a forged extra record, naming it", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = memberBundle(scenario);
      const last = bundle.records[bundle.records.length - 1];
      const forgedBody = { ...last.body!, sequence: 4, prevHash: last.recordHash, effectiveDate: "2020-04-10", salt: newSalt() };
      const forgedHash = recordHash(forgedBody);
      bundle.records.push({
        ...last,
        id: 50,
        recordHash: forgedHash,
        body: forgedBody,
        sequence: 4,
        prevHash: last.recordHash,
        inclusion: null,
      });

      const verdict = await verifyBundle(bundle, hardhatReader());

      expect(verdict.verdict).to.equal("INVALID");
      const failures = failuresOf(verdict);
      expect(failures.map((step) => step.reason)).to.have.members(["memberChain.beyondHead"]);
      for (const failure of failures) {
        expect(failure).to.include({ check: "memberChain", recordId: 50, recordHash: forgedHash });
        expect(failure.message).to.include(forgedHash);
      }
    });

    it("should fail the member chain check when the member's chain moved on after the bundle was made", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = memberBundle(scenario);
      const [newer] = await scenario.write(["2020-04-10"], scenario.records[2]);

      const failure = onlyFailure(await verifyBundle(bundle, hardhatReader()));

      expect(failure).to.include({ check: "memberChain", reason: "memberChain.headMoved" });
      expect(failure.message).to.include(newer.recordHash).and.include("4 record(s)");
    });

    it("should warn, yet find VALID, a file with a superseded record", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = await correctedMemberBundle(scenario);
      bundle.records[0].supersededBy = bundle.records[3].recordHash;

      const verdict = await verifyBundle(bundle, hardhatReader());

      expect(verdict.verdict).to.equal("VALID");
      const warnings = verdict.steps.filter((step) => step.status === "warning");
      expect(warnings.map((step) => [step.check, step.reason, step.recordId])).to.deep.equal([
        ["status", "status.superseded", scenario.records[0].id],
      ]);
    });

    it("should see a moved head through a cached reader, which keeps only what cannot change", async function () {
      const scenario = await loadFixture(anchoredMember);
      const reader = cachedChainReader(hardhatReader(), { maxEntries: 8 });
      const bundle = memberBundle(scenario);

      const before = await verifyBundle(bundle, reader);
      await scenario.write(["2020-04-10"], scenario.records[2]);
      const after = await verifyBundle(bundle, reader);

      expect(before.verdict).to.equal("VALID");
      expect(onlyFailure(after).reason).to.equal("memberChain.headMoved");
    });
  });

  describe("claims only what it proved", function () {
    const notPassed = (verdict: Verdict) => verdict.steps.filter((step) => step.status !== "passed" && step.status !== "warning");

    it("should fail a withheld file whose middle record is another member's, with its own inclusion proof and no anchor", async function () {
      const scenario = await loadFixture(anchoredMember);
      const { membership, checkpoints, signers, ids } = scenario.consortium;
      const [stranger] = await anchorRecords(membership, signers.attesterA, scenario.leaves, {
        memberKey: randomKey() as Hex32,
        orgId: ids.branchA,
        effectiveDates: ["2020-02-10"],
      });
      const checkpoint = await recordCheckpoint(checkpoints, signers.attesterA, ids.committeeA, scenario.leaves);
      const log = new MerkleLog(scenario.leaves);
      const bundle = memberProofOf(scenario.chain, scenario.records, log, checkpoint, await ethers.provider.getBlockNumber());
      const strangerProof = memberProofOf(scenario.chain, [stranger], log, checkpoint, await ethers.provider.getBlockNumber()).records[0];
      bundle.records[1] = { ...strangerProof, sequence: 2, prevHash: bundle.records[0].recordHash, anchor: null };
      bundle.records[2].prevHash = stranger.recordHash;
      for (const record of bundle.records) record.body = null;

      const verdict = await verifyBundle(bundle, hardhatReader());

      expect(verdict.verdict).to.equal("INVALID");
      const failure = failuresOf(verdict).find((step) => step.recordId === stranger.id);
      expect(failure).to.include({ check: "memberChain", reason: "memberChain.notOnLedger", recordHash: stranger.recordHash });
      expect(failure!.message).to.include(scenario.records[1].recordHash);
    });

    it("should find a file with no checkpoint and no inclusion proofs INCOMPLETE, naming the checks that could not run", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = memberBundle(scenario);
      bundle.checkpoint = null;
      for (const record of bundle.records) record.inclusion = null;

      const verdict = await verifyBundle(bundle, hardhatReader());

      expect(verdict.verdict).to.equal("INCOMPLETE");
      expect(notPassed(verdict).every((step) => step.status === "skipped")).to.equal(true);
      expect(notPassed(verdict).map((step) => step.reason)).to.include.members(["checkpoint.none", "inclusion.noCheckpoint"]);
    });

    it("should find a fabricated pending record at the end INCOMPLETE, naming it as not anchored", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = memberBundle(scenario);
      const last = bundle.records[2];
      const body = { ...last.body!, sequence: 4, step: "S4", prevHash: last.recordHash, effectiveDate: "2020-04-10", salt: newSalt() };
      const hash = recordHash(body);
      bundle.records.push({
        ...last,
        id: 60,
        recordHash: hash,
        body,
        sequence: 4,
        prevHash: last.recordHash,
        anchor: null,
        inclusion: null,
      });

      const verdict = await verifyBundle(bundle, hardhatReader());

      expect(verdict.verdict).to.equal("INCOMPLETE");
      expect(
        notPassed(verdict)
          .filter((step) => step.recordId === 60)
          .map((step) => step.reason),
      ).to.include.members(["memberChain.notAnchored", "inclusion.afterCheckpoint"]);
    });

    it("should fail a file that hides a supersession its own bodies state", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = await correctedMemberBundle(scenario);

      const failure = onlyFailure(await verifyBundle(bundle, hardhatReader()));

      expect(failure).to.include({ check: "status", reason: "status.supersessionHidden", recordId: bundle.records[3].id });
      expect(failure.message).to.include(bundle.records[0].recordHash);
    });

    it("should fail a superseded mark no record of the file backs", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = memberBundle(scenario);
      bundle.records[0].supersededBy = bundle.records[1].recordHash;

      const failure = onlyFailure(await verifyBundle(bundle, hardhatReader()));

      expect(failure).to.include({ check: "status", reason: "status.inconsistent", recordId: bundle.records[0].id });
    });

    it("should fail a false head, and a head claimed at a block not yet mined", async function () {
      const scenario = await loadFixture(anchoredMember);
      const falseHead = memberBundle(scenario);
      falseHead.head = { ...falseHead.head, recordHash: scenario.records[1].recordHash, recordCount: 2 };
      const future = memberBundle(scenario);
      future.head.blockNumber = scenario.headBlock + 1_000;

      const falseFailure = onlyFailure(await verifyBundle(falseHead, hardhatReader()));
      const futureFailure = onlyFailure(await verifyBundle(future, hardhatReader()));

      expect(falseFailure).to.include({ check: "memberChain", reason: "memberChain.headClaimFalse" });
      expect(falseFailure.message).to.include(scenario.records[2].recordHash).and.include("3 ending in");
      expect(futureFailure).to.include({ check: "memberChain", reason: "memberChain.headFromFuture" });
    });

    it("should fail a withheld record whose sequence or previous hash is not the ledger's", async function () {
      const scenario = await loadFixture(anchoredMember);
      const wrongSequence = recordBundle(scenario);
      wrongSequence.record.body = null;
      wrongSequence.memberChain.sequence = 3;
      const wrongPrevious = recordBundle(scenario);
      wrongPrevious.record.body = null;
      wrongPrevious.memberChain.prevHash = newSalt();

      const sequenceFailure = onlyFailure(await verifyBundle(wrongSequence, hardhatReader()));
      const previousFailure = onlyFailure(await verifyBundle(wrongPrevious, hardhatReader()));

      expect(sequenceFailure).to.include({ check: "memberChain", reason: "memberChain.notOnLedger" });
      expect(sequenceFailure.message).to.include(scenario.records[2].recordHash);
      expect(previousFailure).to.include({ check: "memberChain", reason: "memberChain.brokenLink" });
      expect(previousFailure.message).to.include(scenario.records[0].recordHash);
    });

    it("should find a file VALID as soon as it is final, though the reader last read the chain before it was anchored", async function () {
      const scenario = await loadFixture(anchoredMember);
      const reader = cachedChainReader(hardhatReader(), { maxEntries: 100, liveForMs: 600_000 });
      expect((await verifyBundle(memberBundle(scenario), reader)).verdict).to.equal("VALID");
      const newcomer = randomKey() as Hex32;
      const { membership, checkpoints, signers, ids } = scenario.consortium;
      const records = await anchorRecords(membership, signers.attesterA, scenario.leaves, {
        memberKey: newcomer,
        orgId: ids.branchA,
        effectiveDates: ["2020-05-10"],
      });
      const checkpoint = await recordCheckpoint(checkpoints, signers.attesterA, ids.committeeA, scenario.leaves);
      const bundle = memberProofOf(
        scenario.chain,
        records,
        new MerkleLog(scenario.leaves),
        checkpoint,
        await ethers.provider.getBlockNumber(),
      );

      const verdict = await verifyBundle(bundle, reader);

      expect(verdict.verdict, JSON.stringify(notPassed(verdict))).to.equal("VALID");
    });

    it("should refuse a bundle naming other contracts than the ones the verifier is pinned to", async function () {
      const scenario = await loadFixture(anchoredMember);
      const pinned = { ...scenario.chain, checkpointLog: scenario.consortium.signers.outsider.address };

      const failure = onlyFailure(await verifyBundle(memberBundle(scenario), hardhatReader(), { chain: pinned }));

      expect(failure).to.include({ check: "format", reason: "format.otherContracts" });
      expect(failure.message).to.include(scenario.chain.checkpointLog).and.include(pinned.checkpointLog);
    });
  });

  describe("format", function () {
    it("should refuse a bundle for another chain", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = recordBundle(scenario);
      bundle.chain.chainId = 1;

      const verdict = await verifyBundle(bundle, hardhatReader());

      expect(verdict.steps).to.have.length(1);
      expect(onlyFailure(verdict)).to.include({ check: "format", reason: "format.chainIdMismatch" });
      expect(verdict.steps[0].message).to.include("chain 1").and.include(`chain ${scenario.chain.chainId}`);
    });

    it("should refuse a registry address that is not the ledgers' registry", async function () {
      const scenario = await loadFixture(anchoredMember);
      const { governance, outsider } = scenario.consortium.signers;
      const otherRegistry = await ethers.deployContract("OrgRegistry", [governance.address, "另一联盟"]);
      const foreign = recordBundle(scenario);
      foreign.chain.registry = await otherRegistry.getAddress();
      const noContract = memberBundle(scenario);
      noContract.chain.registry = outsider.address;

      const foreignFailure = onlyFailure(await verifyBundle(foreign, hardhatReader()));
      const noContractFailure = onlyFailure(await verifyBundle(noContract, hardhatReader()));

      expect(foreignFailure).to.include({ check: "format", reason: "format.registryMismatch" });
      expect(foreignFailure.message).to.include(foreign.chain.registry).and.include(scenario.chain.registry);
      expect(noContractFailure).to.include({ check: "format", reason: "format.registryNotFound" });
    });

    it("should refuse a malformed bundle, naming where it is wrong", async function () {
      const scenario = await loadFixture(anchoredMember);
      const bundle = recordBundle(scenario);
      bundle.record.recordHash = bundle.record.recordHash.toUpperCase() as Hex32;

      const failure = onlyFailure(await verifyBundle(bundle, hardhatReader()));

      expect(failure).to.include({ check: "format", reason: "format.invalid" });
      expect(failure.message).to.include("record.recordHash");
    });
  });
});

/** A reader that answers from fixed facts and counts the calls made to it. */
function countingReader(latestBlock: number) {
  const calls: string[] = [];
  const receipt = { status: 1, blockNumber: 5, from: ethers.ZeroAddress, logs: [] };
  const reader: ChainReader = {
    chainId: async () => (calls.push("chainId"), 31337),
    receipt: async (hash) => (calls.push(`receipt ${hash}`), hash === "0xmissing" ? null : receipt),
    latestBlock: async () => (calls.push("latestBlock"), latestBlock),
    hasRoleAt: async (_registry, orgId, _account, _role, blockNumber) => (calls.push(`role ${orgId}@${blockNumber}`), true),
    organization: async (_registry, orgId) => (calls.push(`organization ${orgId}`), { parentId: 1, committeeId: orgId }),
    member: async () => (calls.push("member"), { orgId: 4, stage: 1, recordCount: 1, head: ethers.ZeroHash }),
    memberHistory: async (_ledger, _key, toBlock) => (calls.push(`history@${toBlock}`), []),
    blockTimestamp: async (blockNumber) => (calls.push(`timestamp@${blockNumber}`), blockNumber * 12),
    registryOf: async () => (calls.push("registryOf"), ethers.ZeroAddress),
  };
  return { reader, calls };
}

describe("cachedChainReader", function () {
  const registry = ethers.ZeroAddress;

  it("should read a mined receipt once, and a transaction not found every time", async function () {
    const { reader, calls } = countingReader(10);
    const cached = cachedChainReader(reader, { maxEntries: 10 });

    await cached.receipt("0xmined");
    await cached.receipt("0xmined");
    await cached.receipt("0xmissing");
    await cached.receipt("0xmissing");

    expect(calls).to.deep.equal(["receipt 0xmined", "receipt 0xmissing", "receipt 0xmissing"]);
  });

  it("should keep roles at mined blocks, and read members, the latest block and roles at later blocks every time", async function () {
    const { reader, calls } = countingReader(10);
    const cached = cachedChainReader(reader, { maxEntries: 10 });

    for (let round = 0; round < 2; round += 1) {
      await cached.hasRoleAt(registry, 2, ethers.ZeroAddress, "ATTESTER", 9);
      await cached.hasRoleAt(registry, 2, ethers.ZeroAddress, "ATTESTER", 11);
      await cached.member(registry, ethers.ZeroHash);
      await cached.latestBlock();
    }

    expect(calls.filter((call) => call === "role 2@9")).to.have.length(1);
    expect(calls.filter((call) => call === "role 2@11")).to.have.length(2);
    expect(calls.filter((call) => call === "member")).to.have.length(2);
  });

  it("should forget the least recently used fact beyond maxEntries", async function () {
    const { reader, calls } = countingReader(10);
    const cached = cachedChainReader(reader, { maxEntries: 2 });

    await cached.organization(registry, 2);
    await cached.organization(registry, 3);
    await cached.organization(registry, 2);
    await cached.organization(registry, 4);
    await cached.organization(registry, 2);
    await cached.organization(registry, 3);

    expect(calls).to.deep.equal(["organization 2", "organization 3", "organization 4", "organization 3"]);
  });

  it("should reuse live answers within liveForMs, share them between concurrent callers, and read again after", async function () {
    const { reader, calls } = countingReader(10);
    const cached = cachedChainReader(reader, { maxEntries: 10, liveForMs: 200 });

    await Promise.all([cached.member(registry, ethers.ZeroHash), cached.member(registry, ethers.ZeroHash)]);
    await cached.member(registry, ethers.ZeroHash);
    expect(calls.filter((call) => call === "member")).to.have.length(1);

    await new Promise((resolve) => setTimeout(resolve, 250));
    await cached.member(registry, ethers.ZeroHash);
    expect(calls.filter((call) => call === "member")).to.have.length(2);
  });
});
