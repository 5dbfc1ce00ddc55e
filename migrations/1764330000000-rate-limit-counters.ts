import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate-limit counters shared by every API instance: one row per (throttler, API key) window, bumped with one atomic
 * upsert, so N instances enforce one limit instead of N. Rows past their window are deleted periodically.
 */
export class RateLimitCounters1764330000000 implements MigrationInterface {
  name = 'RateLimitCounters1764330000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_limit_counters (
        key text PRIMARY KEY,
        hits integer NOT NULL CHECK (hits >= 0),
        expires_at timestamptz NOT NULL,
        blocked_until timestamptz NULL
      )`);
    await q.query('CREATE INDEX rate_limit_counters_expires ON rate_limit_counters (expires_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE rate_limit_counters');
  }
}
