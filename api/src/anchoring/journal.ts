// Sending with a write-ahead journal. A transaction is signed, stored with its outbox items in one database
// transaction, and only then broadcast. After a crash the worker finds it by hash and broadcasts the same bytes
// again: the chain sees one transaction, never two, whatever moment the process died at.
import { Transaction, type Signer } from "ethers";
import { decodeChainError, type ConsortiumAddresses } from "../chain";
import type { ChainTransaction, Repositories } from "../data-access";
import type { Logger } from "../lib/logger";
import type { ChainProvider } from "../chain/provider";
import { findOnChain } from "./chain-evidence";

export interface JournalContext {
  provider: ChainProvider;
  signer: Signer;
  sender: string;
  chainId: number;
  confirmations: number;
  /** Runs `work` in one database transaction. */
  transaction<T>(work: (repositories: Repositories) => Promise<T>): Promise<T>;
  repositories: Repositories;
  logger: Logger;
  /** When this process last broadcast each transaction: a pending one is broadcast again only after a while. */
  lastBroadcast: Map<string, number>;
  /** The contracts, and the deployment's block, where the search for a write already on chain starts. */
  addresses: ConsortiumAddresses;
  fromBlock: number;
  /** When (block, time) this process first saw each unmined transaction's nonce used: see followSigned. */
  nonceUsedSince: Map<string, { block: number; at: number }>;
}

/** A transaction still unmined this long after its last broadcast is broadcast again (the node may have lost it). */
const REBROADCAST_AFTER_MS = 5_000;
/**
 * A node may count a nonce as used before it serves the mined transaction's receipt. A transaction whose nonce is
 * used, with no receipt, no block and no effect on chain, is taken for replaced only once a later block was mined and
 * this long has passed since the nonce was first seen used, or after the longer wait on a chain that mines no block.
 */
const REPLACED_AFTER_MS = 2_000;
const REPLACED_WITHOUT_NEW_BLOCK_AFTER_MS = 30_000;

export class ChainUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChainUnavailableError";
  }
}

/** Rethrows a transport failure as ChainUnavailableError; returns any other error for the caller to judge. */
export function unlessUnavailable(error: unknown): unknown {
  const decoded = decodeChainError(error);
  if (decoded.kind === "unavailable") throw new ChainUnavailableError(decoded.message);
  return error;
}

/** Signs `request`, journals it with the outbox items it carries, then broadcasts it. */
export async function signJournalAndSend(
  context: JournalContext,
  request: { to: string; data: string; gasLimit: bigint },
  outboxIds: number[],
): Promise<ChainTransaction> {
  const { provider, signer, sender, repositories } = context;
  const [journalNonce, chainNonce, fees] = await Promise.all([
    repositories.chainTransactions.nextNonce(sender),
    provider.getTransactionCount(sender, "pending"),
    feeFields(provider),
  ]);
  const raw = await signer.signTransaction({
    ...request,
    from: sender,
    chainId: context.chainId,
    nonce: Math.max(journalNonce, chainNonce),
    ...fees,
  });
  const { hash, nonce } = Transaction.from(raw);
  const journaled = await context.transaction(async (tx) => {
    const id = await tx.chainTransactions.insert({ sender, nonce, hash: hash!, raw });
    await tx.outbox.markSent(outboxIds, id);
    return (await tx.chainTransactions.get(id))!;
  });
  await broadcast(context, journaled);
  return journaled;
}

/** Free-gas chains (gas price 0) take legacy transactions priced 0; others get EIP-1559 fees from the node. */
async function feeFields(provider: ChainProvider) {
  const fees = await provider.getFeeData();
  if (fees.gasPrice === 0n || fees.maxFeePerGas === null) return { type: 0, gasPrice: fees.gasPrice ?? 0n };
  return { type: 2, maxFeePerGas: fees.maxFeePerGas, maxPriorityFeePerGas: fees.maxPriorityFeePerGas ?? 0n };
}

async function broadcast(context: JournalContext, transaction: ChainTransaction): Promise<void> {
  context.lastBroadcast.set(transaction.hash, Date.now());
  try {
    await context.provider.send("eth_sendRawTransaction", [transaction.raw]);
  } catch (error) {
    // "already known", "nonce too low" after a crash: follow-up reads the receipt and decides.
    const judged = unlessUnavailable(error);
    context.logger.debug({ hash: transaction.hash, error: (judged as Error).message }, "broadcast not taken; will follow up");
  }
}

/**
 * Follows every journaled transaction that is not final: rebroadcasts what is not mined, notes the block of what
 * is, makes final what has enough confirmations (and is still in the canonical chain), and frees the items of a
 * transaction whose nonce another transaction took.
 */
export async function followUp(context: JournalContext): Promise<void> {
  const open = await context.repositories.chainTransactions.listOpen();
  if (open.length === 0) return;
  const latest = await context.provider.getBlockNumber();
  for (const transaction of open) {
    if (transaction.state === "SIGNED") await followSigned(context, transaction);
    else await followMined(context, transaction, latest);
  }
}

