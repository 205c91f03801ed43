// The cunzheng command line: checks the project's public artefacts with nothing but a JSON-RPC node of the chain, and
// the operator's first-run steps on an instance's own host.
// bin/cunzheng.js loads it; each command lives in a module of its own and is listed in COMMANDS, loaded only when
// it runs (the audit command alone pulls in the database tier: `cunzheng verify` should not wait for it).
import { CliError, EXIT, type CliCommand, type CliIo } from "./command";

const COMMANDS: Readonly<Record<string, () => Promise<CliCommand>>> = {
  verify: async () => (await import("./verify")).verifyCommand,
  audit: async () => (await import("./audit-command")).auditCommand,
  outbox: async () => (await import("./outbox-command")).outboxCommand,
  admin: async () => (await import("./admin-command")).adminCommand,
  import: async () => (await import("./import-command")).importCommand,
};

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    await printUsage(name === undefined ? io.err : io.out);
    return name === undefined ? EXIT.CANNOT_RUN : EXIT.OK;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    io.err(`cunzheng: unknown command "${name}"`);
    await printUsage(io.err);
    return EXIT.CANNOT_RUN;
  }
  const command = await COMMANDS[name]();
  if (args.includes("--help") || args.includes("-h")) {
    io.out(`usage: cunzheng ${command.usage}`);
    io.out(`  ${command.summary}`);
    return EXIT.OK;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    io.err(`cunzheng ${name}: ${error.message}`);
    if (error.showUsage) io.err(`usage: cunzheng ${command.usage}`);
    return EXIT.CANNOT_RUN;
  }
}

async function printUsage(write: (line: string) => void): Promise<void> {
  write("usage: cunzheng <command> [arguments]");
  write("");
  for (const load of Object.values(COMMANDS)) {
    const command = await load();
    write(`  cunzheng ${command.usage}`);
    write(`      ${command.summary}`);
  }
}
