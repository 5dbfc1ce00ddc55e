import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AuthError, AuthErrorCode } from './auth.error';
import { AuthService } from './auth.service';
import { ADMIN_ONLY, AuthenticatedRequest, IS_PUBLIC } from './principal';

/** Global guard: every route needs `Authorization: Bearer <key>` unless marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.header('authorization') ?? '');
    if (!match) {
      throw new AuthError(AuthErrorCode.MISSING_KEY, 'missing API key: send Authorization: Bearer <key>');
    }
    req.principal = await this.auth.authenticate(match[1]);
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && !req.principal.isAdmin) {
      throw new AuthError(AuthErrorCode.ADMIN_ONLY, 'this route needs the admin key');
    }
    return true;
  }
}
