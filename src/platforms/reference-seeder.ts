import { basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { ModelEntity } from '../models/entities/model.entity';
import { ModelNodeEntity } from '../models/entities/model-node.entity';
import { ModelsService } from '../models/models.service';
import { MeasurementEntity } from './entities/measurement.entity';
import { PlatformEntity } from './entities/platform.entity';
import {
  loadReferenceGraph,
  loadReferenceMeasurements,
  REFERENCE_PLATFORMS,
  referenceGraphs,
} from './reference/reference-data';

const INSERT_BATCH = 1000;

/**
 * Seeds, idempotently at boot, the shared reference platforms, their graphs (as tenant-less models) and the
 * measured node latencies from data/reference. Each platform's measurements go in one transaction, so a boot
 * interrupted half-way seeds that platform again next time instead of leaving it partial.
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
    const started = Date.now();
    const modelIds = await this.seedGraphs();
    for (const spec of REFERENCE_PLATFORMS) {
      const platform = await this.seedPlatform(spec.slug, spec.name, spec.kind, spec.description);
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
          await em.insert(MeasurementEntity, rows.slice(i, i + INSERT_BATCH));
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
      const model = await this.models.store(null, graph.model, await loadReferenceGraph(graph), basename(graph.file));
      existing.set(graph.model, model.id);
    }
    return existing;
  }

  private async seedPlatform(slug: string, name: string, kind: PlatformEntity['kind'], description: string) {
    const repo = this.dataSource.getRepository(PlatformEntity);
    const found = await repo.findOneBy({ slug, tenantId: IsNull() });
    if (found) return found;
    return repo.save(
      repo.create({
        id: randomUUID(),
        tenantId: null,
        slug,
        name,
        kind,
        description,
        derivedFromId: null,
        scale: null,
      }),
    );
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
