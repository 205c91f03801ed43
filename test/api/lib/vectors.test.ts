// The test vectors docs/formats.md quotes, checked against the code and against independent implementations
// (ethers' keccak256, node:crypto's AES-GCM, HMAC and SHA-256), so neither the document nor the code can drift.
import { expect } from "chai";
import { createDecipheriv, createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ethers } from "ethers";
import { canonicalize } from "../../../api/src/lib/canonical-json";
import { addMonths, ageOn, dayNumber, todayInChina } from "../../../api/src/lib/calendar";
import { blindIndex, createFieldCipher, normalizeForIndex } from "../../../api/src/lib/field-encryption";
import { recordHash, type Hex32, type RecordBody } from "../../../api/src/lib/record-hash";
import { loadRuleSet, type ChainAction } from "../../../api/src/domain/rules";
import { chainReasonCode, recordChainCall } from "../../../api/src/domain/chain-writes";
import { hashStep, inclusionStep } from "../../../api/src/domain/verification/record-checks";
import { hashChildren, MerkleLog, recordLeaf, verifyConsistency, verifyInclusion } from "../../../api/src/lib/merkle";
import { recordProofSchema } from "../../../api/src/lib/proof-bundle";
import { CheckpointLog__factory } from "../../../typechain-types/factories/contracts/CheckpointLog__factory";
import { MembershipLedger__factory } from "../../../typechain-types/factories/contracts/MembershipLedger__factory";
import recordVectors from "../../helpers/vectors/record-hash.json";
import fieldVectors from "../../helpers/vectors/field-encryption.json";
import calendarVectors from "../../helpers/vectors/calendar.json";
import logVectors from "../../helpers/vectors/merkle-proof.json";

const doc = readFileSync(path.resolve(__dirname, "../../../docs/formats.md"), "utf8");

