import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Page } from '../common/pagination';
import { PlanEntity } from './entities/plan.entity';
import type { PlanSummaryDto } from './plan-list.dto';
import { PlansError, PlansErrorCode } from './plans.error';

interface SummaryRow {
  id: string;
  model_id: string;
  created_at: Date;
  objective: string;
  total_ms: number;
  transfer_dtype: string | null;
  tiers: PlanSummaryDto['tiers'] | null;
}

/** Listing and deleting stored plans; the database picks the summary fields out of each plan's JSON. */
@Injectable()
export class PlanListService {
  constructor(private readonly dataSource: DataSource) {}

  async list(tenantId: string, limit: number, offset: number): Promise<Page<PlanSummaryDto>> {
    const [rows, counted] = await Promise.all([
      this.dataSource.query(
        `SELECT p.id, p.model_id, p.created_at, p.plan->>'objective' AS objective,
                (p.plan->>'totalMs')::double precision AS total_ms, p.plan->>'transferDtype' AS transfer_dtype,
                (SELECT jsonb_agg(jsonb_build_object('tier', t->'tier', 'platform', t->'platform',
                                                     'computeMs', t->'computeMs') ORDER BY n)
                   FROM jsonb_array_elements(p.plan->'tiers') WITH ORDINALITY AS e(t, n)) AS tiers
           FROM plans p WHERE p.tenant_id = $1
          ORDER BY p.created_at ASC, p.id ASC LIMIT $2 OFFSET $3`,
        [tenantId, limit, offset],
      ) as Promise<SummaryRow[]>,
      this.dataSource.getRepository(PlanEntity).countBy({ tenantId }),
    ]);
    return {
      items: rows.map((r) => ({
        id: r.id,
        modelId: r.model_id,
        objective: r.objective,
        totalMs: Number(r.total_ms),
        ...(r.transfer_dtype ? { transferDtype: r.transfer_dtype } : {}),
        tiers: r.tiers ?? [],
        createdAt: new Date(r.created_at),
      })),
      total: counted,
    };
  }

  async remove(tenantId: string, id: string): Promise<void> {
    // Another tenant's plan is indistinguishable from a missing one.
    const result = await this.dataSource.getRepository(PlanEntity).delete({ id, tenantId });
    if (!result.affected) throw new PlansError(PlansErrorCode.PLAN_NOT_FOUND, `plan '${id}' not found`);
  }
}
