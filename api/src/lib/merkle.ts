// The record log as an RFC 9162 §2.1 Merkle tree over SHA-256, so that any RFC 6962 / RFC 9162 implementation
// (Certificate Transparency tooling, transparency-dev/merkle) can check our roots and proofs.
import { sha256 } from "@noble/hashes/sha2";
import { bytesToHex, hexToBytes } from "@noble/hashes/utils";
import type { Hex32 } from "./record-hash";

const HASH_BYTES = 32;
const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);
const EMPTY_ROOT: Hex32 = toHex(sha256(new Uint8Array(0)));

/** RFC 9162 leaf hash: H(0x00 ‖ data). The prefix keeps a leaf from posing as an inner node. */
export function hashLeaf(data: Uint8Array): Uint8Array {
  return sha256.create().update(LEAF_PREFIX).update(data).digest();
}

/** RFC 9162 inner node hash: H(0x01 ‖ left ‖ right). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256.create().update(NODE_PREFIX).update(left).update(right).digest();
}

/** The log's leaf for a record: the leaf hash of the record hash's 32 raw bytes. */
export function recordLeaf(recordHash: Hex32): Uint8Array {
  const bytes = parseHash(recordHash);
  if (!bytes) throw new TypeError(`record hash must be 0x followed by 64 hex digits, got ${recordHash}`);
  return hashLeaf(bytes);
}

/** The root of the tree over these leaf hashes. */
export function rootOf(leaves: Uint8Array[]): Hex32 {
  return new MerkleLog(leaves).root();
}

/** Fixed-width hashes packed in one growing buffer: a million hashes take 32 MB, not a million objects. */
class HashList {
  private bytes = new Uint8Array(HASH_BYTES * 64);
  length = 0;

  push(hash: Uint8Array): void {
    if ((this.length + 1) * HASH_BYTES > this.bytes.length) {
      const grown = new Uint8Array(this.bytes.length * 2);
      grown.set(this.bytes);
      this.bytes = grown;
    }
    this.bytes.set(hash, this.length * HASH_BYTES);
    this.length += 1;
  }

  // Entries are never overwritten, so a view stays correct even after the buffer grows.
  at(index: number): Uint8Array {
    return this.bytes.subarray(index * HASH_BYTES, (index + 1) * HASH_BYTES);
  }
}

/**
 * An append-only Merkle log over leaf hashes. levels[k] holds the hash of every complete perfect subtree of 2^k
 * leaves, in order; any subtree of any prefix is made of O(log n) of them, so roots and proofs for any past size
 * cost O(log n) hashing.
 */
export class MerkleLog {
  private readonly levels: HashList[] = [new HashList()];

  constructor(leaves: Iterable<Uint8Array> = []) {
    for (const leaf of leaves) this.append(leaf);
  }

  get size(): number {
    return this.levels[0].length;
  }

  /** Appends a leaf hash (see hashLeaf, recordLeaf) and caches the perfect subtrees it completes. */
  append(leaf: Uint8Array): void {
    if (leaf.length !== HASH_BYTES) throw new RangeError(`a leaf hash has ${HASH_BYTES} bytes, got ${leaf.length}`);
    this.levels[0].push(leaf);
    let index = this.size - 1;
    for (let level = 0; index % 2 === 1; level += 1) {
      const parent = hashChildren(this.levels[level].at(index - 1), this.levels[level].at(index));
      if (this.levels.length === level + 1) this.levels.push(new HashList());
      this.levels[level + 1].push(parent);
      index = (index - 1) / 2;
    }
  }

  /** MTH of the first `size` leaves; the empty tree's root is H(""). */
  root(size: number = this.size): Hex32 {
    checkRange("size", size, 0, this.size);
    return size === 0 ? EMPTY_ROOT : toHex(this.subtreeHash(0, size));
  }

  /** RFC 9162 §2.1.3.1 PATH(leafIndex, D[treeSize]), deepest sibling first. */
  inclusionProof(leafIndex: number, treeSize: number): Hex32[] {
    checkRange("treeSize", treeSize, 1, this.size);
    checkRange("leafIndex", leafIndex, 0, treeSize - 1);
    const siblings: Uint8Array[] = [];
    let [start, end] = [0, treeSize];
    while (end - start > 1) {
      const middle = start + largestPowerOfTwoBelow(end - start);
      if (leafIndex < middle) {
        siblings.push(this.subtreeHash(middle, end));
        end = middle;
      } else {
        siblings.push(this.subtreeHash(start, middle));
        start = middle;
      }
    }
    return siblings.reverse().map(toHex);
  }

  /**
   * RFC 9162 §2.1.4.1 PROOF(oldSize, D[newSize]). The RFC defines it for 0 < oldSize < newSize; for equal sizes
   * the proof is empty (as in RFC 6962's SUBPROOF(m, D[m], true)), and from the empty tree it is empty too: the
   * empty tree is a prefix of every tree, so there is nothing to prove (see verifyConsistency).
   */
  consistencyProof(oldSize: number, newSize: number): Hex32[] {
    checkRange("newSize", newSize, 0, this.size);
    checkRange("oldSize", oldSize, 0, newSize);
    if (oldSize === 0 || oldSize === newSize) return [];
    const outer: Uint8Array[] = [];
    let [start, end] = [0, newSize];
    let oldTreeIsSubtree = true;
    while (end !== oldSize) {
      const middle = start + largestPowerOfTwoBelow(end - start);
      if (oldSize <= middle) {
        outer.push(this.subtreeHash(middle, end));
        end = middle;
      } else {
        outer.push(this.subtreeHash(start, middle));
        start = middle;
        oldTreeIsSubtree = false;
      }
    }
    // The verifier knows the old root; it needs the old tree's last subtree only when that is not the whole old tree.
    const innermost = oldTreeIsSubtree ? [] : [this.subtreeHash(start, end)];
    return [...innermost, ...outer.reverse()].map(toHex);
  }

