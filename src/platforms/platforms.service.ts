import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, In } from 'typeorm';
import type { Page } from '../common/pagination';
import { PlatformEntity } from './entities/platform.entity';
import { CreatePlatformDto, PlatformDto } from './platforms.dto';
import { PlatformsError, PlatformsErrorCode } from './platforms.error';

export function toPlatformDto(p: PlatformEntity, base?: PlatformEntity): PlatformDto {
  const derived = base && p.scale !== null ? { derivedFrom: base.slug, scale: p.scale } : {};
  return {
    ...derived,
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
    const base = dto.derivedFrom === undefined ? undefined : await this.resolve(tenantId, dto.derivedFrom);
    return this.dataSource.transaction(async (em) => {
      const taken = await em.existsBy(PlatformEntity, { tenantId, slug: dto.slug });
      if (taken) throw new PlatformsError(PlatformsErrorCode.SLUG_TAKEN, `platform '${dto.slug}' already exists`);
      const row = em.create(PlatformEntity, {
        id: randomUUID(),
        tenantId,
        slug: dto.slug,
        name: dto.name,
        kind: dto.kind ?? base!.kind,
        description: dto.description ?? '',
        derivedFromId: base?.id ?? null,
        scale: base ? dto.scale! : null,
      });
      return toPlatformDto(await em.save(row), base);
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
    const bases = await this.basesOf(rows);
    return { items: rows.map((p) => toPlatformDto(p, bases.get(p.derivedFromId ?? ''))), total };
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

  async describe(tenantId: string, slug: string): Promise<PlatformDto> {
    const platform = await this.resolve(tenantId, slug);
    return toPlatformDto(platform, (await this.basesOf([platform])).get(platform.derivedFromId ?? ''));
  }

  private async basesOf(platforms: PlatformEntity[]): Promise<Map<string, PlatformEntity>> {
    const ids = [...new Set(platforms.map((p) => p.derivedFromId).filter((id): id is string => id !== null))];
    if (ids.length === 0) return new Map();
    const bases = await this.dataSource.getRepository(PlatformEntity).findBy({ id: In(ids) });
    return new Map(bases.map((b) => [b.id, b]));
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
