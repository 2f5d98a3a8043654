import {
  type CanActivate,
  createParamDecorator,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ApiKeyStore } from '@portscore/persistence';
import type { Request } from 'express';

import { PUBLIC_ROUTE } from '@portscore/runtime';

import { presentedKey } from './presented-key';
import { type Principal, principalOf } from './principal';

export const API_KEYS = Symbol('ApiKeyStore');
const ROLES = 'portscore:roles';

/** Restricts a route to some roles; without it every valid key may call. */
export const Roles = (...roles: Principal['role'][]) => SetMetadata(ROLES, roles);

/** The caller of the current request, set by ApiKeyGuard. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal =>
    context.switchToHttp().getRequest<Request & { principal: Principal }>().principal,
);

/**
 * Every route needs an API key (`Authorization: Bearer psk_…` or `X-API-Key`), unless @Public.
 * No key or a bad one: 401. A role the route does not allow: 403.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(API_KEYS) private readonly keys: ApiKeyStore,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { principal?: Principal }>();
    const presented = presentedKey(request);
    if (!presented) throw new UnauthorizedException('an API key is required: Authorization: Bearer <key> or X-API-Key');
    const record = await this.keys.verify(presented);
    const principal = record && principalOf(record.id, record.role);
    if (!principal) throw new UnauthorizedException('the API key is unknown or revoked');
    const roles = this.reflector.getAllAndOverride<Principal['role'][] | undefined>(ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new ForbiddenException(`role ${record.role} may not call this endpoint`);
    }
    request.principal = principal;
    return true;
  }
}
