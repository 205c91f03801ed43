// The embedded default's chain: a local Anvil node whose state lives in a file, so a restart finds the same
// contracts and history. Real deployments point CHAIN_RPC_URL at the consortium's chain instead.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { HDNodeWallet, type Provider } from "ethers";

export const EMBEDDED_CHAIN_ID = 31337;
export const EMBEDDED_HOST = "127.0.0.1";
export const ANVIL_STATE_FILE_NAME = "anvil-state.json";

/** Anvil's (and Hardhat's) well-known development mnemonic: the embedded default only, never a real chain. */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

const STARTUP_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
const OUTPUT_TAIL_CHARS = 4_000;

// The npm wrapper @foundry-rs/anvil installs one of these optional packages, matching the host.
const ANVIL_PACKAGES: Record<string, string> = {
  "linux-x64": "@foundry-rs/anvil-linux-amd64",
  "linux-arm64": "@foundry-rs/anvil-linux-arm64",
  "darwin-x64": "@foundry-rs/anvil-darwin-amd64",
  "darwin-arm64": "@foundry-rs/anvil-darwin-arm64",
  "win32-x64": "@foundry-rs/anvil-win32-amd64",
};

export interface EmbeddedNodeOptions {
  /** Directory holding the chain's state file; created if missing. */
  readonly stateDir: string;
  readonly port: number;
  /** Seconds between blocks; omitted: a block per transaction (automine). */
  readonly blockTimeSeconds?: number;
}

export interface EmbeddedNode {
  readonly rpcUrl: string;
  readonly chainId: number;
  /** Interrupts Anvil so it writes its state file, and resolves once it has exited. */
  stop(): Promise<void>;
}

export class EmbeddedNodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EmbeddedNodeError";
  }
}

/** Path of the Anvil binary installed for this platform, or a clear error naming what is missing. */
export function anvilBinaryPath(): string {
  const platformKey = `${process.platform}-${process.arch}`;
  const packageName = ANVIL_PACKAGES[platformKey];
  if (packageName === undefined) {
    throw new EmbeddedNodeError(`No Anvil build for ${platformKey}: set CHAIN_RPC_URL to an external node instead`);
  }
  let packageJson: string;
  try {
    packageJson = require.resolve(`${packageName}/package.json`);
  } catch {
    throw new EmbeddedNodeError(`${packageName} is not installed: run npm ci, or set CHAIN_RPC_URL to an external node`);
  }
  return path.join(path.dirname(packageJson), "bin", process.platform === "win32" ? "anvil.exe" : "anvil");
}

/** A signer from the development mnemonic (index 0 is the embedded consortium's governance). */
export function devSigner(provider: Provider, index = 0): HDNodeWallet {
  return HDNodeWallet.fromPhrase(DEV_MNEMONIC, undefined, `m/44'/60'/0'/0/${index}`).connect(provider);
}

export async function startEmbeddedNode(options: EmbeddedNodeOptions): Promise<EmbeddedNode> {
  mkdirSync(options.stateDir, { recursive: true });
  const args = [
    "--host",
    EMBEDDED_HOST,
    "--port",
    String(options.port),
    "--chain-id",
    String(EMBEDDED_CHAIN_ID),
    "--mnemonic",
    DEV_MNEMONIC,
    // A permissioned chain charges nothing for gas: the embedded one behaves the same.
    "--base-fee",
    "0",
    "--gas-price",
    "0",
    "--state",
    path.join(options.stateDir, ANVIL_STATE_FILE_NAME),
    // Dumped every second as well as on exit, so even a killed node loses at most the last second.
    "--state-interval",
    "1",
    ...(options.blockTimeSeconds === undefined ? [] : ["--block-time", String(options.blockTimeSeconds)]),
  ];
  const child = spawn(anvilBinaryPath(), args, { stdio: ["ignore", "pipe", "pipe"] });
  const rpcUrl = `http://${EMBEDDED_HOST}:${options.port}`;
  // A binary that cannot be spawned reports "error" and never "exit".
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  // A parent that exits without stop() must not leave an orphaned node holding the port.
  const interruptOnExit = () => child.kill("SIGINT");
  process.once("exit", interruptOnExit);

  const output = collectOutput(child);
  try {
    await waitUntilListening(child, output, options.port);
    await expectChainId(rpcUrl);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    process.off("exit", interruptOnExit);
    throw error;
  }

  return {
    rpcUrl,
    chainId: EMBEDDED_CHAIN_ID,
    async stop() {
      process.off("exit", interruptOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGINT");
      const forceKill = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(forceKill);
    },
  };
}

interface Output {
  text(): string;
}

// Anvil logs every request; keep draining the pipes (a full pipe would block it) but remember only the tail.
function collectOutput(child: ChildProcess): Output {
  let tail = "";
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  return { text: () => tail };
}

// "Listening on" is printed only after Anvil has bound the port, so a node already running there is never mistaken
// for ours (Anvil exits with "Address already in use" instead).
function waitUntilListening(child: ChildProcess, output: Output, port: number): Promise<void> {
  const banner = `Listening on ${EMBEDDED_HOST}:${port}`;
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off("data", onData);
      child.off("exit", onExit);
      child.off("error", onError);
    };
    const onData = () => {
      if (output.text().includes(banner)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(new EmbeddedNodeError(`Anvil exited before listening (code ${code}, signal ${signal}): ${output.text().trim()}`));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new EmbeddedNodeError(`Anvil could not be started: ${error.message}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new EmbeddedNodeError(`Anvil did not listen on port ${port} within ${STARTUP_TIMEOUT_MS} ms`));
    }, STARTUP_TIMEOUT_MS);
    child.stdout?.on("data", onData);
    child.once("exit", onExit);
    child.once("error", onError);
  });
}

async function expectChainId(rpcUrl: string): Promise<void> {
  const response = await fetch(rpcUrl, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    signal: AbortSignal.timeout(STARTUP_TIMEOUT_MS),
  });
  const body = (await response.json()) as { result?: string };
  if (body.result === undefined || Number(body.result) !== EMBEDDED_CHAIN_ID) {
    throw new EmbeddedNodeError(`Node at ${rpcUrl} answered eth_chainId with ${JSON.stringify(body)}`);
  }
}
