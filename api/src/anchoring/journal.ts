// Sending with a write-ahead journal. A transaction is signed, stored with its outbox items in one database
// transaction, and only then broadcast. After a crash the worker finds it by hash and broadcasts the same bytes
// again: the chain sees one transaction, never two, whatever moment the process died at.
import { Transaction, type Provider, type Signer } from "ethers";
import { decodeChainError } from "../chain";
import type { ChainTransaction, Repositories } from "../data-access";
import type { Logger } from "../lib/logger";

/** What the worker needs of a JSON-RPC provider (ethers' JsonRpcProvider or Hardhat's in-process one). */
export type ChainProvider = Pick<
  Provider,
  "getTransactionReceipt" | "getTransactionCount" | "getBlockNumber" | "getBlock" | "estimateGas" | "getFeeData" | "call"
> & { send(method: string, params: unknown[]): Promise<unknown> };

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
}

/** A transaction still unmined this long after its last broadcast is broadcast again (the node may have lost it). */
const REBROADCAST_AFTER_MS = 5_000;

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
    // Broadcast at once what this process never sent (a crashed predecessor's), later what it sent a while ago.
    const last = context.lastBroadcast.get(transaction.hash);
    if (last === undefined || Date.now() - last > REBROADCAST_AFTER_MS) await broadcast(context, transaction);
    return;
  }
  // The nonce is used. Read the receipt once more: it may have been mined between the two reads.
  const late = await provider.getTransactionReceipt(transaction.hash);
  if (late) return noteMined(context, transaction, late);
  context.logger.warn({ hash: transaction.hash, nonce: transaction.nonce }, "transaction replaced: its items go out again");
  await context.transaction(async (tx) => {
    await tx.chainTransactions.markReplaced(transaction.id);
    await tx.outbox.setStateOfTransaction(transaction.id, "PENDING");
  });
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
  await context.transaction(async (tx) => {
    await tx.chainTransactions.markMined(transaction.id, { number: receipt.blockNumber, hash: receipt.blockHash }, reverted);
    await tx.outbox.setStateOfTransaction(transaction.id, reverted ? "PENDING" : "MINED");
  });
}
