import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PlatformEntity } from '../platforms/entities/platform.entity';
import { REFERENCE_DIR } from '../platforms/reference/reference-data';
import {
  LoadedPredictor,
  loadPredictor,
  predictorFromArtifact,
  PredictorArtifact,
  releasePredictor,
} from '../predictors/predictor-runtime';
import { DeployedLatencyModel, loadDeployedModel } from './deployed-models';
import { PredictorEntity, PredictorNetworkEntity } from './entities/predictor.entity';

export const REFERENCE_PREDICTORS = join(REFERENCE_DIR, 'predictors');

/**
 * Finds a platform's active predictor. Reference platforms use the committed predictors trained by
 * `npm run train:reference` (nothing is trained at boot); a tenant's platform uses its newest trained one.
 * Loaded predictors are kept by id, so re-planning reuses their ORT sessions. Which one is active is read from
 * the database on every call, so a predictor trained by any process is used by the next plan in every process;
 * the one it supersedes is dropped with its sessions.
 */
@Injectable()
export class PredictorRegistry {
  private readonly loaded = new Map<string, LoadedPredictor>();
  /** The predictor id this process last loaded per tenant platform, to evict it once superseded. */
  private readonly current = new Map<string, string>();
  private readonly deployed = new Map<string, DeployedLatencyModel | null>();

  constructor(private readonly dataSource: DataSource) {}

  async forPlatform(platform: PlatformEntity): Promise<LoadedPredictor | null> {
    if (platform.tenantId === null) return this.reference(platform.slug);
    const row = await this.dataSource
      .getRepository(PredictorEntity)
      .findOne({ where: { platformId: platform.id }, order: { createdAt: 'DESC', id: 'DESC' } });
    if (!row) return null;
    const cached = this.loaded.get(row.id);
    if (cached) return cached;
    const networks = await this.dataSource.getRepository(PredictorNetworkEntity).findBy({ predictorId: row.id });
    const bytes = new Map(networks.map((n) => [n.file, new Uint8Array(n.onnx)]));
    const predictor = predictorFromArtifact(row.artifact, (file) => bytes.get(file)!);
    this.loaded.set(row.id, predictor);
    const superseded = this.current.get(platform.id);
    this.current.set(platform.id, row.id);
    if (superseded !== undefined && superseded !== row.id) {
      this.loaded.delete(superseded);
      await releasePredictor(superseded);
    }
    return predictor;
  }

  /**
   * Names the predictor that predicts for this platform right now (its base's, for a derived platform): part of
   * the key of anything cached from its predictions, so a newer predictor trained anywhere invalidates it.
   */
  async activeVersion(platform: PlatformEntity): Promise<string> {
    const [row]: { reference: boolean; slug: string; predictor: string | null }[] = await this.dataSource.query(
      `SELECT p.tenant_id IS NULL AS reference, p.slug,
              (SELECT id FROM predictors WHERE platform_id = p.id ORDER BY created_at DESC, id DESC LIMIT 1) AS predictor
       FROM platforms p WHERE p.id = $1`,
      [platform.derivedFromId ?? platform.id],
    );
    if (!row) return 'none';
    return row.reference ? `reference:${row.slug}` : (row.predictor ?? 'none');
  }

  /**
   * The deployed (`all`) cost model of a platform that is not derived, or null when it has none. Reference CPUs
   * read theirs from data/reference/predictors/<slug>.deployed.json; a tenant's platform has none yet (kernel
   * measurements, when it has them, still win per kernel).
   */
  deployedModel(platform: PlatformEntity): DeployedLatencyModel | null {
    if (platform.tenantId !== null) return null;
    const key = `deployed:${platform.slug}`;
    if (!this.deployed.has(key)) this.deployed.set(key, loadDeployedModel(platform.slug));
    return this.deployed.get(key)!;
  }

  /** The artifact of a reference platform's predictor, or null when none was trained. */
  referenceArtifact(slug: string): PredictorArtifact | null {
    const file = join(REFERENCE_PREDICTORS, `${slug}.json`);
    return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as PredictorArtifact) : null;
  }

  private reference(slug: string): LoadedPredictor | null {
    const key = `reference:${slug}`;
    if (!this.loaded.has(key)) {
      if (!existsSync(join(REFERENCE_PREDICTORS, `${slug}.json`))) return null;
      this.loaded.set(key, loadPredictor(REFERENCE_PREDICTORS, slug));
    }
    return this.loaded.get(key)!;
  }
}
