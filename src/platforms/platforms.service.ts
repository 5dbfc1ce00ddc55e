import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Brackets, DataSource } from 'typeorm';
import type { Page } from '../common/pagination';
import { PlatformEntity } from './entities/platform.entity';
import { CreatePlatformDto, PlatformDto } from './platforms.dto';
import { PlatformsError, PlatformsErrorCode } from './platforms.error';

export function toPlatformDto(p: PlatformEntity): PlatformDto {
  return {
    slug: p.slug,
    name: p.name,
    kind: p.kind,
    description: p.description,
    reference: p.tenantId === null,
    createdAt: p.createdAt,
  };
}

/** Platforms a tenant can see: its own and the shared reference ones (whose `ref-` slugs no tenant may take). */
@Injectable()
export class PlatformsService {
  constructor(private readonly dataSource: DataSource) {}

  async create(tenantId: string, dto: CreatePlatformDto): Promise<PlatformDto> {
    return this.dataSource.transaction(async (em) => {
      const taken = await em.existsBy(PlatformEntity, { tenantId, slug: dto.slug });
      if (taken) throw new PlatformsError(PlatformsErrorCode.SLUG_TAKEN, `platform '${dto.slug}' already exists`);
      const row = em.create(PlatformEntity, {
        id: randomUUID(),
        tenantId,
        slug: dto.slug,
        name: dto.name,
        kind: dto.kind,
        description: dto.description ?? '',
        derivedFromId: null,
        scale: null,
      });
      return toPlatformDto(await em.save(row));
    });
  }

  async list(tenantId: string, limit: number, offset: number): Promise<Page<PlatformDto>> {
    const [rows, total] = await this.dataSource
      .getRepository(PlatformEntity)
      .createQueryBuilder('p')
      .where(new Brackets((w) => w.where('p.tenant_id IS NULL').orWhere('p.tenant_id = :tenantId', { tenantId })))
      .orderBy('p.tenant_id IS NULL', 'DESC')
      .addOrderBy('p.slug', 'ASC')
      .take(limit)
      .skip(offset)
      .getManyAndCount();
    return { items: rows.map(toPlatformDto), total };
  }

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
