// A JSON-RPC proxy on loopback in front of a node, reproducing the receipt race seen under load: for chosen
// transactions it answers eth_getTransactionReceipt (and eth_getTransactionByHash) with null although the node has
// mined them, so eth_getTransactionCount already counts their nonce. Everything else passes through unchanged.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Transaction } from "ethers";

interface RpcRequest {
  jsonrpc: "2.0";
  id: number | string | null;
  method: string;
  params?: unknown[];
}

export interface RaceProxyOptions {
  /**
   * Which sent transactions to hide, by their order among the raw transactions the proxy forwards (0 first), and for
   * how many reads of their receipt: a number of reads, or Infinity for a node that never serves it.
   */
  hide(index: number): number;
}

export interface ReceiptRaceProxy {
  readonly url: string;
  /** Hashes of the transactions chosen to hide. */
  readonly chosen: ReadonlySet<string>;
  /** How many times a receipt the node had was answered null. */
  readonly nullAnswers: number;
  close(): Promise<void>;
}

export async function startReceiptRaceProxy(nodeUrl: string, options: RaceProxyOptions): Promise<ReceiptRaceProxy> {
  const hiddenReads = new Map<string, number>();
  let sent = 0;
  let nullAnswers = 0;

  const forward = async (request: RpcRequest): Promise<unknown> => {
    const response = await fetch(nodeUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(request),
    });
    return response.json();
  };

  const answer = async (request: RpcRequest): Promise<unknown> => {
    if (request.method === "eth_sendRawTransaction") {
      const hash = Transaction.from(String(request.params![0])).hash!;
      // A rebroadcast of a transaction already seen keeps its place.
      if (!hiddenReads.has(hash)) {
        const reads = options.hide(sent++);
        if (reads > 0) hiddenReads.set(hash, reads);
      }
      return forward(request);
    }
    if (request.method === "eth_getTransactionReceipt" || request.method === "eth_getTransactionByHash") {
      const hash = String(request.params![0]).toLowerCase();
      const left = hiddenReads.get(hash) ?? 0;
      const real = (await forward(request)) as { result: unknown };
      if (left <= 0 || real.result === null) return real;
      if (request.method === "eth_getTransactionReceipt") {
        hiddenReads.set(hash, left - 1);
        nullAnswers += 1;
      }
      return { jsonrpc: "2.0", id: request.id, result: null };
    }
    return forward(request);
  };

  const server: Server = createServer((incoming, outgoing) => {
    void readJson(incoming)
      .then(async (body) => (Array.isArray(body) ? Promise.all(body.map(answer)) : answer(body as RpcRequest)))
      .then(
        (result) => outgoing.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result)),
        (error: unknown) => outgoing.writeHead(502).end(String(error)),
      );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get chosen() {
      return new Set(hiddenReads.keys());
    },
    get nullAnswers() {
      return nullAnswers;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readJson(incoming: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of incoming) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}
