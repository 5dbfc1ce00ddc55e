import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'tenant_id' })
  tenantId: string;

  /** Public, indexed part of the key: finds the row without scanning hashes. */
  @Column('text')
  lookup: string;

  /** scrypt hash of the secret part, `salt:hash` in hex. */
  @Column('text')
  hash: string;

  @Column('boolean', { name: 'is_admin' })
  isAdmin: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'revoked_at', nullable: true })
  revokedAt: Date | null;
}
