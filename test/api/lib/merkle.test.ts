import { expect } from "chai";
import fc from "fast-check";
import { createHash } from "node:crypto";
import {
  MerkleLog,
  hashChildren,
  hashLeaf,
  recordLeaf,
  rootOf,
  verifyConsistency,
  verifyInclusion,
  type ConsistencyClaim,
  type InclusionClaim,
} from "../../../api/src/lib/merkle";
import type { Hex32 } from "../../../api/src/lib/record-hash";

const toHex = (bytes: Uint8Array): Hex32 => `0x${Buffer.from(bytes).toString("hex")}`;
const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));
const sha256 = (...parts: Uint8Array[]): Uint8Array => createHash("sha256").update(Buffer.concat(parts)).digest();
const EMPTY_ROOT: Hex32 = "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// The RFC 6962 reference tree of Certificate Transparency, as published in transparency-dev/merkle
// proof/verify_test.go and rfc6962/rfc6962_test.go (leaf numbers there are 1-based, indexes here 0-based).
const REFERENCE_LEAVES = [...["", "00", "10", "2021", "3031", "40414243"], ...["5051525354555657", "606162636465666768696a6b6c6d6e6f"]];
const REFERENCE_ROOTS: Hex32[] = [
  "0x6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
  "0xfac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
  "0xaeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
  "0xd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
  "0x4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
  "0x76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
  "0xddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
  "0x5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
// The reference proofs' elements, named by the leaf range [from, to) whose subtree they are.
const NODES: Record<string, Hex32> = {
  "0-1": REFERENCE_ROOTS[0],
  "1-2": "0x96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
  "4-5": "0xbc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
  "6-7": "0xb08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
  "0-2": REFERENCE_ROOTS[1],
  "2-4": "0x5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
  "4-6": "0x0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
  "6-8": "0xca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
  "0-4": REFERENCE_ROOTS[3],
  "4-8": "0x6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
};
const REFERENCE_INCLUSION = [
  { leafIndex: 0, treeSize: 1, proof: [] },
  { leafIndex: 0, treeSize: 8, proof: ["1-2", "2-4", "4-8"] },
  { leafIndex: 5, treeSize: 8, proof: ["4-5", "6-8", "0-4"] },
  { leafIndex: 2, treeSize: 3, proof: ["0-2"] },
  { leafIndex: 1, treeSize: 5, proof: ["0-1", "2-4", "4-5"] },
];
const REFERENCE_CONSISTENCY = [
  { oldSize: 1, newSize: 1, proof: [] },
  { oldSize: 1, newSize: 8, proof: ["1-2", "2-4", "4-8"] },
  { oldSize: 6, newSize: 8, proof: ["4-6", "6-8", "0-4"] },
  { oldSize: 2, newSize: 5, proof: ["2-4", "4-5"] },
  { oldSize: 6, newSize: 7, proof: ["4-6", "6-7", "0-4"] },
];

/** MTH(D[n]) straight from the RFC's recursive definition, hashed with node:crypto: independent of the code. */
function definitionRoot(leafHashes: Uint8Array[]): Hex32 {
  const mth = (leaves: Uint8Array[]): Uint8Array => {
    if (leaves.length === 1) return leaves[0];
    let split = 1;
    while (split * 2 < leaves.length) split *= 2;
    return sha256(Uint8Array.of(1), mth(leaves.slice(0, split)), mth(leaves.slice(split)));
  };
  return toHex(leafHashes.length === 0 ? sha256() : mth(leafHashes));
}

function flipByte(hash: Hex32, position: number, mask: number): Hex32 {
  const flipped = fromHex(hash);
  flipped[position] ^= mask;
  return toHex(flipped);
}

describe("Merkle log", function () {
  const referenceLeafHashes = REFERENCE_LEAVES.map((leaf) => hashLeaf(fromHex(leaf)));
  const referenceLog = new MerkleLog(referenceLeafHashes);

  describe("hashing", function () {
    it("should hash leaves and nodes as RFC 6962 does, with the domain-separating prefixes", function () {
      expect(toHex(hashLeaf(new Uint8Array(0)))).to.equal(REFERENCE_ROOTS[0]);
      expect(toHex(hashLeaf(Buffer.from("L123456")))).to.equal("0x395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56");
      expect(toHex(hashChildren(Buffer.from("N123"), Buffer.from("N456")))).to.equal(
        "0xaa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb",
      );
    });

    it("should make a record's leaf from the 32 raw bytes of its hash, and refuse anything else", function () {
      const recordHash: Hex32 = `0x${"ab".repeat(32)}`;
      expect(toHex(recordLeaf(recordHash))).to.equal(toHex(sha256(Uint8Array.of(0), fromHex(recordHash))));
      expect(() => recordLeaf(`0x${"ab".repeat(31)}`)).to.throw(TypeError);
      expect(() => recordLeaf("ab".repeat(32) as Hex32)).to.throw(TypeError);
    });
  });

  describe("Certificate Transparency reference vectors", function () {
    it("should give the reference root for every size from 0 to 8", function () {
      const roots = Array.from({ length: 9 }, (_, size) => referenceLog.root(size));
      expect(roots).to.deep.equal([EMPTY_ROOT, ...REFERENCE_ROOTS]);
      expect(rootOf(referenceLeafHashes)).to.equal(REFERENCE_ROOTS[7]);
    });

    for (const { leafIndex, treeSize, proof: names } of REFERENCE_INCLUSION) {
      it(`should produce and accept the reference proof of leaf ${leafIndex} in size ${treeSize}`, function () {
        const proof = names.map((name) => NODES[name]);
        expect(referenceLog.inclusionProof(leafIndex, treeSize)).to.deep.equal(proof);
        const claim = { leafHash: referenceLeafHashes[leafIndex], leafIndex, treeSize, proof };
        expect(verifyInclusion({ ...claim, root: REFERENCE_ROOTS[treeSize - 1] })).to.equal(true);
      });
    }

    for (const { oldSize, newSize, proof: names } of REFERENCE_CONSISTENCY) {
      it(`should produce and accept the reference consistency proof from size ${oldSize} to ${newSize}`, function () {
        const proof = names.map((name) => NODES[name]);
        expect(referenceLog.consistencyProof(oldSize, newSize)).to.deep.equal(proof);
        const [oldRoot, newRoot] = [REFERENCE_ROOTS[oldSize - 1], REFERENCE_ROOTS[newSize - 1]];
        expect(verifyConsistency({ oldSize, newSize, oldRoot, newRoot, proof })).to.equal(true);
      });
    }
  });

  describe("any tree up to 300 leaves", function () {
    // Failures are collected and asserted once: tens of thousands of chai assertions would dominate the run time.
    const MAX_SIZE = 300;
    const leafHashes = Array.from({ length: MAX_SIZE }, (_, index) => hashLeaf(Buffer.from(`record ${index}`)));
    const log = new MerkleLog(leafHashes);
    const roots = Array.from({ length: MAX_SIZE + 1 }, (_, size) => definitionRoot(leafHashes.slice(0, size)));
    const byteFlip = fc.record({ position: fc.integer({ min: 0, max: 31 }), mask: fc.integer({ min: 1, max: 255 }) });
    /** One tampered copy of the claim per proof element, that element with one byte flipped. */
    const flipEach = <Claim extends { proof: readonly Hex32[] }>(claim: Claim, position: number, mask: number) =>
      Object.fromEntries(
        claim.proof.map((_, at) => {
          const proof = claim.proof.map((node, i) => (i === at ? flipByte(node, position, mask) : node));
          return [`flipped proof[${at}]`, { ...claim, proof }];
        }),
      );

    it("should have, for every prefix, the root the RFC's definition gives", function () {
      expect(roots.flatMap((root, size) => (log.root(size) === root ? [] : [size]))).to.deep.equal([]);
    });

    it("should prove every leaf in every prefix", function () {
      const rejected: string[] = [];
      for (let treeSize = 1; treeSize <= MAX_SIZE; treeSize += 1) {
        for (let leafIndex = 0; leafIndex < treeSize; leafIndex += 1) {
          const proof = log.inclusionProof(leafIndex, treeSize);
          const claim = { leafHash: leafHashes[leafIndex], leafIndex, treeSize, proof, root: roots[treeSize] };
          if (!verifyInclusion(claim)) rejected.push(`leaf ${leafIndex} of ${treeSize}`);
        }
      }
      expect(rejected).to.deep.equal([]);
    });

    it("should prove every prefix consistent with every longer prefix", function () {
      const rejected: string[] = [];
      for (let newSize = 0; newSize <= MAX_SIZE; newSize += 1) {
        for (let oldSize = 0; oldSize <= newSize; oldSize += 1) {
          const proof = log.consistencyProof(oldSize, newSize);
          const claim = { oldSize, newSize, oldRoot: roots[oldSize], newRoot: roots[newSize], proof };
          if (!verifyConsistency(claim)) rejected.push(`${oldSize} to ${newSize}`);
        }
      }
      expect(rejected).to.deep.equal([]);
    });

    it("should reject an inclusion proof once leaf, root, a proof element, index or size is wrong", function () {
      const sizeAndIndex = fc
        .integer({ min: 1, max: MAX_SIZE })
        .chain((treeSize) => fc.tuple(fc.constant(treeSize), fc.integer({ min: 0, max: treeSize - 1 })));
      fc.assert(
        fc.property(sizeAndIndex, byteFlip, ([treeSize, leafIndex], { position, mask }) => {
          const proof = log.inclusionProof(leafIndex, treeSize);
          const claim = { leafHash: leafHashes[leafIndex], leafIndex, treeSize, proof, root: roots[treeSize] };
          const tampered: Record<string, InclusionClaim> = {
            "flipped leaf": { ...claim, leafHash: fromHex(flipByte(toHex(claim.leafHash), position, mask)) },
            "flipped root": { ...claim, root: flipByte(claim.root, position, mask) },
            ...flipEach(claim, position, mask),
            "index - 1": { ...claim, leafIndex: leafIndex - 1 },
            "index + 1": { ...claim, leafIndex: leafIndex + 1 },
            // A path fixes the tree's shape along it, not the size (leaf 0 of 5 and of 6 have alike paths): the
            // root binds the size. Sizes that change the path's length must fail.
            "size * 2": { ...claim, treeSize: treeSize * 2 },
            "size / 2": { ...claim, treeSize: Math.floor(treeSize / 2) },
            "extra element": { ...claim, proof: [...proof, claim.root] },
            ...(proof.length > 0 ? { "missing element": { ...claim, proof: proof.slice(0, -1) } } : {}),
          };
          expect(Object.keys(tampered).filter((what) => verifyInclusion(tampered[what]))).to.deep.equal([]);
        }),
        { numRuns: 300 },
      );
    });

    it("should reject a consistency proof once either root, a proof element or a size is wrong", function () {
      const oldAndNewSize = fc
        .integer({ min: 2, max: MAX_SIZE })
        .chain((newSize) => fc.tuple(fc.integer({ min: 1, max: newSize - 1 }), fc.constant(newSize)));
      fc.assert(
        fc.property(oldAndNewSize, byteFlip, ([oldSize, newSize], { position, mask }) => {
          const proof = log.consistencyProof(oldSize, newSize);
          const claim = { oldSize, newSize, oldRoot: roots[oldSize], newRoot: roots[newSize], proof };
          const tampered: Record<string, ConsistencyClaim> = {
            "flipped old root": { ...claim, oldRoot: flipByte(claim.oldRoot, position, mask) },
            "flipped new root": { ...claim, newRoot: flipByte(claim.newRoot, position, mask) },
            "swapped roots": { ...claim, oldRoot: claim.newRoot, newRoot: claim.oldRoot },
            ...flipEach(claim, position, mask),
            "old size - 1": { ...claim, oldSize: oldSize - 1 },
            "old size + 1": { ...claim, oldSize: oldSize + 1 },
            "new size * 2": { ...claim, newSize: newSize * 2 },
            "new size / 2": { ...claim, newSize: Math.floor(newSize / 2) },
            "missing element": { ...claim, proof: proof.slice(0, -1) },
            "extra element": { ...claim, proof: [...proof, claim.newRoot] },
            "preceding element": { ...claim, proof: [claim.oldRoot, ...proof] },
          };
          expect(Object.keys(tampered).filter((what) => verifyConsistency(tampered[what]))).to.deep.equal([]);
        }),
        { numRuns: 300 },
      );
    });
  });

  describe("edge cases", function () {
    const [root5, root6, root8] = [REFERENCE_ROOTS[4], REFERENCE_ROOTS[5], REFERENCE_ROOTS[7]];

    it('should give the empty tree the root H("")', function () {
      expect(new MerkleLog().root()).to.equal(EMPTY_ROOT);
      expect(rootOf([])).to.equal(EMPTY_ROOT);
    });

    it("should make a one-leaf tree's root its leaf hash, proven by an empty path", function () {
      const leafHash = recordLeaf(`0x${"01".repeat(32)}`);
      const log = new MerkleLog([leafHash]);
      expect(log.root()).to.equal(toHex(leafHash));
      expect(log.inclusionProof(0, 1)).to.deep.equal([]);
      expect(verifyInclusion({ leafHash, leafIndex: 0, treeSize: 1, proof: [], root: log.root() })).to.equal(true);
    });

    it("should accept a tree as consistent with itself only with an empty proof and the same root", function () {
      expect(referenceLog.consistencyProof(5, 5)).to.deep.equal([]);
      const sameSize = { oldSize: 5, newSize: 5, oldRoot: root5, newRoot: root5, proof: [] };
      expect(verifyConsistency(sameSize)).to.equal(true);
      expect(verifyConsistency({ ...sameSize, newRoot: root6 })).to.equal(false);
      expect(verifyConsistency({ ...sameSize, proof: [root5] })).to.equal(false);
    });

    // RFC 9162 defines consistency proofs for 0 < oldSize only. The empty tree is a prefix of every tree, so the
    // proof from size 0 is empty; what can still be checked is that the claimed old root is the empty tree's.
    it('should prove any tree consistent with the empty tree by an empty proof, if the old root is H("")', function () {
      expect(referenceLog.consistencyProof(0, 8)).to.deep.equal([]);
      const fromEmpty = { oldSize: 0, newSize: 8, oldRoot: EMPTY_ROOT, newRoot: root8, proof: [] };
      expect(verifyConsistency(fromEmpty)).to.equal(true);
      expect(verifyConsistency({ ...fromEmpty, oldRoot: root8 })).to.equal(false);
      expect(verifyConsistency({ ...fromEmpty, proof: [root8] })).to.equal(false);
      expect(verifyConsistency({ ...fromEmpty, newSize: 0, newRoot: EMPTY_ROOT })).to.equal(true);
      expect(verifyConsistency({ ...fromEmpty, newSize: 0 })).to.equal(false);
    });

    const outOfRange: [string, () => unknown][] = [
      ["the root of a size beyond the log", () => referenceLog.root(9)],
      ["the root of a negative size", () => referenceLog.root(-1)],
      ["the root of a fractional size", () => referenceLog.root(1.5)],
      ["an inclusion proof in the empty tree", () => referenceLog.inclusionProof(0, 0)],
      ["an inclusion proof of a leaf past the tree size", () => referenceLog.inclusionProof(3, 3)],
      ["an inclusion proof in a size beyond the log", () => referenceLog.inclusionProof(0, 9)],
      ["a consistency proof from a larger to a smaller size", () => referenceLog.consistencyProof(3, 2)],
      ["a consistency proof to a size beyond the log", () => referenceLog.consistencyProof(1, 9)],
      ["a leaf hash that is not 32 bytes", () => new MerkleLog().append(new Uint8Array(31))],
    ];
    for (const [what, call] of outOfRange) {
      it(`should throw a RangeError for ${what}`, function () {
        expect(call).to.throw(RangeError);
      });
    }

    it("should answer false, not throw, when a claim to verify is malformed", function () {
      const proof = referenceLog.inclusionProof(0, 8);
      const valid = { leafHash: referenceLeafHashes[0], leafIndex: 0, treeSize: 8, proof, root: root8 };
      expect(verifyInclusion(valid)).to.equal(true);
      expect(verifyInclusion({ ...valid, leafIndex: -1 })).to.equal(false);
      expect(verifyInclusion({ ...valid, leafIndex: 0.5 })).to.equal(false);
      expect(verifyInclusion({ ...valid, leafHash: valid.leafHash.slice(1) })).to.equal(false);
      expect(verifyInclusion({ ...valid, proof: [...proof.slice(1), "0x1234"] })).to.equal(false);
      expect(verifyInclusion({ ...valid, root: "0xnot-a-hash" })).to.equal(false);
      const garbage = { oldSize: 8, newSize: 8, oldRoot: "0xsame", newRoot: "0xsame", proof: [] } as const;
      expect(verifyConsistency(garbage)).to.equal(false);
      expect(verifyConsistency({ oldSize: 8, newSize: 5, oldRoot: root8, newRoot: root5, proof: [] })).to.equal(false);
    });
  });
});
