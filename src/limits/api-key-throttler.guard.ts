import { createHash } from 'node:crypto';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request } from 'express';
import type { AuthenticatedRequest } from '../auth/principal';

/** Only the API is limited: health, readiness, metrics and the docs stay reachable for operators and probes. */
const LIMITED_PREFIX = '/v1/';

/**
 * Limits requests per API key across every route (one budget per key, not one per handler). The tracker is the key
 * id once authenticated, else a hash of the presented bearer token (never the token itself: it is stored), else
 * the client address.
 */
@Injectable()
export class ApiKeyThrottlerGuard extends ThrottlerGuard {
  protected override async shouldSkip(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    return !(req.path ?? req.url).startsWith(LIMITED_PREFIX);
  }

  protected override async getTracker(req: Record<string, unknown>): Promise<string> {
    const r = req as unknown as Request & AuthenticatedRequest;
    if (r.principal) return `key:${r.principal.keyId}`;
    const token = /^Bearer\s+(\S+)\s*$/i.exec(r.header?.('authorization') ?? '')?.[1];
    if (token) return `token:${createHash('sha256').update(token).digest('hex').slice(0, 32)}`;
    return `ip:${r.ip ?? 'unknown'}`;
  }

  protected override generateKey(_context: ExecutionContext, tracker: string, throttlerName: string): string {
    return `${throttlerName}:${tracker}`;
  }
}
