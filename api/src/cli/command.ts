// What every command of the cunzheng CLI shares: how it writes, how it reports a misuse, and its exit codes.
import { ConfigError, loadConfig, type Config } from "../config";

export const EXIT = {
  /** The command did its job and found nothing wrong (a bundle: VALID). */
  OK: 0,
  /** The command did its job and found something wrong (a bundle: INVALID). */
  FOUND_PROBLEMS: 1,
  /** The command could not do its job: bad arguments, an unreadable file, an unreachable node. */
  CANNOT_RUN: 2,
} as const;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliCommand {
  /** One line: the command's arguments, e.g. "verify <bundle.json> --rpc <url>". */
  readonly usage: string;
  readonly summary: string;
  /** Resolves to the exit code; throws CliError when it cannot run. */
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** A problem the user can fix (bad arguments, missing file, unreachable node): printed without a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly showUsage = false,
  ) {
    super(message);
    this.name = "CliError";
  }
}

/** The instance's configuration, for the commands run beside it; a bad setting is the user's to fix. */
export function loadInstanceConfig(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}
