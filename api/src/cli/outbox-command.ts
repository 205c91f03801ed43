// `cunzheng outbox`: the operator's view of the writes the chain refused, run with the instance's own configuration.
// `list` names every failed item and the chain's reason; `retry` sends items again: the worker then finds the write on
// chain (and anchors the item by the transaction that made it), sends it, or records the chain's present reason.
import { parseArgs } from "node:util";
import type { OutboxItem, Repositories } from "../data-access";
import { createRepositories } from "../data-access";
import { openInstanceDatabase } from "./audit-connection";
import { CliError, EXIT, loadInstanceConfig, type CliCommand, type CliIo } from "./command";

const LISTED = 10_000;
const USAGE = "outbox list | outbox retry <outbox-id>... | outbox retry --all";

/** How the command reaches the instance's database; tests give their own. */
export interface OutboxEnvironment {
  open(): Promise<{ repositories: Repositories; close(): Promise<void> }>;
}

const processEnvironment: OutboxEnvironment = {
  async open() {
    const dataSource = await openInstanceDatabase(loadInstanceConfig());
    return { repositories: createRepositories(dataSource.manager), close: () => dataSource.destroy() };
  },
};

interface OutboxArgs {
  action: "list" | "retry";
  ids: number[];
  all: boolean;
}

export function parseOutboxArgs(args: readonly string[]): OutboxArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, options: { all: { type: "boolean", default: false } } });
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), true);
  }
  const [action, ...rest] = parsed.positionals;
  const all = parsed.values.all ?? false;
  if (action === "list" && rest.length === 0 && !all) return { action, ids: [], all };
  if (action !== "retry") throw new CliError(`expected "list" or "retry", got ${action === undefined ? "nothing" : `"${action}"`}`, true);
  if (all === rest.length > 0) throw new CliError("retry takes outbox ids or --all, not both nor neither", true);
  const ids = rest.map((id) => {
    if (!/^[1-9]\d*$/.test(id)) throw new CliError(`"${id}" is not an outbox id (a positive whole number)`, true);
    return Number(id);
  });
  return { action, ids, all };
}

export async function runOutbox(args: readonly string[], io: CliIo, environment: OutboxEnvironment): Promise<number> {
  const options = parseOutboxArgs(args);
  const { repositories, close } = await environment.open();
  try {
    const failed = await repositories.outbox.listFailed(LISTED);
    if (options.action === "list") {
      io.out(`${failed.length} failed outbox item(s).`);
      for (const item of failed) io.out(lineOf(item));
      return failed.length === 0 ? EXIT.OK : EXIT.FOUND_PROBLEMS;
    }
    const wanted = options.all ? failed.map((item) => item.id) : options.ids;
    const notFailed = wanted.filter((id) => !failed.some((item) => item.id === id));
    if (notFailed.length > 0) throw new CliError(`not failed outbox item(s): ${notFailed.join(", ")}; see "cunzheng outbox list"`);
    const requeued = await repositories.outbox.requeue(wanted);
    io.out(
      `${requeued.length} item(s) sent again: ${requeued.join(", ") || "none"}. The worker looks at them against the chain in its next round.`,
    );
    return EXIT.OK;
  } finally {
    await close();
  }
}

function lineOf(item: OutboxItem): string {
  const what =
    item.recordId !== null
      ? `record ${item.recordId}`
      : item.transferId !== null
        ? `transfer ${item.transferId}`
        : `checkpoint of ${item.treeSize} record(s)`;
  return `  ${String(item.id).padStart(8)}  ${item.call.contract}.${item.call.method}  ${what}: ${item.error!.name}: ${item.error!.message}`;
}

export const outboxCommand: CliCommand = {
  usage: USAGE,
  summary:
    "Writes the chain refused (this instance's configuration): list them with the chain's reason, or send them again, " +
    "with the later items of their members they held back. Exit 0: none failed (list) or sent again, 1: some failed, 2: could not run.",
  run: (args, io) => runOutbox(args, io, processEnvironment),
};
