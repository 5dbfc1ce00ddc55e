import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Brackets, DataSource, In } from 'typeorm';
import type { Page } from '../common/pagination';
import { PlatformEntity } from './entities/platform.entity';
import { CalibrationPointDto, CreatePlatformDto, PlatformDto } from './platforms.dto';
import { fitScale } from '../predictions/calibration';
import { PredictionsService } from '../predictions/predictions.service';
import { PlatformDirectory } from './platform-directory';
import { MAX_SCALE, MIN_SCALE } from './platform-limits';
import { PlatformsError, PlatformsErrorCode } from './platforms.error';
import { defaultGraphOptimizationFor, GraphOptimization, runtimeHasModes } from './runtime';

export function toPlatformDto(p: PlatformEntity, modes: GraphOptimization[], base?: PlatformEntity): PlatformDto {
  const derived = base && p.scale !== null ? { derivedFrom: base.slug, scale: p.scale } : {};
  const calibration = p.calibration ? { calibration: p.calibration } : {};
  return {
    ...derived,
    ...calibration,
    slug: p.slug,
    name: p.name,
    kind: p.kind,
    description: p.description,
    reference: p.tenantId === null,
    runtime: p.runtime,
    defaultGraphOptimization: p.defaultGraphOptimization,
    graphOptimizations: modes,
    createdAt: p.createdAt,
  };
}

/** Platforms a tenant can see: its own and the shared reference ones (whose `ref-` slugs no tenant may take). */
@Injectable()
export class PlatformsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly directory: PlatformDirectory,
    private readonly predictions: PredictionsService,
  ) {}

  async create(tenantId: string, dto: CreatePlatformDto): Promise<PlatformDto> {
    const base = dto.derivedFrom === undefined ? undefined : await this.directory.resolve(tenantId, dto.derivedFrom);
    if (dto.scale !== undefined && dto.calibration !== undefined) {
      throw new PlatformsError(PlatformsErrorCode.BAD_FIELD, 'give either scale or calibration, not both');
    }
    if (dto.calibration && !base) {
      throw new PlatformsError(PlatformsErrorCode.BAD_FIELD, 'calibration needs derivedFrom (the base platform slug)');
    }
    const fit = base && dto.calibration ? await this.calibrate(tenantId, base, dto.calibration) : null;
    const { runtime, defaultGraphOptimization } = runtimeOf(dto, base);
    const created = await this.dataSource.transaction(async (em) => {
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
        scale: fit ? fit.scale : base ? dto.scale! : null,
        calibration: fit,
        runtime,
        defaultGraphOptimization,
      });
      return em.save(row);
    });
    return toPlatformDto(created, await this.predictions.modesOf(created), base);
  }

  private async calibrate(tenantId: string, base: PlatformEntity, points: CalibrationPointDto[]) {
    const measured = [];
    for (const p of points) {
      const baseMs = await this.predictions.totalMs(tenantId, p.modelId, base);
      if (!(baseMs > 0) || !Number.isFinite(baseMs)) {
        throw new PlatformsError(
          PlatformsErrorCode.BAD_FIELD,
          `model '${p.modelId}' takes ${baseMs} ms on '${base.slug}': it cannot calibrate a scale`,
        );
      }
      measured.push({ modelId: p.modelId, measuredMs: p.totalMs, baseMs });
    }
    const fit = fitScale(measured);
    if (!(fit.scale >= MIN_SCALE && fit.scale <= MAX_SCALE)) {
      throw new PlatformsError(
        PlatformsErrorCode.BAD_FIELD,
        `calibration fits scale ${fit.scale.toPrecision(3)}, outside [${MIN_SCALE}, ${MAX_SCALE}]: check the units (ms)`,
      );
    }
    return fit;
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
    const items = [];
    for (const p of rows)
      items.push(toPlatformDto(p, await this.predictions.modesOf(p), bases.get(p.derivedFromId ?? '')));
    return { items, total };
  }

  async describe(tenantId: string, slug: string): Promise<PlatformDto> {
    const platform = await this.directory.resolve(tenantId, slug);
    const base = (await this.basesOf([platform])).get(platform.derivedFromId ?? '');
    return toPlatformDto(platform, await this.predictions.modesOf(platform), base);
  }

  private async basesOf(platforms: PlatformEntity[]): Promise<Map<string, PlatformEntity>> {
    const ids = [...new Set(platforms.map((p) => p.derivedFromId).filter((id): id is string => id !== null))];
    if (ids.length === 0) return new Map();
    const bases = await this.dataSource.getRepository(PlatformEntity).findBy({ id: In(ids) });
    return new Map(bases.map((b) => [b.id, b]));
  }
}

/** A derived platform runs what its base runs; a new one says what it runs, or is ONNX Runtime. */
function runtimeOf(
  dto: CreatePlatformDto,
  base?: PlatformEntity,
): Pick<PlatformEntity, 'runtime' | 'defaultGraphOptimization'> {
  if (base) {
    if (dto.runtime !== undefined || dto.defaultGraphOptimization !== undefined) {
      throw new PlatformsError(
        PlatformsErrorCode.BAD_FIELD,
        `a derived platform runs what '${base.slug}' runs: give neither runtime nor defaultGraphOptimization`,
      );
    }
    return { runtime: base.runtime, defaultGraphOptimization: base.defaultGraphOptimization };
  }
  const runtime = dto.runtime ?? 'onnxruntime';
  if (dto.defaultGraphOptimization !== undefined && !runtimeHasModes(runtime)) {
    throw new PlatformsError(
      PlatformsErrorCode.BAD_FIELD,
      `runtime '${runtime}' has no graph optimisation modes: omit defaultGraphOptimization`,
    );
  }
  return {
    runtime,
    defaultGraphOptimization: dto.defaultGraphOptimization ?? defaultGraphOptimizationFor(runtime, dto.kind),
  };
}