describe("docs/formats.md test vectors", function () {
  it("should be the vectors the document quotes", function () {
    const quoted = [
      ...recordVectors.canonicalJson.map((vector) => vector.canonical),
      recordVectors.records[0].canonical,
      ...recordVectors.records.map((vector) => vector.hash),
      recordVectors.ruleSets["2014"],
      ...fieldVectors.encryption.values.map((vector) => vector.sealed),
      ...fieldVectors.blindIndex.values.map((vector) => vector.index),
    ];
    for (const value of quoted) expect(doc, value).to.contain(value);
  });

  it("should be the log vectors the document quotes, the example bundle in full", function () {
    const { records, nodes, roots, inclusion, consistency, anchoringCalls, reasonCodes, events } = logVectors;
    const quoted = [
      logVectors.emptyRoot,
      ...records.flatMap((record) => [record.recordHash, record.leafHash]),
      ...nodes.map((node) => `| ${node.name} | node(${node.left}, ${node.right}) | \`${node.hash}\` |`),
      ...roots.map(({ root }) => root),
      ...inclusion.proof,
      ...consistency.proof,
      ...anchoringCalls.map(({ method, args }) => `${method}(${args.map(nameInDocument).join(", ")})`),
      ...reasonCodes.map(({ code, chainCode }) => `\`${code}\` → \`0x${chainCode.toString(16).padStart(4, "0")}\` = ${chainCode}`),
      ...events.map(({ topic0 }) => topic0),
      JSON.stringify(logVectors.recordProof, null, 2),
    ];
    for (const value of quoted) expect(doc, value).to.contain(value);
  });

  describe("canonical JSON and record hash", function () {
    for (const vector of recordVectors.canonicalJson) {
      it(`should canonicalize: ${vector.source}`, function () {
        expect(canonicalize(JSON.parse(vector.input))).to.equal(vector.canonical);
      });
    }

    recordVectors.records.forEach((vector, index) => {
      it(`should reproduce record ${index + 1} (${vector.body.step}): canonical string and hash`, function () {
        expect(canonicalize(vector.body)).to.equal(vector.canonical);
        expect(recordHash(vector.body as unknown as RecordBody)).to.equal(vector.hash);
        expect(ethers.keccak256(ethers.toUtf8Bytes(vector.canonical))).to.equal(vector.hash);
      });
    });

    it("should chain each record to the previous one's hash", function () {
      const [first, second, correction] = recordVectors.records;
      expect(second.body.prevHash).to.equal(first.hash);
      expect(correction.body.prevHash).to.equal(second.hash);
      expect(correction.body.supersedes).to.deep.equal({ recordHash: second.hash, reasonCode: "CORRECTION_TYPO" });
    });

    it("should hash rules/2014 to the value the document quotes", function () {
      expect(loadRuleSet("2014").hash).to.equal(recordVectors.ruleSets["2014"]);
    });
  });

  describe("field encryption", function () {
    const { key, nonce, values } = fieldVectors.encryption;

    for (const vector of values) {
      it(`should open the sealed ${JSON.stringify(vector.plain)}${vector.context ? ` in context ${vector.context}` : ""}`, function () {
        expect(createFieldCipher(key).decrypt(vector.sealed, vector.context ?? undefined)).to.equal(vector.plain);
        const bytes = Buffer.from(vector.sealed.slice("v1:".length), "base64");
        expect(bytes.subarray(0, 12).toString("hex")).to.equal(nonce);
        const decipher = createDecipheriv("aes-256-gcm", Buffer.from(key, "hex"), bytes.subarray(0, 12));
        if (vector.context) decipher.setAAD(Buffer.from(vector.context, "utf8"));
        decipher.setAuthTag(bytes.subarray(bytes.length - 16));
        const plain = Buffer.concat([decipher.update(bytes.subarray(12, bytes.length - 16)), decipher.final()]);
        expect(plain.toString("utf8")).to.equal(vector.plain);
      });
    }

    for (const vector of fieldVectors.blindIndex.values) {
      it(`should index ${JSON.stringify(vector.value)} as HMAC-SHA256 of ${vector.normalized}`, function () {
        expect(normalizeForIndex(vector.value)).to.equal(vector.normalized);
        expect(blindIndex(fieldVectors.blindIndex.key, vector.value)).to.equal(vector.index);
        const hmac = createHmac("sha256", Buffer.from(fieldVectors.blindIndex.key, "hex")).update(vector.normalized, "utf8");
        expect(hmac.digest("hex")).to.equal(vector.index);
      });
    }
  });

  describe("calendar", function () {
    it("should reproduce the day numbers", function () {
      for (const { date, day } of calendarVectors.dayNumbers) expect(dayNumber(date), date).to.equal(day);
    });

    it("should reproduce the month additions", function () {
      for (const { date, months, result } of calendarVectors.addMonths)
        expect(addMonths(date, months), `${date}+${months}`).to.equal(result);
    });

    it("should reproduce the ages", function () {
      for (const { birthDate, on, age } of calendarVectors.ageOn) expect(ageOn(birthDate, on), `${birthDate}@${on}`).to.equal(age);
    });

    it("should reproduce today in China Standard Time", function () {
      for (const { instant, today } of calendarVectors.todayInChina) expect(todayInChina(new Date(instant)), instant).to.equal(today);
    });
  });

  describe("log and proofs", function () {
    const { records, nodes, roots, inclusion, consistency, recordProof } = logVectors;
    const leafHashes = records.map((record) => record.leafHash);
    const named = new Map<string, string>([
      ...records.map((record) => [`leaf${record.leafIndex}`, record.leafHash] as const),
      ...nodes.map((node) => [node.name, node.hash] as const),
    ]);
    const hashNamed = (name: string) => named.get(name) ?? expect.fail(`no hash named ${name}`);

    describe("with the service's code", function () {
      const log = new MerkleLog(records.map((record) => recordLeaf(hex32(record.recordHash))));

      it("should reproduce the leaves, the nodes and the root of every size", function () {
        expect(records.map((record) => ethers.hexlify(recordLeaf(hex32(record.recordHash))))).to.deep.equal(leafHashes);
        for (const node of nodes) {
          const computed = hashChildren(ethers.getBytes(hashNamed(node.left)), ethers.getBytes(hashNamed(node.right)));
          expect(ethers.hexlify(computed), node.name).to.equal(node.hash);
        }
        for (const { treeSize, root } of roots) expect(log.root(treeSize), `size ${treeSize}`).to.equal(root);
        expect(log.root(0)).to.equal(logVectors.emptyRoot);
      });

      it("should reproduce and accept the inclusion proof of leaf 2 in the tree of 5", function () {
        const { leafIndex, treeSize } = inclusion;
        expect(log.inclusionProof(leafIndex, treeSize)).to.deep.equal(inclusion.proof);
        const claim = {
          leafIndex,
          treeSize,
          leafHash: ethers.getBytes(inclusion.leafHash),
          proof: inclusion.proof.map(hex32),
          root: hex32(inclusion.root),
        };
        expect(verifyInclusion(claim)).to.equal(true);
        expect(verifyInclusion({ ...claim, leafIndex: 3 })).to.equal(false);
      });

      it("should reproduce and accept the consistency proof from 3 to 5, and the empty proofs of the conventions", function () {
        const { oldSize, newSize } = consistency;
        const [oldRoot, newRoot, emptyRoot] = [consistency.oldRoot, consistency.newRoot, logVectors.emptyRoot].map(hex32);
        const proof = consistency.proof.map(hex32);
        expect(log.consistencyProof(oldSize, newSize)).to.deep.equal(proof);
        expect(verifyConsistency({ oldSize, newSize, oldRoot, newRoot, proof })).to.equal(true);
        expect(verifyConsistency({ oldSize, newSize, oldRoot: newRoot, newRoot, proof })).to.equal(false);
        expect(log.consistencyProof(0, 5)).to.deep.equal([]);
        expect(log.consistencyProof(5, 5)).to.deep.equal([]);
        expect(verifyConsistency({ oldSize: 0, newSize, oldRoot: emptyRoot, newRoot, proof: [] })).to.equal(true);
      });

      it("should parse the example record proof as it stands and pass its hash and inclusion checks", function () {
        const bundle = recordProofSchema.parse(recordProof);
        expect(bundle).to.deep.equal(recordProof);
        const claim = { ...bundle.record, ...bundle.memberChain, inclusion: bundle.inclusion };
        expect(hashStep(claim, undefined)).to.include({ status: "passed", reason: "hash.matches" });
        expect(inclusionStep(claim, bundle.checkpoint)).to.include({ status: "passed", reason: "inclusion.proven" });
        expect(bundle.checkpoint.root).to.equal(roots[5].root);
      });

      it("should reproduce the anchoring calls, the chain reason codes and the event topics", function () {
        for (const { recordId, correctionDay, chainAction, method, args } of logVectors.anchoringCalls) {
          const { body, hash } = recordVectors.records[recordId - 1];
          const evaluation = correctionDay ? { correctionDay } : { chainAction: chainAction as ChainAction, dates: {} };
          const call = recordChainCall(body as unknown as RecordBody, hash, evaluation);
          expect(call, `record ${recordId}`).to.deep.equal({ contract: "membership", method, args });
        }
        for (const { code, chainCode } of logVectors.reasonCodes) {
          expect(chainReasonCode(code), code).to.equal(chainCode);
          expect(Number.parseInt(ethers.keccak256(ethers.toUtf8Bytes(code)).slice(2, 6), 16), code).to.equal(chainCode);
        }
        const [checkpointRecorded, recordAppended] = logVectors.events;
        expect(CheckpointLog__factory.createInterface().getEvent("CheckpointRecorded").topicHash).to.equal(checkpointRecorded.topic0);
        expect(MembershipLedger__factory.createInterface().getEvent("RecordAppended").topicHash).to.equal(recordAppended.topic0);
        for (const { signature, topic0 } of logVectors.events) expect(ethers.id(signature), signature).to.equal(topic0);
      });
    });

    describe("with node:crypto's SHA-256 alone", function () {
      // Hashes a step's named pair: the pair must hold the hash carried up so far, the result must be the one named.
      const climb = (carried: string, { left, right, result }: { left: string; right: string; result: string }) => {
        expect([hashNamed(left), hashNamed(right)], result).to.include(carried);
        const hash = hexOf(nodeHash(hashNamed(left), hashNamed(right)));
        expect(hash, result).to.equal(hashNamed(result));
        return hash;
      };

      it("should reproduce the record hashes, the empty root, the leaves, every node and the root of every size", function () {
        for (const { id, text, recordHash: hash } of records) {
          expect(hash, `record ${id}`).to.equal(text ? ethers.id(text) : recordVectors.records[id - 1].hash);
        }
        expect(hexOf(sha256())).to.equal(logVectors.emptyRoot);
        const leaves = records.map((record) => sha256(Buffer.of(0x00), bytesOf(record.recordHash)));
        expect(leaves.map(hexOf)).to.deep.equal(leafHashes);
        for (const node of nodes) expect(hexOf(nodeHash(hashNamed(node.left), hashNamed(node.right))), node.name).to.equal(node.hash);
        for (const { treeSize, root } of roots) expect(hexOf(treeHash(leaves.slice(0, treeSize))), `size ${treeSize}`).to.equal(root);
      });

      it("should walk the inclusion proof step by step to the root of 5", function () {
        let carried = inclusion.leafHash;
        inclusion.steps.forEach((step, index) => {
          expect(hashNamed(step.sibling), `step ${index + 1}`).to.equal(inclusion.proof[index]);
          carried = climb(carried, step);
        });
        expect(carried).to.equal(inclusion.root);
      });

      it("should walk the consistency proof step by step to the roots of 3 and 5", function () {
        expect(consistency.proofNames.map(hashNamed)).to.deep.equal(consistency.proof);
        let [oldSide, newSide] = [consistency.proof[0], consistency.proof[0]];
        for (const step of consistency.steps) {
          if (step.old) oldSide = climb(oldSide, step.old);
          newSide = climb(newSide, step.new);
        }
        expect([oldSide, newSide]).to.deep.equal([consistency.oldRoot, consistency.newRoot]);
      });
    });
  });
});

