import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { EVENT_TYPES, FilingValidator, type Port, PortRegistry } from '@portscore/contracts';

import { simulate, type SimulatedPort } from './simulator';

const root = join(__dirname, '..', '..', '..');
const registry = new PortRegistry(
  (JSON.parse(readFileSync(join(root, 'seeds/ports.json'), 'utf8')) as { ports: Port[] }).ports,
);
const ports: SimulatedPort[] = ['CNSHA', 'CNPVG', 'CNAKA'].map((id) => ({
  id,
  kind: registry.require(id).kind,
  offsetMinutes: id === 'CNAKA' ? 360 : 480,
}));
const end = new Date('2026-11-01T00:00:00Z');

describe('simulate', () => {
  const filings = simulate({ ports, days: 10, end, seed: 7 });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(JSON.stringify(simulate({ ports, days: 10, end, seed: 7 }))).toBe(JSON.stringify(filings));
    expect(JSON.stringify(simulate({ ports, days: 10, end, seed: 8 }))).not.toBe(JSON.stringify(filings));
  });

  it('produces only filings the gateway accepts, of every event type, none after the end', () => {
    const validator = new FilingValidator({ ports: registry, maxBytes: 1 << 20, maxFutureMs: 0, now: () => end });
    for (const filing of filings) validator.validate({ value: Buffer.from(JSON.stringify(filing)), headers: {} });
    expect(new Set(filings.map((f) => f.type))).toEqual(new Set(EVENT_TYPES));
    expect(filings.every((f) => Date.parse(f.time) < end.getTime())).toBe(true);
  });

  it('re-sends some filings and delivers some late', () => {
    const keys = filings.map((f) => `${f.source} ${f.id}`);
    expect(new Set(keys).size).toBeLessThan(keys.length);
    const times = filings.map((f) => Date.parse(f.time));
    const outOfOrder = times.filter((t, i) => i > 0 && t < times[i - 1]!).length;
    expect(outOfOrder).toBeGreaterThan(10);
  });

  it('gives each port its own profile', () => {
    const electronicShare = (port: string) => {
      const certificates = filings.filter((f) => f.port === port && f.type === 'sw.certificate.issued.v1');
      return certificates.filter((f) => f.data.electronic === true).length / certificates.length;
    };
    const shares = ports.map((p) => electronicShare(p.id));
    expect(Math.max(...shares) - Math.min(...shares)).toBeGreaterThan(0.05);
  });
});
