import { isUriReference } from './uri-reference';

describe('isUriReference (RFC 3986 §4.1)', () => {
  it.each([
    'urn:x:y',
    'urn:cnsha:quarantine',
    '/erp/sh',
    'https://a.example/b?c#d',
    'https://api.carrier.example/v3/transport-document-notifications',
    'http://user:pw@a.example:8080/p%20q?x=1&y=%7E#frag/?',
    'http://a.example:/',
    'http://[::1]/',
    'http://[2001:db8::7]:443/a',
    'http://[::ffff:192.0.2.1]/',
    'http://[fe80:0:0:0:200:f8ff:fe21:67cf]',
    'http://[v1.fe80::a+en1]/',
    'http://192.0.2.16/',
    'file:///etc/hosts',
    'mailto:ops@port.example',
    'tag:port.example,2026:quarantine',
    'erp',
    './a:b',
    'a/b:c',
    '../up',
    '//host.example/path',
    '?query',
    '#fragment',
    "x-y+z.1:!$&'()*+,;=",
  ])('accepts %j', (text) => {
    expect(isUriReference(text)).toBe(true);
  });

  it.each([
    '<bad>',
    '://',
    ':a',
    'a\u0001b',
    'urn:a b',
    'urn:a\tb',
    'urn:a\nb',
    'http://x/%zz',
    'http://x/%4',
    'urn:x%',
    '1a:b',
    'a_b:c',
    'http://a b/',
    'http://a^b/',
    'http://[::1/',
    'http://[::1]x/',
    'http://[1:2:3:4:5:6:7:8:9]/',
    'http://[::ffff:256.0.0.1]/',
    'http://[fe80::1%eth0]/',
    'http://a.example:80a/',
    'http://a@b@c/',
    'http://a:b:c/',
    'urn:x#a#b',
    'urn:x?a[0]',
    'urn:港口',
    'urn:x\\y',
    'urn:"x"',
    'urn:x{y}',
  ])('refuses %j', (text) => {
    expect(isUriReference(text)).toBe(false);
  });

  it('answers at once for long inputs built to make a pattern backtrack', () => {
    const started = Date.now();
    for (const text of [
      `//${'a'.repeat(500_000)}:x`,
      `//${'a@'.repeat(200_000)}`,
      `//[${':'.repeat(500_000)}]`,
      `/${'%4'.repeat(300_000)}`,
      `${'a'.repeat(500_000)}\u0001`,
    ])
      expect(isUriReference(text)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
