// Anchoring in bulk, as the worker would have left it: the instance's key signs each batch of calls locally (records
// through the ledger's multicall, checkpoints one per transaction) and sends it at once with the next nonce, without
// waiting for the previous one; settling waits until they are mined, checks that each succeeded, and journals them
// with their outbox items as FINAL.
import type { HDNodeWallet, JsonRpcProvider } from "ethers";
import type { Client } from "pg";
import { encodeBatch } from "../../../api/src/anchoring/encoding";
import type { ConsortiumAddresses } from "../../../api/src/chain";
import type { ChainCall, OutboxKind } from "../../../api/src/data-access";

const RECEIPT_POLL_MS = 50;
const OUTBOX_ROWS_PER_INSERT = 10_000;

/** An outbox item the transaction carries: a record's call, or a checkpoint's. */
export interface AnchoredItem {
  kind: Extract<OutboxKind, "RECORD" | "CHECKPOINT">;
  subject: string;
  call: ChainCall;
  recordId: number | null;
  /** A checkpoint's size and root, stored in the checkpoints table. */
  checkpoint: { treeSize: number; root: string } | null;
}

interface SentTransaction {
  nonce: number;
  raw: string;
  hash: Promise<string>;
  items: AnchoredItem[];
}

interface Receipt {
  status: string;
  blockNumber: string;
  blockHash: string;
  gasUsed: string;
}

export class BulkAnchorer {
  private unsettled: SentTransaction[] = [];
  /** Totals of what has been settled. */
  readonly mined = { transactions: 0, gasUsed: 0n };

  private constructor(
    private readonly provider: JsonRpcProvider,
    private readonly signer: HDNodeWallet,
    private readonly addresses: ConsortiumAddresses,
    private readonly gasLimit: bigint,
    private readonly chainId: bigint,
    private nonce: number,
  ) {}

  /** Each transaction may use up to `gasLimit`. */
  static async create(
    provider: JsonRpcProvider,
    signer: HDNodeWallet,
    addresses: ConsortiumAddresses,
    gasLimit: bigint,
  ): Promise<BulkAnchorer> {
    const [{ chainId }, nonce] = await Promise.all([provider.getNetwork(), provider.getTransactionCount(signer.address, "pending")]);
    return new BulkAnchorer(provider, signer, addresses, gasLimit, chainId, nonce);
  }

  /** Signs the items' calls as one transaction and sends it; its receipt is awaited by settle(). */
  async send(items: AnchoredItem[]): Promise<void> {
    const { to, data } = encodeBatch(
      this.addresses,
      items.map((item) => item.call),
    );
    const nonce = this.nonce++;
    const raw = await this.signer.signTransaction({
      to,
      data,
      nonce,
      gasLimit: this.gasLimit,
      maxFeePerGas: 0n,
      maxPriorityFeePerGas: 0n,
      chainId: this.chainId,
      type: 2,
    });
    const hash = this.provider.send("eth_sendRawTransaction", [raw]) as Promise<string>;
    // Awaited in settle(); until then a refusal must not count as unhandled.
    hash.catch(() => undefined);
    this.unsettled.push({ nonce, raw, hash, items });
  }

  /** Waits for every transaction sent so far, fails if one reverted, and journals them and their items. */
  async settle(client: Client): Promise<void> {
    const sent = this.unsettled;
    this.unsettled = [];
    const mined: { transaction: SentTransaction; hash: string; receipt: Receipt }[] = [];
    for (const transaction of sent) {
      const hash = await transaction.hash;
      const receipt = await this.receiptOf(hash);
      if (Number(receipt.status) !== 1) throw new Error(`transaction ${hash} (nonce ${transaction.nonce}) reverted`);
      mined.push({ transaction, hash, receipt });
      this.mined.transactions += 1;
      this.mined.gasUsed += BigInt(receipt.gasUsed);
    }
    if (mined.length === 0) return;
    const inserted = await client.query<{ id: string; hash: string }>(
      `INSERT INTO chain_transactions (sender, nonce, hash, raw, state, block_number, block_hash, mined_at)
       SELECT $1, nonce, hash, raw, 'FINAL', block_number, block_hash, now()
         FROM unnest($2::bigint[], $3::text[], $4::text[], $5::bigint[], $6::text[]) AS t(nonce, hash, raw, block_number, block_hash)
       RETURNING id, hash`,
      [
        this.signer.address,
        mined.map((entry) => entry.transaction.nonce),
        mined.map((entry) => entry.hash),
        mined.map((entry) => entry.transaction.raw),
        mined.map((entry) => Number(entry.receipt.blockNumber)),
        mined.map((entry) => entry.receipt.blockHash),
      ],
    );
    const idOf = new Map(inserted.rows.map((row) => [row.hash, row.id]));
    const items = mined.flatMap((entry) => entry.transaction.items.map((item) => ({ item, transactionId: idOf.get(entry.hash)! })));
    await insertCheckpoints(
      client,
      items.flatMap(({ item }) => (item.checkpoint ? [item.checkpoint] : [])),
    );
    for (let start = 0; start < items.length; start += OUTBOX_ROWS_PER_INSERT) {
      await insertFinalOutboxItems(client, items.slice(start, start + OUTBOX_ROWS_PER_INSERT));
    }
  }

  private async receiptOf(hash: string): Promise<Receipt> {
    for (;;) {
      const receipt = (await this.provider.send("eth_getTransactionReceipt", [hash])) as Receipt | null;
      if (receipt) return receipt;
      await new Promise((resolve) => setTimeout(resolve, RECEIPT_POLL_MS));
    }
  }
}

async function insertCheckpoints(client: Client, checkpoints: { treeSize: number; root: string }[]): Promise<void> {
  if (checkpoints.length === 0) return;
  await client.query("INSERT INTO checkpoints (tree_size, root) SELECT * FROM unnest($1::bigint[], $2::text[])", [
    checkpoints.map((checkpoint) => checkpoint.treeSize),
    checkpoints.map((checkpoint) => checkpoint.root),
  ]);
}

async function insertFinalOutboxItems(client: Client, items: { item: AnchoredItem; transactionId: string }[]): Promise<void> {
  await client.query(
    `INSERT INTO outbox (kind, subject, contract, method, args, record_id, tree_size, state, transaction_id)
     SELECT kind, subject, contract, method, args, record_id, tree_size, 'FINAL', transaction_id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::bigint[], $7::bigint[], $8::bigint[])
         AS o(kind, subject, contract, method, args, record_id, tree_size, transaction_id)`,
    [
      items.map(({ item }) => item.kind),
      items.map(({ item }) => item.subject),
      items.map(({ item }) => item.call.contract),
      items.map(({ item }) => item.call.method),
      items.map(({ item }) => JSON.stringify(item.call.args)),
      items.map(({ item }) => item.recordId),
      items.map(({ item }) => item.checkpoint?.treeSize ?? null),
      items.map(({ transactionId }) => transactionId),
    ],
  );
}
