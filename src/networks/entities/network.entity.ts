import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { LinkPreset } from '../presets';

export interface StoredTier {
  name: string;
  platform: string;
}

export interface StoredLink {
  uplinkMbps: number;
  downlinkMbps: number;
  rttMs: number;
  preset?: LinkPreset;
}

@Entity('networks')
export class NetworkEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  @Column('text')
  name: string;

  @Column('jsonb')
  tiers: StoredTier[];

  /** Link k joins tier k-1 and tier k; presets are resolved to figures when stored. */
  @Column('jsonb')
  links: StoredLink[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
