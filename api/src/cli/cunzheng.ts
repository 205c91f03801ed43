// The cunzheng command line: checks the project's public artefacts with nothing but a JSON-RPC node of the chain.
// bin/cunzheng.js loads it; each command lives in a module of its own and is listed in COMMANDS.
import { CliError, EXIT, type CliCommand, type CliIo } from "./command";
import { auditCommand } from "./audit-command";
import { verifyCommand } from "./verify";

const COMMANDS: Readonly<Record<string, CliCommand>> = {
  verify: verifyCommand,
  audit: auditCommand,
};

const processIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    printUsage(name === undefined ? io.err : io.out);
    return name === undefined ? EXIT.CANNOT_RUN : EXIT.OK;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.err(`cunzheng: unknown command "${name}"`);
    printUsage(io.err);
    return EXIT.CANNOT_RUN;
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

function printUsage(write: (line: string) => void): void {
  write("usage: cunzheng <command> [arguments]");
  write("");
  for (const command of Object.values(COMMANDS)) {
    write(`  cunzheng ${command.usage}`);
    write(`      ${command.summary}`);
  }
}
