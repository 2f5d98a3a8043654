import { EventEmitter } from 'node:events';

import type { Request, Response } from 'express';

import { presentedKey } from './presented-key';
import { rateLimit } from './rate-limit';

const KEY = 'psk_0a1b2c3d4e5f_QmFzZTY0dXJsU2VjcmV0T2ZUaGlydHlUd29DaGFycw';
const OTHER_KEY = 'psk_f5e4d3c2b1a0_T3RoZXJTZWNyZXRPZlRoaXJ0eVR3b0NoYXJhY3RlcnM';

interface Sent {
  status: number;
  retryAfter?: string;
}

/**
 * Sends one request through the limiter and, when it passes, through a stand-in for ApiKeyGuard
 * that accepts the keys in `valid`; the response then finishes, as Express would finish it.
 */
function sender(limit: ReturnType<typeof rateLimit>, valid: string[] = [KEY, OTHER_KEY]) {
  return (headers: Record<string, string>, ip = '203.0.113.7'): Sent => {
    const request = { headers, ip } as unknown as Request & { principal?: { keyId: string } };
    const sent: Sent = { status: 200 };
    const response = Object.assign(new EventEmitter(), {
      setHeader: (name: string, value: string) => {
        if (name.toLowerCase() === 'retry-after') sent.retryAfter = value;
      },
      status: (code: number) => {
        sent.status = code;
        return response;
      },
      json: () => response,
    });
    limit(request, response as unknown as Response, () => {
      const key = presentedKey(request);
      if (key !== undefined && valid.includes(key)) request.principal = { keyId: key.split('_')[1]! };
      else sent.status = 401;
    });
    response.emit('finish');
    return sent;
  };
}

describe('rateLimit', () => {
  let clock: number;
  const now = () => clock;
  beforeEach(() => {
    clock = Date.parse('2026-06-05T08:00:00Z');
  });

  // 600 a minute: bursts of 60, then one request every 100 ms.
  const burst = 60;

  /** Spends the key's whole burst. */
  function exhaust(send: ReturnType<typeof sender>, headers: Record<string, string>, ip?: string): void {
    for (let i = 0; i < burst; i += 1) expect(send(headers, ip).status).toBe(200);
    expect(send(headers, ip).status).toBe(429);
  }

  it('answers 429 with Retry-After once the burst is spent, and lets the client in again after it', () => {
    const send = sender(rateLimit(600, { now }));
    exhaust(send, { authorization: `Bearer ${KEY}` });
    const refused = send({ authorization: `Bearer ${KEY}` });
    expect(refused).toEqual({ status: 429, retryAfter: '1' });
    clock += Number(refused.retryAfter) * 1000;
    expect(send({ authorization: `Bearer ${KEY}` }).status).toBe(200);
  });

  it('counts the same key against one limit whichever header carries it', () => {
    const send = sender(rateLimit(600, { now }));
    for (let i = 0; i < burst / 2; i += 1) {
      expect(send({ authorization: `Bearer ${KEY}` }).status).toBe(200);
      expect(send({ 'x-api-key': KEY }).status).toBe(200);
    }
    expect(send({ 'x-api-key': KEY }).status).toBe(429);
    expect(send({ authorization: `bearer ${KEY}` }).status).toBe(429);
    expect(send({ authorization: `Bearer ${OTHER_KEY}` }, '198.51.100.1').status).toBe(200);
  });

  it('keeps a key its own limit apart from the address it calls from', () => {
    const send = sender(rateLimit(600, { now }));
    exhaust(send, { 'x-api-key': KEY });
    expect(send({}).status).toBe(401);
    expect(send({ 'x-api-key': OTHER_KEY }).status).toBe(200);
  });

  it('does not forget an exhausted key when many anonymous addresses or made-up keys flood in', () => {
    const send = sender(rateLimit(600, { now }));
    exhaust(send, { authorization: `Bearer ${KEY}` });
    for (let i = 0; i < 25_000; i += 1) {
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      send({}, ip);
      send(
        { authorization: `Bearer psk_${i.toString(16).padStart(12, '0')}_madeUpSecretmadeUpSecretmadeUpSecret` },
        ip,
      );
    }
    expect(send({ authorization: `Bearer ${KEY}` }).status).toBe(429);
    expect(send({ 'x-api-key': KEY }).status).toBe(429);
  });

  it('does not let a made-up secret with a real key id spend that key’s limit', () => {
    const send = sender(rateLimit(600, { now }));
    expect(send({ authorization: `Bearer ${KEY}` }).status).toBe(200);
    const forged = `${KEY.slice(0, 'psk_0a1b2c3d4e5f_'.length)}${'x'.repeat(40)}`;
    for (let i = 0; i < 3 * burst; i += 1) send({ authorization: `Bearer ${forged}` }, '192.0.2.66');
    expect(send({ authorization: `Bearer ${forged}` }, '192.0.2.66').status).toBe(429);
    expect(send({ authorization: `Bearer ${KEY}` }).status).toBe(200);
  });

  it('does not lift the limit of an address that sends a new made-up key each time', () => {
    const send = sender(rateLimit(600, { now }));
    const invented = (i: number) => ({ 'x-api-key': `psk_${i.toString(16).padStart(12, '0')}_${'s'.repeat(40)}` });
    for (let i = 0; i < burst; i += 1) expect(send(invented(i), '192.0.2.9').status).toBe(401);
    expect(send(invented(burst), '192.0.2.9')).toEqual({ status: 429, retryAfter: '1' });
  });

  it('limits requests without a key by their address', () => {
    const send = sender(rateLimit(600, { now }));
    for (let i = 0; i < burst; i += 1) expect(send({}, '192.0.2.1').status).toBe(401);
    expect(send({}, '192.0.2.1')).toEqual({ status: 429, retryAfter: '1' });
    expect(send({}, '192.0.2.2').status).toBe(401);
  });

  it('remembers at most maxClients addresses, forgetting the least recently seen', () => {
    const send = sender(rateLimit(600, { now, maxClients: 2 }));
    for (let i = 0; i < burst; i += 1) send({}, '192.0.2.1');
    expect(send({}, '192.0.2.1').status).toBe(429);
    send({}, '192.0.2.2');
    send({}, '192.0.2.3');
    expect(send({}, '192.0.2.1').status).toBe(401);
  });
});
