import { ApiErrorCode, ApiException } from '../api.exception';

/** Who is calling, from their API key. */
export interface Principal {
  keyId: string;
  role: 'admin' | 'agency' | 'port';
  /** With role port: the one port the key belongs to. */
  port?: string;
}

export function principalOf(keyId: string, role: string): Principal | undefined {
  if (role === 'admin' || role === 'agency') return { keyId, role };
  const match = /^port:([A-Z0-9]{2,10})$/.exec(role);
  return match ? { keyId, role: 'port', port: match[1] } : undefined;
}

/** Whether the principal may read a port's data. */
export function canRead(principal: Principal, port: string): boolean {
  return principal.role !== 'port' || principal.port === port;
}

/** Throws when the principal may not read the port's data (a port key reading another port). */
export function requireRead(principal: Principal, port: string): void {
  if (!canRead(principal, port))
    throw new ApiException(ApiErrorCode.ForbiddenPort, `port: this key may read ${principal.port} only`);
}
