import { basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, IsNull, QueryFailedError } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { LOCKS, withSessionLock } from '../database/advisory-lock';
import { ModelEntity } from '../models/entities/model.entity';
import { ModelNodeEntity } from '../models/entities/model-node.entity';
import { ModelsService } from '../models/models.service';
import { MeasurementEntity } from './entities/measurement.entity';
import { PlatformEntity } from './entities/platform.entity';
import {
  loadReferenceGraph,
  loadReferenceMeasurements,
  REFERENCE_PLATFORMS,
  ReferencePlatform,
  referenceGraphs,
} from './reference/reference-data';

const INSERT_BATCH = 1000;

const UNIQUE_VIOLATION = '23505';

/**
 * Seeds, idempotently at boot, the shared reference platforms, their graphs (as tenant-less models) and the
 * measured node latencies from data/reference. Each platform's measurements go in one transaction, so a boot
 * interrupted half-way seeds that platform again next time instead of leaving it partial.
 *
 * Instances booting at once on one PostgreSQL seed one after the other (an advisory lock), and unique keys
 * (reference slug, reference model name, measurement key) with conflict-ignoring inserts guarantee one row each
 * even without the lock: a losing insert reads the winner's row instead of failing the boot.
 */
@Injectable()
export class ReferenceSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('Reference');

  constructor(
    private readonly dataSource: DataSource,
    private readonly models: ModelsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_REFERENCE) return;
    // The embedded database's pool is its one connection: the lock would hold it (and one process owns it).
    if (!this.config.DATABASE_URL) return this.seed();
    await withSessionLock(this.dataSource, LOCKS.referenceSeeding, () => this.seed());
  }

  private async seed(): Promise<void> {
    const started = Date.now();
    const modelIds = await this.seedGraphs();
    for (const spec of REFERENCE_PLATFORMS) {
      const platform = await this.seedPlatform(spec);
      if (await this.dataSource.getRepository(MeasurementEntity).existsBy({ platformId: platform.id })) continue;
      const loaded = await loadReferenceMeasurements(spec.csvPlatform);
      const nodeIndex = await this.nodeIndex(modelIds);
      const rows = loaded.nodes.map((n) => ({
        platformId: platform.id,
        modelId: modelIds.get(n.model)!,
        nodeIdx: nodeIndex.get(`${n.model}\u0000${n.node}`)!,
        nodeName: n.node,
        medianUs: Math.max(n.medianUs, 0.001),
        p10Us: n.p10Us,
        p90Us: n.p90Us,
        runs: n.runs,
        source: 'reference' as const,
      }));
      await this.dataSource.transaction(async (em) => {
        for (let i = 0; i < rows.length; i += INSERT_BATCH) {
          await em
            .createQueryBuilder()
            .insert()
            .into(MeasurementEntity)
            .values(rows.slice(i, i + INSERT_BATCH))
            .orIgnore()
            .execute();
        }
      });
      this.logger.log(`${spec.slug}: ${rows.length} node measurements seeded, ${loaded.unmapped.length} rows unmapped`);
    }
    this.logger.log(`reference data ready in ${Date.now() - started} ms`);
  }

  private async seedGraphs(): Promise<Map<string, string>> {
    const repo = this.dataSource.getRepository(ModelEntity);
    const stored = await repo.findBy({ tenantId: IsNull() });
    const existing = new Map(stored.map((m) => [m.name, m.id]));
    const unfingerprinted = new Set(stored.filter((m) => m.fingerprint === null).map((m) => m.name));
    for (const graph of referenceGraphs()) {
      if (unfingerprinted.has(graph.model)) {
        // Seeded before fingerprints were kept: uploads of the same architecture find these measurements by it.
        const fingerprint = (await loadReferenceGraph(graph)).summary.fingerprint;
        await repo.update({ id: existing.get(graph.model)! }, { fingerprint });
      }
      if (existing.has(graph.model)) continue;
      existing.set(
        graph.model,
        await this.storeGraph(graph.model, await loadReferenceGraph(graph), basename(graph.file)),
      );
    }
    return existing;
  }

  /** Stores a reference graph, or returns the one another instance stored first (unique per name). */
  private async storeGraph(
    name: string,
    ingested: Awaited<ReturnType<typeof loadReferenceGraph>>,
    fileName: string,
  ): Promise<string> {
    try {
      return (await this.models.store(null, name, ingested, fileName)).id;
    } catch (error) {
      if (!(error instanceof QueryFailedError) || (error.driverError as { code?: string }).code !== UNIQUE_VIOLATION) {
        throw error;
      }
      return (await this.dataSource.getRepository(ModelEntity).findOneByOrFail({ name, tenantId: IsNull() })).id;
    }
  }

  private async seedPlatform(spec: ReferencePlatform) {
    const repo = this.dataSource.getRepository(PlatformEntity);
    await repo
      .createQueryBuilder()
      .insert()
      .values({
        id: randomUUID(),
        tenantId: null,
        slug: spec.slug,
        name: spec.name,
        kind: spec.kind,
        description: spec.description,
        derivedFromId: null,
        scale: null,
        runtime: spec.runtime,
        defaultGraphOptimization: spec.defaultGraphOptimization,
      })
      .orIgnore()
      .execute();
    return repo.findOneByOrFail({ slug: spec.slug, tenantId: IsNull() });
  }

  private async nodeIndex(modelIds: Map<string, string>): Promise<Map<string, number>> {
    const nameOf = new Map([...modelIds].map(([name, id]) => [id, name]));
    const nodes = await this.dataSource
      .getRepository(ModelNodeEntity)
      .createQueryBuilder('n')
      .select(['n.modelId', 'n.idx', 'n.name'])
      .where('n.model_id IN (:...ids)', { ids: [...modelIds.values()] })
      .getMany();
    return new Map(nodes.map((n) => [`${nameOf.get(n.modelId)}\u0000${n.name}`, n.idx]));
  }
}
