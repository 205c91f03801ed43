// The one reader of process.env: every setting is validated here, once, at start.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { LetterIssuerContact } from "./domain/transfers/letter/pdf";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const hexKey = (bytes: number) =>
  z
    .string()
    .regex(new RegExp(`^[0-9a-fA-F]{${bytes * 2}}$`), `must be ${bytes} bytes as ${bytes * 2} hex digits`)
    .transform((hex) => hex.toLowerCase());

const SECRET_SCHEMAS = {
  FIELD_ENCRYPTION_KEY: hexKey(32),
  BLIND_INDEX_KEY: hexKey(32),
  TOKEN_SECRET: z
    .string()
    .regex(/^(?:[0-9a-fA-F]{2}){32,}$/, "must be at least 32 bytes as an even number of hex digits")
    .transform((hex) => hex.toLowerCase()),
};
type SecretName = keyof typeof SECRET_SCHEMAS;
const SECRET_NAMES = Object.keys(SECRET_SCHEMAS) as SecretName[];

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default("127.0.0.1"),
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/ })
    .refine((url) => !url.endsWith("/"), "must not end with a slash")
    .optional(),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  FIELD_ENCRYPTION_KEY: SECRET_SCHEMAS.FIELD_ENCRYPTION_KEY.optional(),
  BLIND_INDEX_KEY: SECRET_SCHEMAS.BLIND_INDEX_KEY.optional(),
  TOKEN_SECRET: SECRET_SCHEMAS.TOKEN_SECRET.optional(),
  TOKEN_TTL_SECONDS: z.coerce.number().int().min(1).default(43_200),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
  LOGIN_ADDRESS_RATE_LIMIT: z.coerce.number().int().min(1).default(50),
  LOGIN_GLOBAL_RATE_LIMIT: z.coerce.number().int().min(1).default(500),
  TRUST_PROXY: z
    .string()
    .regex(
      /^(true|false|\d{1,2}|[0-9a-fA-F.:/,\s]+|loopback|linklocal|uniquelocal)$/,
      "must be true, false, a hop count, or addresses/subnets separated by commas",
    )
    .default("false"),
  METRICS_TOKEN: z.string().min(16, "must be at least 16 characters").optional(),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  CHAIN_RPC_URL: z.url({ protocol: /^(https?|wss?)$/ }).optional(),
  CHAIN_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, "must be 0x followed by 64 hex digits")
    .optional(),
  CHAIN_CONFIRMATIONS: z.coerce.number().int().min(1).default(1),
  DEPLOYMENT_FILE: z.string().min(1).optional(),
  LOG_ID: z.coerce.number().int().min(1).max(0xffffffff).optional(),
  ANCHOR_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(100),
  ANCHOR_POLL_MS: z.coerce.number().int().min(10).default(500),
  ANCHOR_MAX_BACKOFF_MS: z.coerce.number().int().min(100).default(5_000),
  ANCHOR_DEADLINE_SECONDS: z.coerce.number().int().min(0).default(3600),
  CHECKPOINT_EVERY_RECORDS: z.coerce.number().int().min(1).default(100),
  CHECKPOINT_EVERY_SECONDS: z.coerce.number().int().min(0).default(60),
  RUN_WORKER: z.enum(["true", "false"]).default("true"),
  INDEXER_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  INDEXER_BATCH_BLOCKS: z.coerce.number().int().min(1).max(100_000).default(2_000),
  FEDERATION_REQUEST_MAX_AGE_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  FEDERATION_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(30),
  FEDERATION_FETCH_TIMEOUT_MS: z.coerce.number().int().min(100).default(15_000),
  FEDERATION_RETRY_MAX_MS: z.coerce.number().int().min(100).default(60_000),
  LETTER_ISSUER_ADDRESS: z.string().max(100).optional(),
  LETTER_ISSUER_PHONE: z
    .string()
    .regex(/^[0-9()+\-\s]{5,30}$/, "must be a telephone number: digits, spaces, +, - and brackets")
    .optional(),
  LETTER_ISSUER_FAX: z
    .string()
    .regex(/^[0-9()+\-\s]{5,30}$/, "must be a telephone number: digits, spaces, +, - and brackets")
    .optional(),
  LETTER_ISSUER_POSTCODE: z
    .string()
    .regex(/^[0-9]{6}$/, "must be a postcode of 6 digits")
    .optional(),
  DEMO_PORT_B: z.coerce.number().int().min(0).max(65535).optional(),
  EMBEDDED_CHAIN_PORT: z.coerce.number().int().min(1).max(65535).default(8545),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});

