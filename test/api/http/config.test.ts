import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError, loadConfig, loadDemoSecondConfig, SECRETS_FILE_NAME } from "../../../api/src/config";

const KEY_A = "a".repeat(64);
const KEY_B = "b".repeat(64);
const KEY_C = "c".repeat(64);

function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("config", function () {
  let dataDir: string;

  beforeEach(function () {
    dataDir = mkdtempSync(path.join(tmpdir(), "cunzheng-config-"));
  });

  afterEach(function () {
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe("defaults", function () {
    it("should run the embedded default with nothing configured but a data directory", function () {
      const config = loadConfig({ DATA_DIR: dataDir });

      expect(config).to.include({
        port: 3000,
        host: "127.0.0.1",
        databaseUrl: undefined,
        dataDir,
        tokenTtlSeconds: 43_200,
        sessionIdleSeconds: 1_800,
        chainConfirmations: 1,
        logLevel: "info",
      });
      expect(config.loginLimits).to.deep.equal({ perUsername: 10, perAddress: 50, global: 500 });
      expect(config).to.include({ trustProxy: false, metricsToken: undefined, metricsPort: undefined });
      expect(Object.isFrozen(config)).to.equal(true);
    });

    it("should put the demo's second university (乙大学) beside the first's port unless DEMO_PORT_B says where", function () {
      expect(loadConfig({ DATA_DIR: dataDir }).demoPortB).to.equal(3001);
      expect(loadConfig({ DATA_DIR: dataDir, PORT: "4000" }).demoPortB).to.equal(4001);
      expect(loadConfig({ DATA_DIR: dataDir, PORT: "0" }).demoPortB).to.equal(0);
      expect(loadConfig({ DATA_DIR: dataDir, PORT: "4000", DEMO_PORT_B: "5000" }).demoPortB).to.equal(5000);
    });

    it("should give the demo's second university its own port, files and secrets, the first's chain and no public address of the first's", function () {
      const env = {
        DATA_DIR: dataDir,
        PORT: "4000",
        PUBLIC_BASE_URL: "https://jia.example.edu.cn",
        METRICS_PORT: "9100",
        LETTER_ISSUER_POSTCODE: "100871",
      };
      const first = loadConfig(env);
      const second = loadDemoSecondConfig(first, path.join(dataDir, "university-b"), env);

      expect(second).to.include({
        port: 4001,
        publicBaseUrl: "http://127.0.0.1:4001",
        metricsPort: undefined,
        dataDir: path.join(dataDir, "university-b"),
      });
      expect(second.deploymentFile).to.equal(first.deploymentFile);
      expect(second.letterIssuer, "the first committee's contact details are not the second's").to.deep.equal({});
      expect(second.fieldEncryptionKey).not.to.equal(first.fieldEncryptionKey);
    });

    it("should treat an empty variable as unset", function () {
      expect(loadConfig({ DATA_DIR: dataDir, PORT: "", DATABASE_URL: "" })).to.include({ port: 3000, databaseUrl: undefined });
    });
  });

  describe("real deployment", function () {
    it("should refuse to start without the three secrets, naming each", function () {
      const error = configError(() => loadConfig({ DATABASE_URL: "postgres://db.example/cunzheng", DATA_DIR: dataDir }));

      expect(error.problems).to.have.members([
        "FIELD_ENCRYPTION_KEY: required when DATABASE_URL is set",
        "BLIND_INDEX_KEY: required when DATABASE_URL is set",
        "TOKEN_SECRET: required when DATABASE_URL is set",
      ]);
      expect(readdirSync(dataDir)).to.deep.equal([]);
    });

    it("should use the secrets it is given", function () {
      const config = loadConfig({
        DATABASE_URL: "postgresql://db.example/cunzheng",
        FIELD_ENCRYPTION_KEY: KEY_A,
        BLIND_INDEX_KEY: KEY_B.toUpperCase(),
        TOKEN_SECRET: KEY_C + KEY_C,
      });

      expect(config).to.include({
        databaseUrl: "postgresql://db.example/cunzheng",
        fieldEncryptionKey: KEY_A,
        blindIndexKey: KEY_B,
        tokenSecret: KEY_C + KEY_C,
      });
    });
  });

  describe("validation", function () {
    it("should list every invalid variable in one error", function () {
      const error = configError(() =>
        loadConfig({
          DATA_DIR: dataDir,
          PORT: "eighty",
          TOKEN_SECRET: "abcd",
          FIELD_ENCRYPTION_KEY: "z".repeat(64),
          LOGIN_RATE_LIMIT: "0",
          CHAIN_PRIVATE_KEY: KEY_A,
          LOG_LEVEL: "loud",
        }),
      );

      const named = error.problems.map((problem) => problem.split(":")[0]);
      expect(named).to.have.members(["PORT", "TOKEN_SECRET", "FIELD_ENCRYPTION_KEY", "LOGIN_RATE_LIMIT", "CHAIN_PRIVATE_KEY", "LOG_LEVEL"]);
      expect(error.message).to.contain("TOKEN_SECRET: must be at least 32 bytes");
    });

    it("should take the issuing committee's contact details for its letters, and refuse a postcode or a telephone number that is not one", function () {
      const contact = {
        LETTER_ISSUER_ADDRESS: "北京市海淀区学院路1号",
        LETTER_ISSUER_PHONE: "010-6275 1234",
        LETTER_ISSUER_POSTCODE: "100871",
      };
      expect(loadConfig({ DATA_DIR: dataDir, ...contact }).letterIssuer).to.deep.equal({
        address: "北京市海淀区学院路1号",
        phone: "010-6275 1234",
        postcode: "100871",
      });
      expect(loadConfig({ DATA_DIR: dataDir }).letterIssuer).to.deep.equal({});

      const error = configError(() => loadConfig({ DATA_DIR: dataDir, LETTER_ISSUER_POSTCODE: "10087", LETTER_ISSUER_FAX: "传真" }));
      expect(error.problems.map((problem) => problem.split(":")[0])).to.have.members(["LETTER_ISSUER_POSTCODE", "LETTER_ISSUER_FAX"]);
      expect(error.message).to.contain("LETTER_ISSUER_POSTCODE: must be a postcode of 6 digits");
    });

    it("should refuse a database URL that is not PostgreSQL", function () {
      const error = configError(() => loadConfig({ DATA_DIR: dataDir, DATABASE_URL: "mysql://db.example/cunzheng" }));

      expect(error.problems).to.have.length(1);
      expect(error.problems[0]).to.match(/^DATABASE_URL:/);
    });
  });

  describe("embedded secrets", function () {
    it("should generate the secrets once, store them owner-only and reuse them on restart", function () {
      const first = loadConfig({ DATA_DIR: dataDir });
      const file = path.join(dataDir, SECRETS_FILE_NAME);

      expect(statSync(file).mode & 0o777).to.equal(0o600);
      for (const key of [first.fieldEncryptionKey, first.blindIndexKey, first.tokenSecret]) {
        expect(key).to.match(/^[0-9a-f]{64}$/);
      }
      expect(new Set([first.fieldEncryptionKey, first.blindIndexKey, first.tokenSecret]).size).to.equal(3);

      const restarted = loadConfig({ DATA_DIR: dataDir });
      expect(restarted.fieldEncryptionKey).to.equal(first.fieldEncryptionKey);
      expect(restarted.blindIndexKey).to.equal(first.blindIndexKey);
      expect(restarted.tokenSecret).to.equal(first.tokenSecret);
    });

    it("should let a variable override the stored secret", function () {
      loadConfig({ DATA_DIR: dataDir });

      expect(loadConfig({ DATA_DIR: dataDir, TOKEN_SECRET: KEY_C }).tokenSecret).to.equal(KEY_C);
    });

    it("should refuse a damaged secrets file rather than replace the keys", function () {
      const file = path.join(dataDir, SECRETS_FILE_NAME);
      writeFileSync(file, JSON.stringify({ FIELD_ENCRYPTION_KEY: KEY_A, BLIND_INDEX_KEY: "short" }));

      const error = configError(() => loadConfig({ DATA_DIR: dataDir }));

      expect(error.message).to.contain("BLIND_INDEX_KEY");
      expect(error.message).to.contain("TOKEN_SECRET");
      expect(JSON.parse(readFileSync(file, "utf8")).FIELD_ENCRYPTION_KEY).to.equal(KEY_A);
    });
  });

  describe("the one reader of process.env", function () {
    it("should be the only file under api/src that reads process.env", function () {
      const apiSource = path.resolve(__dirname, "../../../api/src");
      const readers = (readdirSync(apiSource, { recursive: true }) as string[])
        .filter((file) => file.endsWith(".ts"))
        .filter((file) => readFileSync(path.join(apiSource, file), "utf8").includes("process.env"));

      expect(readers).to.deep.equal(["config.ts"]);
    });
  });
});
