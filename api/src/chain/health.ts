import type { JsonRpcApiProvider } from "ethers";
import { decodeChainError } from "./errors";

export interface ChainHealth {
  readonly ok: boolean;
  readonly blockNumber?: number;
  readonly chainId?: number;
  readonly error?: string;
}

const DEFAULT_TIMEOUT_MS = 2_000;

/**
 * Whether the node answers now, with its latest block and chain id; never waits longer than `timeoutMs`, even on a
 * silent node. Raw JSON-RPC calls, because the provider's getters may answer from a cache or a pinned network.
 */
export async function chainHealth(provider: JsonRpcApiProvider, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ChainHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const [blockNumber, chainId] = await Promise.race([
      Promise.all([provider.send("eth_blockNumber", []) as Promise<string>, provider.send("eth_chainId", []) as Promise<string>]),
      timeout,
    ]);
    return { ok: true, blockNumber: Number(BigInt(blockNumber)), chainId: Number(BigInt(chainId)) };
  } catch (error) {
    const decoded = decodeChainError(error);
    return { ok: false, error: decoded.kind === "revert" ? decoded.name : decoded.message };
  } finally {
    clearTimeout(timer);
  }
}
