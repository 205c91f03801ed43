// An Anvil node for loading a chain in bulk. The embedded node (startEmbeddedNode) dumps its whole state to a file
// every second, which a million records' history makes slower than the load itself; this one keeps state in memory
// only, holds no past states (reads are at the latest block), and takes blocks and requests far larger than default.
import { spawn } from "node:child_process";
import { anvilBinaryPath, DEV_MNEMONIC, EMBEDDED_CHAIN_ID, EMBEDDED_HOST } from "../../../api/src/chain";
import { freePort } from "../../../test/helpers/ports";

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export interface BulkAnvil {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly pid: number;
  readonly blockGasLimit: bigint;
  stop(): Promise<void>;
}

export async function startBulkAnvil(blockGasLimit: bigint): Promise<BulkAnvil> {
  const port = await freePort();
  const args = [
    "--host",
    EMBEDDED_HOST,
    "--port",
    String(port),
    "--chain-id",
    String(EMBEDDED_CHAIN_ID),
    "--mnemonic",
    DEV_MNEMONIC,
    "--base-fee",
    "0",
    "--gas-price",
    "0",
    "--gas-limit",
    String(blockGasLimit),
    "--no-request-size-limit",
    "--prune-history",
    "--quiet",
  ];
  const child = spawn(anvilBinaryPath(), args, { stdio: ["ignore", "ignore", "pipe"] });
  let errors = "";
  child.stderr.on("data", (chunk: Buffer) => (errors = (errors + chunk.toString("utf8")).slice(-2_000)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const rpcUrl = `http://${EMBEDDED_HOST}:${port}`;
  const stop = async () => {
    process.off("exit", killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGINT");
    const forceKill = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(forceKill);
  };
  try {
    await answering(rpcUrl, () => child.exitCode !== null || child.signalCode !== null);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}${errors && `: ${errors.trim()}`}`);
  }
  return { rpcUrl, chainId: EMBEDDED_CHAIN_ID, pid: child.pid!, blockGasLimit, stop };
}

async function answering(rpcUrl: string, exited: () => boolean): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited()) throw new Error(`Anvil exited before answering at ${rpcUrl}`);
    try {
      const response = await fetch(rpcUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`Anvil did not answer at ${rpcUrl} within ${STARTUP_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
