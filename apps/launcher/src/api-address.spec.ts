import { ConfigurationError } from '@portscore/config';

import { apiAddress } from './api-address';

describe('apiAddress', () => {
  it('calls the API where API_HOST puts it', () => {
    expect(apiAddress('127.0.0.1', 3000)).toEqual({ url: 'http://127.0.0.1:3000' });
    expect(apiAddress('192.168.1.20', 8080)).toEqual({ url: 'http://192.168.1.20:8080' });
    expect(apiAddress('localhost', 3000)).toEqual({ url: 'http://localhost:3000' });
  });

  it('puts an IPv6 address in brackets', () => {
    expect(apiAddress('::1', 3000)).toEqual({ url: 'http://[::1]:3000' });
    expect(apiAddress('[::1]', 3000)).toEqual({ url: 'http://[::1]:3000' });
  });

  it.each(['0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0'])(
    'calls an API listening on every interface (%s) on 127.0.0.1, and says so',
    (host) => {
      const address = apiAddress(host, 3000);
      expect(address.url).toBe('http://127.0.0.1:3000');
      expect(address.note).toContain(`API_HOST=${host}`);
    },
  );

  it('rejects an API_HOST that is not a host, naming the variable', () => {
    expect(() => apiAddress('not a host', 3000)).toThrow(ConfigurationError);
    expect(() => apiAddress('not a host', 3000)).toThrow(/API_HOST=not a host/);
  });
});
