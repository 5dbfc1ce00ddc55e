import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../config/env.schema';
import { generateApiKey, hashApiKey, lookupOf, verifyApiKey } from './api-key.codec';
import { AuthError, AuthErrorCode } from './auth.error';
import { ApiKeyEntity } from './entities/api-key.entity';
import { TenantEntity } from './entities/tenant.entity';
import type { Principal } from './principal';

export interface CreatedKey {
  id: string;
  tenant: string;
  key: string;
}

/** Verified keys kept per process at most; past it the oldest entry goes (a flood of keys cannot grow memory). */
const CACHE_ENTRIES = 10_000;

/**
 * API keys: issue, verify, revoke. scrypt makes verification slow on purpose, so a verified key is cached for
 * AUTH_CACHE_SECONDS. That is the bound on revocation: the instance that revokes a key forgets it at once, every
 * other instance within AUTH_CACHE_SECONDS (0: every request reads the database).
 */
@Injectable()
export class AuthService {
  private readonly verified = new Map<string, { principal: Principal; expires: number }>();

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async authenticate(key: string): Promise<Principal> {
    const lookup = lookupOf(key);
    const cached = this.verified.get(lookup);
    if (cached && cached.expires > Date.now()) return cached.principal;
    this.verified.delete(lookup);
    const row = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ lookup, revokedAt: IsNull() });
    if (!row || !(await verifyApiKey(key, row.hash))) {
      throw new AuthError(AuthErrorCode.INVALID_KEY, 'invalid or revoked API key');
    }
    const tenant = await this.dataSource.getRepository(TenantEntity).findOneByOrFail({ id: row.tenantId });
    const principal = { keyId: row.id, tenantId: tenant.id, tenantName: tenant.name, isAdmin: row.isAdmin };
    if (this.config.AUTH_CACHE_SECONDS > 0) {
      if (this.verified.size >= CACHE_ENTRIES) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(lookup, { principal, expires: Date.now() + this.config.AUTH_CACHE_SECONDS * 1000 });
    }
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

  /**
   * Revokes a key. An admin may revoke another admin key (rotation: boot every instance with the new
   * TIERSPLIT_ADMIN_KEY, then revoke the old one's id), never the key it is calling with.
   */
  async revoke(id: string, callerKeyId: string): Promise<void> {
    const repo = this.dataSource.getRepository(ApiKeyEntity);
    const row = await repo.findOneBy({ id, revokedAt: IsNull() });
    if (!row) throw new AuthError(AuthErrorCode.KEY_NOT_FOUND, `API key '${id}' not found`);
    if (row.id === callerKeyId) {
      throw new AuthError(AuthErrorCode.ADMIN_KEY_PROTECTED, 'an admin key cannot revoke itself');
    }
    await repo.update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    this.verified.clear();
  }

  /**
   * Stores `key` as an admin key of this database unless it is there already, inside the caller's transaction;
   * returns its id, or null when the key was revoked (it is not brought back). Revokes nothing: other instances'
   * admin keys are theirs.
   */
  async ensureAdminKey(em: EntityManager, key: string): Promise<string | null> {
    const lookup = lookupOf(key);
    const found = await em.findOneBy(ApiKeyEntity, { lookup });
    if (found) return found.revokedAt === null && found.isAdmin ? found.id : null;
    const tenant = await this.findOrCreateTenant(em, 'admin');
    const id = randomUUID();
    await em.insert(ApiKeyEntity, {
      id,
      tenantId: tenant.id,
      lookup,
      hash: await hashApiKey(key),
      isAdmin: true,
      revokedAt: null,
    });
    return id;
  }

  /** Whether the database holds an admin key that is not revoked. */
  hasActiveAdminKey(em: EntityManager): Promise<boolean> {
    return em.existsBy(ApiKeyEntity, { isAdmin: true, revokedAt: IsNull() });
  }

  private async findOrCreateTenant(em: EntityManager, name: string): Promise<TenantEntity> {
    await em.createQueryBuilder().insert().into(TenantEntity).values({ id: randomUUID(), name }).orIgnore().execute();
    return em.findOneByOrFail(TenantEntity, { name });
  }
}
