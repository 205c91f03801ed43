import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The first schema. Runs unchanged on PostgreSQL and on embedded PGlite.
 *
 * Conventions: 32-byte values (member keys, hashes, transfer ids) are lowercase 0x-hex in char(66);
 * organization ids are the chain's uint32 OrgRegistry ids, hence bigint; timestamps have millisecond precision
 * so a JavaScript Date round-trips exactly (keyset cursors compare them).
 */
export class InitialSchema1764547200000 implements MigrationInterface {
  name = "InitialSchema1764547200000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organizations (
        id          bigint PRIMARY KEY CHECK (id BETWEEN 1 AND 4294967295),
        parent_id   bigint REFERENCES organizations (id),
        kind        text NOT NULL CHECK (kind IN ('CONSORTIUM', 'COMMITTEE', 'GENERAL_BRANCH', 'BRANCH')),
        name        text NOT NULL,
        may_approve boolean NOT NULL DEFAULT false
      );
      CREATE INDEX organizations_parent_id ON organizations (parent_id);

      CREATE TABLE accounts (
        id                     uuid PRIMARY KEY,
        username               text NOT NULL CONSTRAINT accounts_username_unique UNIQUE,
        password_hash          text NOT NULL,
        role                   text NOT NULL CHECK (role IN ('ORG_ADMIN', 'CLERK', 'APPROVER', 'AUDITOR')),
        org_id                 bigint NOT NULL REFERENCES organizations (id),
        can_read_personal_data boolean NOT NULL DEFAULT false,
        chain_address          char(42) CHECK (chain_address ~ '^0x[0-9a-fA-F]{40}$'),
        disabled               boolean NOT NULL DEFAULT false,
        created_at             timestamptz(3) NOT NULL DEFAULT now()
      );

      CREATE TABLE members (
        id              uuid PRIMARY KEY,
        member_key      char(66) NOT NULL CONSTRAINT members_member_key_unique UNIQUE
                        CHECK (member_key ~ '^0x[0-9a-f]{64}$'),
        org_id          bigint NOT NULL REFERENCES organizations (id),
        stage           text NOT NULL
                        CHECK (stage IN ('APPLICANT', 'ACTIVIST', 'CANDIDATE', 'PROBATIONARY', 'FULL', 'CANCELLED')),
        status          text NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'TRANSFERRED_OUT')),
        personal_data   bytea NOT NULL,
        id_number_index text,
        created_at      timestamptz(3) NOT NULL DEFAULT now(),
        updated_at      timestamptz(3) NOT NULL DEFAULT now()
      );
      CREATE INDEX members_id_number_index ON members (id_number_index);
      CREATE INDEX members_org_page ON members (org_id, created_at DESC, id DESC);

      -- id is the record's position in the institution's log. It is assigned by the trigger below, not by a
      -- sequence: a sequence leaves gaps on rollback and can commit 11 before 10, and either would break the
      -- log's Merkle checkpoints, which must only ever grow by appending.
      CREATE TABLE records (
        id                   bigint PRIMARY KEY,
        member_id            uuid NOT NULL REFERENCES members (id),
        sequence             integer NOT NULL CHECK (sequence >= 1),
        step                 text NOT NULL CHECK (step ~ '^S([1-9]|1[0-9]|2[0-5])$'),
        rule_version         text NOT NULL,
        record_hash          char(66) NOT NULL CONSTRAINT records_record_hash_unique UNIQUE
                             CHECK (record_hash ~ '^0x[0-9a-f]{64}$'),
        prev_hash            char(66) CHECK (prev_hash ~ '^0x[0-9a-f]{64}$'),
        effective_date       date NOT NULL,
        body                 bytea NOT NULL,
        supersedes_record_id bigint REFERENCES records (id),
        reason_code          text,
        created_by           uuid NOT NULL REFERENCES accounts (id),
        created_at           timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT records_member_sequence_unique UNIQUE (member_id, sequence),
        CONSTRAINT records_first_has_no_prev CHECK ((sequence = 1) = (prev_hash IS NULL)),
        CONSTRAINT records_supersede_has_reason CHECK ((supersedes_record_id IS NULL) = (reason_code IS NULL))
      );

      CREATE FUNCTION records_assign_log_position() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Held until commit: appends are serialized, so positions are dense and committed in order.
        PERFORM pg_advisory_xact_lock(hashtext('cunzheng.records.log'));
        NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM records);
        RETURN NEW;
      END $$;
      CREATE TRIGGER records_log_position BEFORE INSERT ON records
        FOR EACH ROW EXECUTE FUNCTION records_assign_log_position();

      CREATE TABLE evidence (
        id           uuid PRIMARY KEY,
        sha256       char(66) NOT NULL CONSTRAINT evidence_sha256_unique UNIQUE CHECK (sha256 ~ '^0x[0-9a-f]{64}$'),
        content_type text NOT NULL,
        size         integer NOT NULL CHECK (size >= 0),
        content      bytea NOT NULL,
        uploaded_by  uuid NOT NULL REFERENCES accounts (id),
        created_at   timestamptz(3) NOT NULL DEFAULT now()
      );

      CREATE TABLE findings (
        id         bigserial PRIMARY KEY,
        record_id  bigint NOT NULL REFERENCES records (id),
        rule       text NOT NULL,
        message    text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now()
      );
      CREATE INDEX findings_record_id ON findings (record_id);

      CREATE TABLE transfers (
        id               char(66) PRIMARY KEY CHECK (id ~ '^0x[0-9a-f]{64}$'),
        member_key       char(66) NOT NULL CHECK (member_key ~ '^0x[0-9a-f]{64}$'),
        member_id        uuid REFERENCES members (id),
        kind             text NOT NULL CHECK (kind IN ('MEMBERSHIP', 'MATERIALS')),
        from_org_id      bigint NOT NULL REFERENCES organizations (id),
        to_org_id        bigint REFERENCES organizations (id),
        destination_hash char(66) CHECK (destination_hash ~ '^0x[0-9a-f]{64}$'),
        destination      bytea,
        state            text NOT NULL DEFAULT 'ISSUED'
                         CHECK (state IN ('ISSUED', 'ACCEPTED', 'REJECTED', 'CANCELLED', 'EXPIRED')),
        valid_until      timestamptz(3) NOT NULL,
        letter_hash      char(66) NOT NULL CHECK (letter_hash ~ '^0x[0-9a-f]{64}$'),
        replaces         char(66) REFERENCES transfers (id),
        reason_code      text,
        receipt_hash     char(66) CHECK (receipt_hash ~ '^0x[0-9a-f]{64}$'),
        created_by       uuid NOT NULL REFERENCES accounts (id),
        created_at       timestamptz(3) NOT NULL DEFAULT now(),
        updated_at       timestamptz(3) NOT NULL DEFAULT now(),
        -- As on chain: a destination is either an organization of the consortium or an outside one (exported).
        CONSTRAINT transfers_one_destination CHECK ((to_org_id IS NULL) <> (destination_hash IS NULL)),
        CONSTRAINT transfers_destination_only_when_exported CHECK (destination IS NULL OR to_org_id IS NULL)
      );
      CREATE UNIQUE INDEX transfers_one_open_per_member ON transfers (member_key) WHERE state = 'ISSUED';
      CREATE INDEX transfers_from_page ON transfers (from_org_id, created_at DESC, id DESC);
      CREATE INDEX transfers_to_page ON transfers (to_org_id, created_at DESC, id DESC);

      CREATE TABLE audit_log (
        id          bigserial PRIMARY KEY,
        at          timestamptz(3) NOT NULL DEFAULT now(),
        account_id  uuid REFERENCES accounts (id),
        org_id      bigint REFERENCES organizations (id),
        action      text NOT NULL,
        target_type text,
        target_id   text,
        details     jsonb NOT NULL DEFAULT '{}'::jsonb
      );
      CREATE INDEX audit_log_org_id ON audit_log (org_id, id DESC);

      -- Append-only tables: a correction is a new row (a superseding record), never an edit.
      -- TRUNCATE is refused too, since it skips row triggers.
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% (% refused)', TG_ARGV[0], TG_OP
          USING HINT = 'append a new row instead: a correction supersedes, it never edits';
      END $$;
      CREATE TRIGGER records_append_only BEFORE UPDATE OR DELETE ON records
        FOR EACH ROW EXECUTE FUNCTION refuse_change('records are append-only');
      CREATE TRIGGER records_no_truncate BEFORE TRUNCATE ON records
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('records are append-only');
      CREATE TRIGGER findings_append_only BEFORE UPDATE OR DELETE ON findings
        FOR EACH ROW EXECUTE FUNCTION refuse_change('findings are append-only');
      CREATE TRIGGER findings_no_truncate BEFORE TRUNCATE ON findings
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('findings are append-only');
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION refuse_change('audit_log is append-only');
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('audit_log is append-only');
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE audit_log, transfers, findings, evidence, records, members, accounts, organizations;
      DROP FUNCTION refuse_change(), records_assign_log_position();
    `);
  }
}
