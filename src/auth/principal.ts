import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export interface Principal {
  keyId: string;
  tenantId: string;
  tenantName: string;
  isAdmin: boolean;
}

export interface AuthenticatedRequest {
  principal?: Principal;
}

export const IS_PUBLIC = 'tiersplit:public';
export const ADMIN_ONLY = 'tiersplit:admin-only';

/** Route needs no key (health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Marks admin routes in the OpenAPI document too, so generated tests know them without a list. */
export const ADMIN_ONLY_EXTENSION = 'x-admin-only';

/** Route needs the admin key. */
export const AdminOnly = () => applyDecorators(SetMetadata(ADMIN_ONLY, true), ApiExtension(ADMIN_ONLY_EXTENSION, true));

/** The authenticated caller; the guard guarantees it is set on every non-public route. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});
