// What the domain services need from the rest of the instance. Built once at start (api/src/server.ts);
// tests build it over an in-memory PGlite. No express, no typeorm here: repositories return plain objects.
import type { BaseWallet } from "ethers";
import type { ChainReader } from "../chain/chain-reader";
import type { FederationReader } from "../chain/federation-reader";
import type { Repositories } from "../data-access";
import type { FileRequestChain } from "../lib/file-request";
import type { ProofBundleChain } from "../lib/proof-bundle";
import type { Hex32 } from "../lib/record-hash";
import type { FieldCipher } from "../lib/field-encryption";
import type { TypedDataSigner, WriteReceipt } from "../lib/write-receipt";
import type { IsoDate } from "../lib/calendar";
import type { RuleSet } from "./rules";
import type { Role } from "./vocabulary";

/** Who acts, as the HTTP tier authenticated them. */
export interface Actor {
  accountId: string;
  orgId: number;
  role: Role;
  canReadPersonalData: boolean;
}

export interface Institution {
  /** Autocommit repositories, for reads. */
  repositories: Repositories;
  /** Runs `work` in one database transaction: everything it writes commits or rolls back together. */
  transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
  cipher: FieldCipher;
  blindIndexKey: string;
  /** The rule set new records are checked against; older records name their own version. */
  ruleSet: RuleSet;
  /** Today in China Standard Time. */
  today(): IsoDate;
  now(): Date;
  /** Present when the instance has a chain: what proof bundles and their verification read. */
  proofs?: ProofSources;
  /** Present when the instance has a chain and its own key: what transfers between institutions need. */
  federation?: FederationSources;
  /** Present when the instance has a chain and its own key: every accepted record gets a signed write receipt. */
  writeReceipts?: WriteReceiptSources;
}

export interface WriteReceiptSources {
  /** The instance's chain key, the one its anchoring worker sends with. */
  signer: TypedDataSigner;
  chain: WriteReceipt["chain"];
  /** How long after accepting a record the instance promises to have anchored it (ANCHOR_DEADLINE_SECONDS). */
  anchorWithinSeconds: number;
}

/** What proofs are made of besides the database: the log's tree, the chain's coordinates, a reader of the chain. */
export interface ProofSources {
  logId: number;
  chain: ProofBundleChain;
  tree: { sync(): Promise<number>; inclusionProof(leafIndex: number, treeSize: number): Hex32[] };
  reader: ChainReader;
  /** Blocks a checkpoint needs on top of it before this instance relies on it (CHAIN_CONFIRMATIONS). */
  confirmations: number;
}

export interface FederationSources {
  reader: FederationReader;
  /** The instance's own key: it signs member-file requests and opens the answers sealed to it. */
  signer: BaseWallet;
  /** The EIP-712 domain's chain and TransferLedger. */
  requestChain: FileRequestChain;
  /** A signed request older than this is refused; its nonce is remembered as long, so it cannot be replayed before. */
  requestMaxAgeSeconds: number;
  /** How far in the future a request's timestamp may be. */
  clockSkewSeconds: number;
  /** How a member file is fetched from another instance; global fetch in production. */
  fetch: typeof fetch;
  /** How long a fetch may take before it counts as unreachable. */
  fetchTimeoutMs: number;
}