export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  readonly port: number;
  readonly host: string;
  /** Where the public portal is reached from outside (no trailing slash): printed letters link their verification here. */
  readonly publicBaseUrl: string;
  /** Unset: the embedded PGlite database under dataDir. */
  readonly databaseUrl: string | undefined;
  readonly dataDir: string;
  /** Hex strings (no 0x). */
  readonly fieldEncryptionKey: string;
  readonly blindIndexKey: string;
  readonly tokenSecret: string;
  /** The longest a session lasts however active its user: a token carries this expiry. */
  readonly tokenTtlSeconds: number;
  /** A session unused this long ends; every request renews it. */
  readonly sessionIdleSeconds: number;
  /** Failed logins counted against a login (successful ones never count). */
  readonly loginLimits: {
    /** Per username, in each 15-minute window. */
    readonly perUsername: number;
    /** Per source address, in each 15-minute window. */
    readonly perAddress: number;
    /** Over all usernames and addresses, in each hour: the bound on password spraying. */
    readonly global: number;
  };
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the source address (false: none). */
  readonly trustProxy: boolean | number | string;
  /** /metrics on the API's listener answers only with this bearer token; unset, it is not served there. */
  readonly metricsToken: string | undefined;
  /** A separate listener on 127.0.0.1 serving only /metrics, without a token. */
  readonly metricsPort: number | undefined;
  readonly chainRpcUrl: string | undefined;
  readonly chainPrivateKey: string | undefined;
  readonly chainConfirmations: number;
  /** Where the consortium's contract addresses are recorded (written by the embedded default, given by an operator otherwise). */
  readonly deploymentFile: string;
  /** The CheckpointLog log id: the instance's home committee. Unset in the embedded default (the demo's first committee). */
  readonly logId: number | undefined;
  readonly anchoring: {
    readonly batchSize: number;
    readonly pollIntervalMs: number;
    readonly maxBackoffMs: number;
    /** A record not final this long after it was written is reported by the audit sweep. */
    readonly deadlineSeconds: number;
    readonly checkpointEveryRecords: number;
    readonly checkpointEverySeconds: number;
    /** Whether `npm start` runs the anchoring worker in the API process (false: run `npm run worker` beside it). */
    readonly inProcess: boolean;
  };
  /** Following the chain's events, and exchanging member files with other institutions' instances. */
  readonly federation: {
    readonly indexerPollMs: number;
    readonly indexerBatchBlocks: number;
    /** A signed member-file request is refused this long after its timestamp; its nonce is remembered as long. */
    readonly requestMaxAgeSeconds: number;
    /** How far in the future a request's timestamp may be (the two servers' clocks differ a little). */
    readonly clockSkewSeconds: number;
    readonly fetchTimeoutMs: number;
    /** Pauses between fetch attempts double up to this. */
    readonly retryMaxMs: number;
  };
  /** Loopback port of the embedded chain node, used when chainRpcUrl is unset. */
  readonly embeddedChainPort: number;
  /** The issuing committee's contact details, printed on its transfer letters (a blank to fill by hand where unset). */
  readonly letterIssuer: LetterIssuerContact;
  /** The embedded demo's second instance (乙大学) listens here; the first (甲大学) on `port`. */
  readonly demoPortB: number;
  /**
   * On SIGTERM: how long requests in flight and the background rounds (anchoring, chain events, member files) get to
   * finish before the instance closes its database connections and exits anyway.
   */
  readonly shutdownGraceMs: number;
  readonly logLevel: LogLevel;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export const SECRETS_FILE_NAME = "secrets.json";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (FOO= in a .env or compose file) means "unset", not "invalid".
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`));
  }
  const vars = parsed.data;
  const dataDir = path.resolve(vars.DATA_DIR);
  const secrets = vars.DATABASE_URL === undefined ? embeddedSecrets(vars, dataDir) : requiredSecrets(vars);

  return Object.freeze({
    port: vars.PORT,
    host: vars.HOST,
    publicBaseUrl: vars.PUBLIC_BASE_URL ?? `http://${vars.HOST}:${vars.PORT}`,
    databaseUrl: vars.DATABASE_URL,
    dataDir,
    fieldEncryptionKey: secrets.FIELD_ENCRYPTION_KEY,
    blindIndexKey: secrets.BLIND_INDEX_KEY,
    tokenSecret: secrets.TOKEN_SECRET,
    tokenTtlSeconds: vars.TOKEN_TTL_SECONDS,
    sessionIdleSeconds: vars.SESSION_IDLE_MINUTES * 60,
    loginLimits: Object.freeze({
      perUsername: vars.LOGIN_RATE_LIMIT,
      perAddress: vars.LOGIN_ADDRESS_RATE_LIMIT,
      global: vars.LOGIN_GLOBAL_RATE_LIMIT,
    }),
    trustProxy: trustProxyOf(vars.TRUST_PROXY),
    metricsToken: vars.METRICS_TOKEN,
    metricsPort: vars.METRICS_PORT,
    chainRpcUrl: vars.CHAIN_RPC_URL,
    chainPrivateKey: vars.CHAIN_PRIVATE_KEY,
    chainConfirmations: vars.CHAIN_CONFIRMATIONS,
    deploymentFile: path.resolve(vars.DEPLOYMENT_FILE ?? path.join(dataDir, "chain", "deployment.json")),
    logId: vars.LOG_ID,
    anchoring: Object.freeze({
      batchSize: vars.ANCHOR_BATCH_SIZE,
      pollIntervalMs: vars.ANCHOR_POLL_MS,
      maxBackoffMs: vars.ANCHOR_MAX_BACKOFF_MS,
      deadlineSeconds: vars.ANCHOR_DEADLINE_SECONDS,
      checkpointEveryRecords: vars.CHECKPOINT_EVERY_RECORDS,
      checkpointEverySeconds: vars.CHECKPOINT_EVERY_SECONDS,
      inProcess: vars.RUN_WORKER === "true",
    }),
    federation: Object.freeze({
      indexerPollMs: vars.INDEXER_POLL_MS,
      indexerBatchBlocks: vars.INDEXER_BATCH_BLOCKS,
      requestMaxAgeSeconds: vars.FEDERATION_REQUEST_MAX_AGE_SECONDS,
      clockSkewSeconds: vars.FEDERATION_CLOCK_SKEW_SECONDS,
      fetchTimeoutMs: vars.FEDERATION_FETCH_TIMEOUT_MS,
      retryMaxMs: vars.FEDERATION_RETRY_MAX_MS,
    }),
    embeddedChainPort: vars.EMBEDDED_CHAIN_PORT,
    letterIssuer: Object.freeze({
      ...(vars.LETTER_ISSUER_ADDRESS && { address: vars.LETTER_ISSUER_ADDRESS }),
      ...(vars.LETTER_ISSUER_PHONE && { phone: vars.LETTER_ISSUER_PHONE }),
      ...(vars.LETTER_ISSUER_FAX && { fax: vars.LETTER_ISSUER_FAX }),
      ...(vars.LETTER_ISSUER_POSTCODE && { postcode: vars.LETTER_ISSUER_POSTCODE }),
    }),
    // Beside the first instance's port; with PORT=0 (any free port) the second takes any free port too.
    demoPortB: vars.DEMO_PORT_B ?? (vars.PORT === 0 ? 0 : vars.PORT + 1),
    shutdownGraceMs: vars.SHUTDOWN_GRACE_MS,
    logLevel: vars.LOG_LEVEL,
  });
}

