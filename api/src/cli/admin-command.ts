// `cunzheng admin create --org <committee> --username <name>`: the first ORG_ADMIN of a committee on a new deployment,
// made by the operator on the instance's host with the instance's own configuration. The password is asked without
// echo on a terminal, or read from the first line of standard input otherwise (so a script can give it).
import { parseArgs } from "node:util";
import { ConfigError, loadConfig, type Config } from "../config";
import { createDataSource, createRepositories, withTransaction, type Organization } from "../data-access";
import { createFirstAdmin } from "../domain/accounts";
import { AppError } from "../domain/errors";
import type { Institution } from "../domain/institution";
import { CliError, EXIT, type CliCommand, type CliIo } from "./command";
import { readPassword, type PasswordSource } from "./password-prompt";

export interface AdminCreateArgs {
  readonly org: string;
  readonly username: string;
  readonly displayName: string;
}

export function parseAdminArgs(args: readonly string[]): AdminCreateArgs {
  const [action, ...rest] = args;
  if (action !== "create") throw new CliError(action === undefined ? "which action? (create)" : `unknown action "${action}"`, true);
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { org: { type: "string" }, username: { type: "string" }, "display-name": { type: "string" } },
    }));
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), true);
  }
  if (!values.org) throw new CliError("--org is required: the committee's id or its exact name", true);
  if (!values.username) throw new CliError("--username is required", true);
  return { org: values.org, username: values.username, displayName: values["display-name"] ?? values.username };
}

function committeeNamed(organizations: Organization[], org: string): Organization {
  const found = /^\d+$/.test(org)
    ? organizations.find((candidate) => candidate.id === Number(org))
    : organizations.find((candidate) => candidate.name === org);
  if (!found) {
    throw new CliError(
      `no organization "${org}" in this instance's database: start the instance once so its indexer mirrors the chain's organizations, then try again`,
    );
  }
  return found;
}

export interface AdminEnvironment {
  config(): Config;
  password: PasswordSource;
}

const processEnvironment: AdminEnvironment = {
  config() {
    try {
      return loadConfig();
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(error.message);
      throw error;
    }
  },
  password: { input: process.stdin, prompt: process.stderr },
};

export async function runAdmin(args: readonly string[], io: CliIo, environment: AdminEnvironment): Promise<number> {
  const parsed = parseAdminArgs(args);
  const config = environment.config();
  const dataSource = await createDataSource({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl ? undefined : `${config.dataDir}/pglite`,
  });
  try {
    const repositories = createRepositories(dataSource.manager);
    const committee = committeeNamed(await repositories.organizations.list(), parsed.org);
    const password = await readPassword(environment.password, `Password for ${parsed.username}: `);
    const transaction: Institution["transaction"] = (work) => withTransaction(dataSource, (inner) => work(inner));
    const account = await createFirstAdmin(
      { transaction },
      { username: parsed.username, displayName: parsed.displayName, orgId: committee.id, password },
    );
    io.out(`${account.username}: ORG_ADMIN of ${committee.name} (${committee.id})`);
    return EXIT.OK;
  } catch (error) {
    if (error instanceof AppError) throw new CliError(`${error.message}${error.rule ? ` (${error.rule})` : ""}`);
    throw error;
  } finally {
    await dataSource.destroy();
  }
}

export const adminCommand: CliCommand = {
  usage: "admin create --org <committee id or name> --username <name> [--display-name <name>]",
  summary: "Create a committee's first ORG_ADMIN in this instance's database (the password is asked for, not echoed)",
  run: (args, io) => runAdmin(args, io, processEnvironment),
};