  /**
   * MTH(D[start:end]) for a node of an RFC 9162 tree. Such a node's start is a multiple of 2^⌈log2(end-start)⌉,
   * so its perfect subtrees, one per binary digit of end-start, largest first, are all aligned cached nodes.
   */
  private subtreeHash(start: number, end: number): Uint8Array {
    const perfectSubtrees: Uint8Array[] = [];
    let offset = start;
    for (let level = this.levels.length - 1; level >= 0; level -= 1) {
      const width = 2 ** level;
      if (end - offset >= width) {
        perfectSubtrees.push(this.levels[level].at(offset / width));
        offset += width;
      }
    }
    return perfectSubtrees.reduceRight((right, left) => hashChildren(left, right));
  }
}

export interface InclusionClaim {
  leafHash: Uint8Array;
  leafIndex: number;
  treeSize: number;
  proof: readonly Hex32[];
  root: Hex32;
}

/** RFC 9162 §2.1.3.2. Malformed input (bad sizes, hashes of the wrong length) is a failed proof, not an error. */
export function verifyInclusion({ leafHash, leafIndex, treeSize, proof, root }: InclusionClaim): boolean {
  const path = parseHashes(proof);
  if (!path || !parseHash(root) || leafHash.length !== HASH_BYTES) return false;
  if (!isIndex(leafIndex) || !isIndex(treeSize) || leafIndex >= treeSize) return false;
  let [fn, sn] = [leafIndex, treeSize - 1];
  let hash = leafHash;
  for (const sibling of path) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      hash = hashChildren(sibling, hash);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      hash = hashChildren(hash, sibling);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && sameHash(hash, root);
}

export interface ConsistencyClaim {
  oldSize: number;
  newSize: number;
  oldRoot: Hex32;
  newRoot: Hex32;
  proof: readonly Hex32[];
}

/**
 * RFC 9162 §2.1.4.2, plus the cases the RFC leaves out: equal sizes need an empty proof and equal roots; from the
 * empty tree the proof is empty and only the old root can be checked (it must be H("")).
 */
export function verifyConsistency({ oldSize, newSize, oldRoot, newRoot, proof }: ConsistencyClaim): boolean {
  const path = parseHashes(proof);
  const oldRootBytes = parseHash(oldRoot);
  if (!path || !oldRootBytes || !parseHash(newRoot)) return false;
  if (!isIndex(oldSize) || !isIndex(newSize) || oldSize > newSize) return false;
  if (oldSize === newSize) {
    return path.length === 0 && sameHex(oldRoot, newRoot) && (oldSize > 0 || isEmptyRoot(oldRoot));
  }
  if (oldSize === 0) return path.length === 0 && isEmptyRoot(oldRoot);
  if (path.length === 0) return false;
  if (isPowerOfTwo(oldSize)) path.unshift(oldRootBytes);
  let [fn, sn] = [oldSize - 1, newSize - 1];
  while (isOdd(fn)) [fn, sn] = [half(fn), half(sn)];
  let [oldHash, newHash] = [path[0], path[0]];
  for (const node of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      oldHash = hashChildren(node, oldHash);
      newHash = hashChildren(node, newHash);
      while (!isOdd(fn) && fn !== 0) [fn, sn] = [half(fn), half(sn)];
    } else {
      newHash = hashChildren(newHash, node);
    }
    [fn, sn] = [half(fn), half(sn)];
  }
  return sn === 0 && sameHash(oldHash, oldRoot) && sameHash(newHash, newRoot);
}

function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
}

function largestPowerOfTwoBelow(n: number): number {
  let power = 1;
  while (power * 2 < n) power *= 2;
  return power;
}

const isIndex = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;
// Arithmetic rather than bitwise operators: those truncate to 32 bits, tree sizes are uint64 on chain.
const isOdd = (value: number): boolean => value % 2 === 1;
const half = (value: number): number => Math.floor(value / 2);
const isPowerOfTwo = (value: number): boolean => value === 2 ** Math.round(Math.log2(value));

function toHex(hash: Uint8Array): Hex32 {
  return `0x${bytesToHex(hash)}`;
}

function parseHash(hex: string): Uint8Array | null {
  return /^0x[0-9a-fA-F]{64}$/.test(hex) ? hexToBytes(hex.slice(2)) : null;
}

function parseHashes(hexes: readonly string[]): Uint8Array[] | null {
  const hashes = hexes.map(parseHash);
  return hashes.every((hash) => hash !== null) ? hashes : null;
}

const sameHex = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const sameHash = (hash: Uint8Array, hex: string): boolean => sameHex(toHex(hash), hex);
const isEmptyRoot = (hex: string): boolean => sameHex(hex, EMPTY_ROOT);
