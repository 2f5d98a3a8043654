import { ConfigurationError } from '@portscore/config';

/** Where the launcher reaches the API it starts, for its readiness probe and the links it prints. */
export interface ApiAddress {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Why the URL differs from API_HOST, when it does. */
  note?: string;
}

/**
 * The address of an API listening on API_HOST:API_PORT. A wildcard host (0.0.0.0, ::) listens on
 * every interface and is not an address to call, so this machine calls it on 127.0.0.1.
 */
export function apiAddress(host: string, port: number): ApiAddress {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  let hostname: string;
  try {
    hostname = new URL(`http://${bare.includes(':') ? `[${bare}]` : bare}:${port}`).hostname;
  } catch {
    throw new ConfigurationError([`API_HOST=${host}: expected a host name or an IP address`]);
  }
  if (hostname === '0.0.0.0' || hostname === '[::]') {
    return {
      url: `http://127.0.0.1:${port}`,
      note: `API_HOST=${host} listens on every interface; this machine reaches it on 127.0.0.1`,
    };
  }
  return { url: `http://${hostname}:${port}` };
}
