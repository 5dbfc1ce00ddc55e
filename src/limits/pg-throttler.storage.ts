import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { DataSource } from 'typeorm';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/** Expired windows are deleted this often; a stale row is harmless meanwhile (the upsert resets it). */
const CLEANUP_INTERVAL_MS = 60_000;

/**
 * One atomic statement per request: a fresh window starts at 1 hit, a live one counts up, a blocked key stays
 * blocked; crossing the limit blocks the key for blockDuration. The database's clock is the only clock, so
 * instances with skewed clocks still agree.
 */
const INCREMENT_SQL = `
  INSERT INTO rate_limit_counters AS c (key, hits, expires_at, blocked_until)
  VALUES ($1, 1, now() + make_interval(secs => $2::double precision / 1000),
          CASE WHEN 1 > $3::integer THEN now() + make_interval(secs => $4::double precision / 1000) END)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN c.blocked_until > now() THEN c.hits
                WHEN c.expires_at <= now() THEN 1
                ELSE c.hits + 1 END,
    expires_at = CASE WHEN c.blocked_until > now() THEN c.expires_at
                      WHEN c.expires_at <= now() THEN EXCLUDED.expires_at
                      ELSE c.expires_at END,
    blocked_until = CASE WHEN c.blocked_until > now() THEN c.blocked_until
                         WHEN (CASE WHEN c.expires_at <= now() THEN 1 ELSE c.hits + 1 END) > $3::integer
                           THEN now() + make_interval(secs => $4::double precision / 1000) END
  RETURNING hits,
            extract(epoch FROM (expires_at - now())) * 1000 AS expires_in_ms,
            extract(epoch FROM (blocked_until - now())) * 1000 AS blocked_for_ms`;

interface CounterRow {
  hits: number;
  expires_in_ms: string | number;
  blocked_for_ms: string | number | null;
}

/** ThrottlerStorage on the app's own database, so a limit holds across every API instance. */
@Injectable()
export class PgThrottlerStorage implements ThrottlerStorage, OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private cleanupTimer?: NodeJS.Timeout;

  constructor(private readonly dataSource: DataSource) {}

  async increment(
    key: string,
    ttlMs: number,
    limit: number,
    blockDurationMs: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const rows = (await this.dataSource.query(INCREMENT_SQL, [
      `${throttlerName}:${key}`,
      ttlMs,
      limit,
      blockDurationMs,
    ])) as CounterRow[];
    const row = rows[0];
    const blockedForMs = row.blocked_for_ms === null ? 0 : Number(row.blocked_for_ms);
    const isBlocked = blockedForMs > 0;
    return {
      totalHits: row.hits,
      // Seconds, as the guard writes them into X-RateLimit-Reset and Retry-After.
      timeToExpire: Math.max(0, Math.ceil(Number(row.expires_in_ms) / 1000)),
      isBlocked,
      timeToBlockExpire: isBlocked ? Math.max(1, Math.ceil(blockedForMs / 1000)) : 0,
    };
  }

  /** Deletes windows that ended and blocks that ran out; returns how many rows went. */
  async deleteExpired(): Promise<number> {
    const result = (await this.dataSource.query(
      `DELETE FROM rate_limit_counters
        WHERE expires_at <= now() AND (blocked_until IS NULL OR blocked_until <= now())`,
    )) as [unknown, number];
    return result[1] ?? 0;
  }

  onModuleInit(): void {
    this.cleanupTimer = setInterval(() => {
      this.deleteExpired().catch((error: unknown) =>
        this.logger.warn(`could not delete expired rate-limit counters: ${String(error)}`),
      );
    }, CLEANUP_INTERVAL_MS);
    this.cleanupTimer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.cleanupTimer);
  }
}
