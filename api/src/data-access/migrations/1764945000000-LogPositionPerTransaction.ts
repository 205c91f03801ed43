import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The records' log-position trigger takes the log's lock and reads max(id) once per transaction instead of once per
 * row. A bulk write (a roster import inserts thousands of records in one statement) spent about half its records
 * INSERT in the trigger (docs/benchmarks.md, bench:import). The first record of a transaction still takes the lock
 * (held until commit, so positions stay dense and committed in order) and reads max(id); it leaves the next position
 * in a transaction-local setting tagged with the transaction's id, and the transaction's later records count on from
 * it. The setting is undone with the transaction or with a rolled-back savepoint (as the rows inserted under it are),
 * and a value left by another transaction (a session-wide SET) does not carry its id, so it is never taken.
 */
export class LogPositionPerTransaction1764945000000 implements MigrationInterface {
  name = "LogPositionPerTransaction1764945000000";

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION records_assign_log_position() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        tag  text := txid_current()::text || ':';
        held text := coalesce(current_setting('cunzheng.records_next_position', true), '');
        next bigint;
      BEGIN
        IF starts_with(held, tag) THEN
          next := substr(held, length(tag) + 1)::bigint;
        ELSE
          -- Held until commit: appends are serialized, so positions are dense and committed in order.
          PERFORM pg_advisory_xact_lock(hashtext('cunzheng.records.log'));
          next := (SELECT coalesce(max(id), 0) + 1 FROM records);
        END IF;
        NEW.id := next;
        PERFORM set_config('cunzheng.records_next_position', tag || (next + 1)::text, true);
        RETURN NEW;
      END $$;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION records_assign_log_position() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- Held until commit: appends are serialized, so positions are dense and committed in order.
        PERFORM pg_advisory_xact_lock(hashtext('cunzheng.records.log'));
        NEW.id := (SELECT coalesce(max(id), 0) + 1 FROM records);
        RETURN NEW;
      END $$;
    `);
  }
}
