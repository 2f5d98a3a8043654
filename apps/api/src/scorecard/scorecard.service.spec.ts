import { join } from 'node:path';

import { loadCatalogue, loadPorts } from '@portscore/config';
import type { ScorecardReader } from '@portscore/persistence';

import { ScorecardService } from './scorecard.service';

const seeds = join(__dirname, '..', '..', '..', '..', 'seeds');

describe('ScorecardService', () => {
  it("answers by default for the window containing today in the port's time zone", async () => {
    const asked: Date[] = [];
    const reader: ScorecardReader = {
      indicatorsOfWindow: async () => [],
      scoresOfWindow: async (_port, _grain, windowStart) => {
        asked.push(windowStart);
        return [{ measure: 0, score: null, basis: 'index', coverage: 0 }];
      },
      statusReports: async () => new Map(),
    };
    const catalogue = loadCatalogue(seeds);
    // 16:30 UTC on 1 March is 00:30 on 2 March in Shanghai.
    const service = new ScorecardService(
      reader,
      () => catalogue,
      loadPorts(seeds),
      () => new Date('2026-03-01T16:30:00Z'),
    );

    const day = await service.scorecard('CNSHA', 'day', undefined);

    expect([day.windowStart, day.windowEnd]).toEqual(['2026-03-02T00:00:00+08:00', '2026-03-03T00:00:00+08:00']);
    expect(asked).toEqual([new Date('2026-03-01T16:00:00Z')]);
    const month = await service.scorecard('CNSHA', undefined, undefined);
    expect([month.windowStart, month.windowEnd]).toEqual(['2026-03-01T00:00:00+08:00', '2026-04-01T00:00:00+08:00']);
  });
});