/**
 * The embedded demo's second university (乙大学): the same settings as `first`'s, but listening on its DEMO_PORT_B,
 * reached there (PUBLIC_BASE_URL and METRICS_PORT name the first's listener), with its files and generated secrets in
 * `dataDir` and the consortium's deployment file shared.
 */
export function loadDemoSecondConfig(first: Config, dataDir: string, env: NodeJS.ProcessEnv = process.env): Config {
  return loadConfig({
    ...env,
    DATA_DIR: dataDir,
    PORT: String(first.demoPortB),
    PUBLIC_BASE_URL: "",
    METRICS_PORT: "",
    // The first university's committee prints its own contact details; the second has none unless its own are added.
    LETTER_ISSUER_ADDRESS: "",
    LETTER_ISSUER_PHONE: "",
    LETTER_ISSUER_FAX: "",
    LETTER_ISSUER_POSTCODE: "",
    DEPLOYMENT_FILE: first.deploymentFile,
  });
}

type ParsedEnv = z.infer<typeof envSchema>;

/** "true"/"false", a number of hops, or a list Express's proxy-addr understands ("loopback, 10.0.0.0/8"). */
function trustProxyOf(value: string): boolean | number | string {
  if (value === "true" || value === "false") return value === "true";
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
type Secrets = Record<SecretName, string>;

// A real deployment must bring its own keys: generating them silently would make encrypted
// data unreadable on the next host that starts without the same file.
function requiredSecrets(vars: ParsedEnv): Secrets {
  const missing = SECRET_NAMES.filter((name) => vars[name] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((name) => `${name}: required when DATABASE_URL is set`));
  }
  return Object.fromEntries(SECRET_NAMES.map((name) => [name, vars[name]])) as Secrets;
}

// The embedded default works with nothing configured: secrets are generated on first start and
// kept beside the embedded database, so a restart can still decrypt what it stored.
function embeddedSecrets(vars: ParsedEnv, dataDir: string): Secrets {
  const file = path.join(dataDir, SECRETS_FILE_NAME);
  const stored = existsSync(file) ? readSecretsFile(file) : writeSecretsFile(file, dataDir);
  return Object.fromEntries(SECRET_NAMES.map((name) => [name, vars[name] ?? stored[name]])) as Secrets;
}

function readSecretsFile(file: string): Secrets {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError([`${file}: not readable JSON (${(error as Error).message})`]);
  }
  const parsed = z.object(SECRET_SCHEMAS).safeParse(content);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${file} ${issue.path.join(".")}: ${issue.message}`));
  }
  return parsed.data;
}

function writeSecretsFile(file: string, dataDir: string): Secrets {
  const secrets: Secrets = {
    FIELD_ENCRYPTION_KEY: randomBytes(32).toString("hex"),
    BLIND_INDEX_KEY: randomBytes(32).toString("hex"),
    TOKEN_SECRET: randomBytes(32).toString("hex"),
  };
  mkdirSync(dataDir, { recursive: true });
  // "wx": never overwrite keys another process has just written.
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  return secrets;
}