async function followSigned(context: JournalContext, transaction: ChainTransaction): Promise<void> {
  const { provider } = context;
  const receipt = await provider.getTransactionReceipt(transaction.hash);
  if (receipt) return noteMined(context, transaction, receipt);
  const chainNonce = await provider.getTransactionCount(transaction.sender, "latest");
  if (chainNonce <= transaction.nonce) {
    context.nonceUsedSince.delete(transaction.hash);
    // Broadcast at once what this process never sent (a crashed predecessor's), later what it sent a while ago.
    const last = context.lastBroadcast.get(transaction.hash);
    if (last === undefined || Date.now() - last > REBROADCAST_AFTER_MS) await broadcast(context, transaction);
    return;
  }
  // The nonce is used: by this transaction (whose receipt the node may not serve yet) or by another one.
  const late = await provider.getTransactionReceipt(transaction.hash);
  if (late) return noteMined(context, transaction, late);
  // Mined, its receipt not served yet: wait for it, since only the receipt says whether it reverted.
  if ((await provider.getTransaction(transaction.hash))?.blockNumber != null) return;
  const block = await minedEffectOf(context, transaction);
  if (block) return noteMined(context, transaction, { ...block, status: 1 });
  if (!(await surelyReplaced(context, transaction))) return;
  context.nonceUsedSince.delete(transaction.hash);
  context.logger.warn({ hash: transaction.hash, nonce: transaction.nonce }, "transaction replaced: its items go out again");
  await context.transaction(async (tx) => {
    await tx.chainTransactions.markReplaced(transaction.id);
    await tx.outbox.setStateOfTransaction(transaction.id, "PENDING");
  });
}

/** The block of `transaction` if the chain holds the effect of every item it carries, written by it. */
async function minedEffectOf(
  context: JournalContext,
  transaction: ChainTransaction,
): Promise<{ blockNumber: number; blockHash: string } | null> {
  const items = await context.repositories.outbox.listByTransaction(transaction.id);
  let found: { blockNumber: number; blockHash: string } | null = null;
  for (const item of items) {
    const evidence = await findOnChain(context.provider, context.addresses, context.fromBlock, item.call);
    if (evidence?.transactionHash.toLowerCase() !== transaction.hash) return null;
    found = { blockNumber: evidence.blockNumber, blockHash: evidence.blockHash };
  }
  return found;
}

/** Another journaled transaction mined with the nonce, or a later block and a while without any sign of this one. */
async function surelyReplaced(context: JournalContext, transaction: ChainTransaction): Promise<boolean> {
  if (await context.repositories.chainTransactions.minedWithNonce(transaction.sender, transaction.nonce, transaction.id)) return true;
  const latest = await context.provider.getBlockNumber();
  const since = context.nonceUsedSince.get(transaction.hash);
  if (since === undefined) {
    context.nonceUsedSince.set(transaction.hash, { block: latest, at: Date.now() });
    return false;
  }
  const waited = Date.now() - since.at;
  return (latest > since.block && waited >= REPLACED_AFTER_MS) || waited >= REPLACED_WITHOUT_NEW_BLOCK_AFTER_MS;
}

async function followMined(context: JournalContext, transaction: ChainTransaction, latest: number): Promise<void> {
  const blockNumber = transaction.blockNumber!;
  if (latest - blockNumber + 1 < context.confirmations) return;
  const block = await context.provider.getBlock(blockNumber);
  if (block?.hash !== transaction.blockHash) {
    context.logger.warn({ hash: transaction.hash, blockNumber }, "block left the chain: waiting for the transaction again");
    await context.transaction(async (tx) => {
      await tx.chainTransactions.markUnmined(transaction.id);
      await tx.outbox.setStateOfTransaction(transaction.id, "SENT");
    });
    return;
  }
  await context.transaction(async (tx) => {
    await tx.chainTransactions.markFinal(transaction.id);
    await tx.outbox.setStateOfTransaction(transaction.id, "FINAL");
  });
}

async function noteMined(
  context: JournalContext,
  transaction: ChainTransaction,
  receipt: { blockNumber: number; blockHash: string; status: number | null },
): Promise<void> {
  const reverted = receipt.status === 0;
  if (reverted) {
    // Preflight passed, so the state changed in between: the items go through preflight again, which names the error.
    context.logger.warn({ hash: transaction.hash }, "transaction reverted on chain: its items go out again");
  }
  context.lastBroadcast.delete(transaction.hash);
  context.nonceUsedSince.delete(transaction.hash);
  await context.transaction(async (tx) => {
    await tx.chainTransactions.markMined(transaction.id, { number: receipt.blockNumber, hash: receipt.blockHash }, reverted);
    await tx.outbox.setStateOfTransaction(transaction.id, reverted ? "PENDING" : "MINED");
  });
}
