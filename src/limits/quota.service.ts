import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { LimitsError, LimitsErrorCode } from './limits.error';

/** First key of the two-key advisory lock: this module's namespace, so it meets no other lock in the app. */
const QUOTA_LOCK_SPACE = 0x71756f74; // 'quot'

/**
 * Per-tenant quotas, checked inside the transaction that would exceed them. The tenant's advisory lock serialises
 * concurrent writers of one tenant, so twenty parallel uploads cannot all see room for one more.
 */
@Injectable()
export class QuotaService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** Room for one more model of `fileBytes` (0 for the check made before an upload is read). */
  async assertModelFits(em: EntityManager, tenantId: string, fileBytes: number): Promise<void> {
    await this.lock(em, tenantId);
    const [used] = (await em.query(
      'SELECT count(*)::int AS models, coalesce(sum(file_bytes), 0)::float8 AS bytes FROM models WHERE tenant_id = $1',
      [tenantId],
    )) as { models: number; bytes: number }[];
    const maxModels = this.config.QUOTA_MODELS;
    if (used.models >= maxModels) {
      throw new LimitsError(
        LimitsErrorCode.MODELS_QUOTA,
        `quota QUOTA_MODELS reached: the tenant stores ${used.models} models, at most ${maxModels}; delete one first`,
        { quota: 'QUOTA_MODELS', limit: maxModels, used: used.models },
      );
    }
    const maxBytes = this.config.QUOTA_STORED_BYTES;
    if (used.bytes + fileBytes > maxBytes) {
      throw new LimitsError(
        LimitsErrorCode.STORED_BYTES_QUOTA,
        `quota QUOTA_STORED_BYTES exceeded: the tenant's models hold ${used.bytes} bytes, this file ${fileBytes}, ` +
          `at most ${maxBytes} in all`,
        { quota: 'QUOTA_STORED_BYTES', limit: maxBytes, used: used.bytes, requested: fileBytes },
      );
    }
  }

  /** Room for one more job queued or running for this tenant. */
  async assertJobFits(em: EntityManager, tenantId: string): Promise<void> {
    await this.lock(em, tenantId);
    const [{ active }] = (await em.query(
      "SELECT count(*)::int AS active FROM jobs WHERE tenant_id = $1 AND state IN ('queued', 'running')",
      [tenantId],
    )) as { active: number }[];
    const max = this.config.QUOTA_QUEUED_JOBS;
    if (active >= max) {
      throw new LimitsError(
        LimitsErrorCode.QUEUED_JOBS_QUOTA,
        `quota QUOTA_QUEUED_JOBS reached: the tenant has ${active} jobs queued or running, at most ${max}; ` +
          'wait for one to finish',
        { quota: 'QUOTA_QUEUED_JOBS', limit: max, used: active },
      );
    }
  }

  /** Held until the caller's transaction ends (immediately released outside one). */
  private async lock(em: EntityManager, tenantId: string): Promise<void> {
    await em.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [QUOTA_LOCK_SPACE, tenantId]);
  }
}
