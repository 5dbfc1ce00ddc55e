import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { generateApiKey, hashApiKey, lookupOf, verifyApiKey } from './api-key.codec';
import { AuthError, AuthErrorCode } from './auth.error';
import { ApiKeyEntity } from './entities/api-key.entity';
import { TenantEntity } from './entities/tenant.entity';
import type { Principal } from './principal';

const CACHE_TTL_MS = 30_000;

export interface CreatedKey {
  id: string;
  tenant: string;
  key: string;
}

/** API keys: issue, verify, revoke. scrypt makes verification slow on purpose, so verified keys are cached briefly. */
@Injectable()
export class AuthService {
  private readonly verified = new Map<string, { principal: Principal; expires: number }>();

  constructor(private readonly dataSource: DataSource) {}

  async authenticate(key: string): Promise<Principal> {
    const lookup = lookupOf(key);
    const cached = this.verified.get(lookup);
    if (cached && cached.expires > Date.now()) return cached.principal;
    const row = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ lookup, revokedAt: IsNull() });
    if (!row || !(await verifyApiKey(key, row.hash))) {
      throw new AuthError(AuthErrorCode.INVALID_KEY, 'invalid or revoked API key');
    }
    const tenant = await this.dataSource.getRepository(TenantEntity).findOneByOrFail({ id: row.tenantId });
    const principal = { keyId: row.id, tenantId: tenant.id, tenantName: tenant.name, isAdmin: row.isAdmin };
    this.verified.set(lookup, { principal, expires: Date.now() + CACHE_TTL_MS });
    return principal;
  }

  /** Creates a key for a tenant, creating the tenant on first use; one transaction. */
  async createKey(tenantName: string, options: { isAdmin?: boolean; key?: string } = {}): Promise<CreatedKey> {
    const key = options.key ?? generateApiKey();
    const hash = await hashApiKey(key);
    return this.dataSource.transaction(async (em) => {
      const tenant = await this.findOrCreateTenant(em, tenantName);
      const row = em.create(ApiKeyEntity, {
        id: randomUUID(),
        tenantId: tenant.id,
        lookup: lookupOf(key),
        hash,
        isAdmin: options.isAdmin ?? false,
        revokedAt: null,
      });
      await em.save(row);
      return { id: row.id, tenant: tenant.name, key };
    });
  }

  async revoke(id: string): Promise<void> {
    const repo = this.dataSource.getRepository(ApiKeyEntity);
    const row = await repo.findOneBy({ id, revokedAt: IsNull() });
    if (!row) throw new AuthError(AuthErrorCode.KEY_NOT_FOUND, `API key '${id}' not found`);
    if (row.isAdmin) {
      throw new AuthError(AuthErrorCode.ADMIN_KEY_PROTECTED, 'the admin key is managed by TIERSPLIT_ADMIN_KEY');
    }
    await repo.update({ id }, { revokedAt: new Date() });
    this.verified.clear();
  }

  /** Makes `key` the one valid admin key: stored if new, every other admin key revoked. */
  async installAdminKey(key: string): Promise<void> {
    const lookup = lookupOf(key);
    const repo = this.dataSource.getRepository(ApiKeyEntity);
    const current = await repo.findOneBy({ lookup, revokedAt: IsNull(), isAdmin: true });
    if (!current) await this.createKey('admin', { isAdmin: true, key });
    await repo
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where('is_admin AND revoked_at IS NULL AND lookup <> :lookup', { lookup })
      .execute();
    this.verified.clear();
  }

  private async findOrCreateTenant(em: EntityManager, name: string): Promise<TenantEntity> {
    await em.createQueryBuilder().insert().into(TenantEntity).values({ id: randomUUID(), name }).orIgnore().execute();
    return em.findOneByOrFail(TenantEntity, { name });
  }
}
