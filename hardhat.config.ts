import { subtask } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";
import type { HardhatUserConfig } from "hardhat/config";
import "@nomicfoundation/hardhat-toolbox";

// The exact solc-js build pinned in package.json: compilation never downloads a compiler.
const SOLC_VERSION = "0.8.29";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) return runSuper() as Promise<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when this compiler is asked for
  const solc = require("solc") as { version(): string };
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: solc.version(),
  };
});

const besuAccounts = process.env.BESU_PRIVATE_KEYS ? process.env.BESU_PRIVATE_KEYS.split(",") : [];

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      // paris: no PUSH0, so the same bytecode runs on Besu and other permissioned chains.
      evmVersion: "paris",
      optimizer: { enabled: true, runs: 10_000 },
    },
  },
  networks: {
    hardhat: {
      // A permissioned chain charges nothing for gas: prove that gas price 0 works.
      initialBaseFeePerGas: 0,
    },
    anvil: {
      url: process.env.ANVIL_RPC_URL ?? "http://127.0.0.1:8545",
    },
    besu: {
      url: process.env.BESU_RPC_URL ?? "http://127.0.0.1:8545",
      chainId: Number(process.env.BESU_CHAIN_ID ?? 1337),
      gasPrice: 0,
      accounts: besuAccounts,
    },
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
  },
  mocha: {
    timeout: 120_000,
  },
};

export default config;