const recordHashNames = new Map(recordVectors.records.map((record, index) => [record.hash, `hash${index + 1}`]));

/** How the document writes a call's argument: the member key and record hashes by name, numbers as they are. */
function nameInDocument(arg: string | number): string {
  if (arg === recordVectors.records[0].body.memberKey) return "memberKey";
  return recordHashNames.get(String(arg)) ?? String(arg);
}

function sha256(...parts: Buffer[]): Buffer {
  return createHash("sha256").update(Buffer.concat(parts)).digest();
}

const bytesOf = (hex: string): Buffer => Buffer.from(hex.slice(2), "hex");
const hexOf = (bytes: Buffer): string => `0x${bytes.toString("hex")}`;
const nodeHash = (left: string, right: string): Buffer => sha256(Buffer.of(0x01), bytesOf(left), bytesOf(right));

/** The JSON file's hashes as the type the service's functions take (a declaration: describe blocks use it on loading). */
function hex32(value: string): Hex32 {
  return value as Hex32;
}

/** RFC 9162 MTH written straight from its definition, as a reader of the document would. */
function treeHash(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha256();
  if (leaves.length === 1) return leaves[0];
  let split = 1;
  while (split * 2 < leaves.length) split *= 2;
  return sha256(Buffer.of(0x01), treeHash(leaves.slice(0, split)), treeHash(leaves.slice(split)));
}
