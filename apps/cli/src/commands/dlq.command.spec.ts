import type { IncomingMessage } from '@portscore/messaging';

import type { PortscoreConfig } from '@portscore/config';

import { dlqRequest, newestFirst, redriveTopic } from './dlq.command';

const letter = (partition: number, offset: string, timestamp: string): IncomingMessage => ({
  topic: 'sw.filings.dlq.v1',
  partition,
  offset,
  key: null,
  value: Buffer.alloc(0),
  headers: {},
  rawHeaders: {},
  timestamp,
});

describe('dlq', () => {
  it('lists the most recent dead letters first, across partitions', () => {
    const letters = [
      letter(0, '0', '1000'),
      letter(0, '1', '3000'),
      letter(1, '0', '2000'),
      letter(1, '1', '3000'),
      letter(0, '2', '4000'),
    ];
    expect(newestFirst(letters).map((l) => `${l.partition}/${l.offset}`)).toEqual(['0/2', '1/1', '0/1', '1/0', '0/0']);
  });

  it('reads --limit as a whole number, 0 for the counts only, 20 by default', () => {
    expect(dlqRequest(['list'])).toEqual({ action: 'list', limit: 20 });
    expect(dlqRequest(['--limit', '0'])).toEqual({ action: 'list', limit: 0 });
    expect(dlqRequest(['list', '--reason', 'unknown_port', '--limit', '5'])).toEqual({
      action: 'list',
      reason: 'unknown_port',
      limit: 5,
    });
    expect(() => dlqRequest(['list', '--limit', 'all'])).toThrow('--limit all: expected a whole number from 0');
  });

  it('re-drives only with a known reason code', () => {
    expect(dlqRequest(['redrive', '--reason', 'retries_exhausted', '--dry-run'])).toEqual({
      action: 'redrive',
      reason: 'retries_exhausted',
      dryRun: true,
    });
    expect(() => dlqRequest(['redrive', '--reason', 'retries-exhausted'])).toThrow(
      /--reason retries-exhausted is not a reject reason; one of: .*retries_exhausted/,
    );
  });

  it('re-drives filings to the filings topic, and events the scorer failed on to the events topic', () => {
    const config = { topics: { filings: 'in.filings', events: 'in.events' } } as PortscoreConfig;
    expect(redriveTopic(config, 'retries_exhausted')).toBe('in.filings');
    expect(redriveTopic(config, 'unknown_port')).toBe('in.filings');
    expect(redriveTopic(config, 'scoring_failed')).toBe('in.events');
  });
});
