import { Injectable } from '@nestjs/common';
import { Brackets, DataSource } from 'typeorm';
import { PlatformEntity } from './entities/platform.entity';
import { PlatformsError, PlatformsErrorCode } from './platforms.error';

/**
 * Finds the platforms a tenant can see (its own and the shared reference ones) by slug. Its own module, with no
 * dependencies but the database, so that predictions, networks and plans can name platforms without depending on
 * the platforms feature (which depends on predictions to calibrate derived platforms).
 */
@Injectable()
export class PlatformDirectory {
  constructor(private readonly dataSource: DataSource) {}

  /** Another tenant's platform is indistinguishable from a missing one. */
  async resolve(tenantId: string, slug: string): Promise<PlatformEntity> {
    const rows = await this.dataSource
      .getRepository(PlatformEntity)
      .createQueryBuilder('p')
      .where('p.slug = :slug', { slug })
      .andWhere(new Brackets((w) => w.where('p.tenant_id IS NULL').orWhere('p.tenant_id = :tenantId', { tenantId })))
      .getMany();
    if (rows.length === 0)
      throw new PlatformsError(PlatformsErrorCode.PLATFORM_NOT_FOUND, `platform '${slug}' not found`);
    return rows[0];
  }

  /** A platform the tenant may write measurements to. */
  async resolveWritable(tenantId: string, slug: string): Promise<PlatformEntity> {
    const platform = await this.resolve(tenantId, slug);
    if (platform.tenantId === null) {
      throw new PlatformsError(PlatformsErrorCode.REFERENCE_READ_ONLY, `reference platform '${slug}' is read-only`);
    }
    return platform;
  }
}
