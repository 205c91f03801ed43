import { FetchRequest, JsonRpcProvider, Network, type Provider } from "ethers";

const CHAIN_ID_TIMEOUT_MS = 5_000;

/**
 * A JSON-RPC provider pinned to the chain's id. Without a static network, ethers retries network detection forever
 * (logging every second) while the node is down; pinned, a call to a down node fails at once instead.
 * Its response cache is off: by default ethers answers a repeated request from the last 250 ms, so on a chain that
 * mines at once a second transaction would reuse the first one's nonce ("nonce too low"). Its batching stall is off
 * too: ethers holds every request 10 ms to batch it with others, which a verifier or worker making a few reads in
 * a row pays on each.
 */
export function providerFor(rpcUrl: string, chainId: number): JsonRpcProvider {
  const network = Network.from(chainId);
  return new JsonRpcProvider(rpcUrl, network, { staticNetwork: network, cacheTimeout: -1, batchStallTime: 0 });
}

/** Asks the node for its chain id once, then returns a provider pinned to it (rejects if the node is unreachable). */
export async function connectProvider(rpcUrl: string): Promise<JsonRpcProvider> {
  const request = new FetchRequest(rpcUrl);
  request.timeout = CHAIN_ID_TIMEOUT_MS;
  request.body = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
  const response = await request.send();
  response.assertOk();
  const result = (response.bodyJson as { result?: string }).result;
  if (typeof result !== "string") {
    throw new Error(`${rpcUrl} did not answer eth_chainId: ${response.bodyText}`);
  }
  return providerFor(rpcUrl, Number(BigInt(result)));
}

/** What the worker needs of a JSON-RPC provider (ethers' JsonRpcProvider or Hardhat's in-process one). */
export type ChainProvider = Pick<
  Provider,
  | "getTransactionReceipt"
  | "getTransaction"
  | "getTransactionCount"
  | "getBlockNumber"
  | "getBlock"
  | "getLogs"
  | "estimateGas"
  | "getFeeData"
  | "call"
> & { send(method: string, params: unknown[]): Promise<unknown> };
