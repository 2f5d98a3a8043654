import {
  adds,
  type CaseRecord,
  type ChargeLine,
  effectiveCatalogue,
  KPI_RULES,
  type KpiRule,
  lineFinding,
  negativeDurationFinding,
  type Sample,
  windowStats,
} from './kpi-rules';

function rule(kpi: string): KpiRule {
  return KPI_RULES.find((r) => r.kpi === kpi)!;
}

function record(milestones: Record<string, [string, Record<string, unknown>?]>, caseId = 'C1'): CaseRecord {
  return {
    caseId,
    milestones: Object.fromEntries(
      Object.entries(milestones).map(([name, [at, attrs]]) => [name, { at: new Date(at), attrs: attrs ?? {} }]),
    ),
  };
}

function both<T>(a: T, b: T): T[][] {
  return [
    [a, b],
    [b, a],
  ];
}

function publication(eventKey: string, publishedAt: string, effectiveFrom: string, channel: string, amount: number) {
  return record(
    {
      published: [
        publishedAt,
        { operatorId: 'OP-A', channel, effectiveFrom, items: [{ code: 'THC', amount, currency: 'CNY' }] },
      ],
    },
    eventKey,
  );
}

function charge(lines: ChargeLine[], at = '2026-10-10T00:00:00Z'): CaseRecord {
  return record({ charged: [at, { operatorId: 'OP-A', invoiceId: 'INV-1', lines }] }, 'urn:op x1');
}

describe('M23 charge lines against the effective catalogue', () => {
  const catalogues = [publication('urn:sw c1', '2026-08-25T01:00:00Z', '2026-09-01T00:00:00Z', 'single_window', 800)];
  const catalogue = effectiveCatalogue(catalogues, 'OP-A', new Date('2026-10-10T00:00:00Z'));

  it('compares code and amount only: a line in another currency within quantity × unit amount complies', () => {
    const usd: ChargeLine = { code: 'THC', quantity: 2, amount: 1600.004, currency: 'USD' };
    expect(lineFinding(usd, catalogue)).toBe('compliant');
    expect(lineFinding({ ...usd, amount: 1600.01 }, catalogue)).toBe('above_catalogue');
    expect(lineFinding({ ...usd, code: 'XTRA' }, catalogue)).toBe('not_in_catalogue');
    expect(lineFinding(usd, undefined)).toBe('no_catalogue');
    const sample = rule('m23.compliant_line_share').sample(charge([usd, { ...usd, amount: 1700, currency: 'CNY' }]), {
      catalogues,
    });
    expect(sample).toMatchObject({ den: 2, num: 1 });
  });
});

describe('effectiveCatalogue', () => {
  const at = new Date('2026-10-10T00:00:00Z');
  const amountIn = (catalogues: CaseRecord[]) => effectiveCatalogue(catalogues, 'OP-A', at)?.items.get('THC')?.amount;

  it('takes the greatest effectiveFrom not after the time, then the later publication', () => {
    const older = publication('urn:sw c1', '2026-08-25T01:00:00Z', '2026-09-01T00:00:00Z', 'single_window', 800);
    const newer = publication('urn:sw c2', '2026-09-20T01:00:00Z', '2026-10-01T00:00:00Z', 'single_window', 700);
    const future = publication('urn:sw c3', '2026-09-20T01:00:00Z', '2026-10-11T00:00:00Z', 'single_window', 600);
    const republished = publication('urn:sw c0', '2026-09-21T01:00:00Z', '2026-10-01T00:00:00Z', 'website', 750);
    for (const order of both(older, newer)) expect(amountIn([...order, future])).toBe(700);
    for (const order of both(newer, republished)) expect(amountIn(order)).toBe(750);
    expect(amountIn([future])).toBeUndefined();
  });

  it('breaks a tie of effectiveFrom and publication time by the larger event key, whatever the order', () => {
    const website = publication('urn:op c1', '2026-09-20T01:00:00Z', '2026-10-01T00:00:00Z', 'website', 900);
    const singleWindow = publication('urn:sw c1', '2026-09-20T01:00:00Z', '2026-10-01T00:00:00Z', 'single_window', 700);
    const m24 = rule('m24.sw_published_share');
    for (const catalogues of both(website, singleWindow)) {
      expect(amountIn(catalogues)).toBe(700);
      expect(m24.sample(charge([]), { catalogues })).toMatchObject({ group: 'OP-A', num: 1 });
    }
  });
});

describe('negativeDurationFinding', () => {
  const permit = (applied: string, decided: string) =>
    record({ applied: [applied, { permitId: 'P1' }], decided: [decided, { permitId: 'P1' }] });

  it('gives the negative hours of a case, which is then no sample of the KPI', () => {
    const backwards = permit('2026-10-05T03:00:00Z', '2026-10-05T01:30:00Z');
    for (const kpi of ['m1.instant_share', 'm1.p90_hours']) {
      expect(negativeDurationFinding(rule(kpi), backwards)).toBe(-1.5);
      expect(rule(kpi).sample(backwards, {})).toMatchObject({ value: null, den: 0 });
    }
  });

  it('gives null for a duration that is not negative, a missing start or a rule over no duration', () => {
    expect(negativeDurationFinding(rule('m1.p90_hours'), permit('2026-10-05T01:00:00Z', '2026-10-05T01:00:00Z'))).toBe(
      null,
    );
    expect(negativeDurationFinding(rule('m1.p90_hours'), record({ decided: ['2026-10-05T01:00:00Z'] }))).toBeNull();
    const certificate = record({ issued: ['2026-10-05T01:00:00Z', { kind: 'entry_inspection' }] });
    expect(negativeDurationFinding(rule('m1.ecert_share'), certificate)).toBeNull();
  });

  it('counts only the cases the KPI measures (goods for M2 and M8, ERP-linked reviews for M6)', () => {
    const released = (goods: string) =>
      record({ arrived: ['2026-10-05T05:00:00Z', { goods }], released: ['2026-10-05T01:00:00Z', { goods }] });
    expect(negativeDurationFinding(rule('m2.release_p50_hours'), released('fresh_produce'))).toBe(-4);
    expect(negativeDurationFinding(rule('m2.release_p50_hours'), released('general'))).toBeNull();
    expect(negativeDurationFinding(rule('m17.release_p50_hours'), released('general'))).toBe(-4);
    const review = (erpLinked: boolean) =>
      record({
        submitted: ['2026-10-05T02:00:00Z', { erpLinked }],
        decided: ['2026-10-05T01:00:00Z', { erpLinked }],
      });
    expect(negativeDurationFinding(rule('m6.erp_fast_share'), review(true))).toBe(-1);
    expect(negativeDurationFinding(rule('m6.erp_fast_share'), review(false))).toBeNull();
  });

  it('is defined for every duration KPI, ending at its completing milestone', () => {
    const spans = KPI_RULES.filter((r) => r.span).map((r) => `${r.kpi} ${r.span!.from}→${r.span!.to}`);
    expect(spans).toEqual([
      'm1.instant_share applied→decided',
      'm1.p90_hours applied→decided',
      'm2.release_p50_hours arrived→released',
      'm5.turnaround_p50_hours sampled→result',
      'm6.erp_fast_share submitted→decided',
      'm7.return_p50_hours requested→completed',
      'm8.release_p50_hours arrived→released',
      'm17.release_p50_hours arrived→released',
    ]);
    for (const r of KPI_RULES.filter((candidate) => candidate.span)) expect(r.span!.to).toBe(r.completing);
  });
});

describe('adds: samples that need not be stored', () => {
  const zero: Sample = { value: null, den: 0, num: 0, den2: 0, num2: 0, group: null };
  // Windows of assorted samples (groups with and without hits, values, both share pairs).
  const windows: Sample[][] = [
    [],
    [{ ...zero, den: 1, num: 1, value: 2.5, group: 'g1' }],
    [
      { ...zero, den: 1, num: 0, den2: 1, num2: 1, value: 4, group: 'g1' },
      { ...zero, den: 1, num: 1, den2: 2, num2: 1, value: 0.5, group: 'g2' },
      { ...zero, den: 3, num: 2, value: 30, group: 'g2' },
    ],
  ];

  it('gives, for every KPI that does not count every case, the same result with or without all-zero samples', () => {
    const other = KPI_RULES.filter((r) => !r.countsEveryCase);
    expect(other.length).toBeGreaterThan(20);
    for (const r of other) {
      expect(adds(r, zero)).toBe(false);
      for (const samples of windows) {
        const without = r.finish(windowStats(samples, r.percentile));
        const withZeros = r.finish(windowStats([...samples, zero, zero, zero], r.percentile));
        expect({ kpi: r.kpi, ...withZeros }).toEqual({ kpi: r.kpi, ...without });
      }
      // Nor is a case with an all-zero sample counted in the drill-down.
      expect(r.finish(windowStats([zero], r.percentile)).samples).toBe(0);
    }
  });

  it('keeps every sample of the KPIs that count every case, whose results depend on it', () => {
    const counting = KPI_RULES.filter((r) => r.countsEveryCase).map((r) => r.kpi);
    expect(counting.sort()).toEqual(['m19.visits_per_order', 'm27.advanced_upgrades']);
    for (const kpi of counting) {
      const r = rule(kpi);
      expect(adds(r, zero)).toBe(true);
      const one = [{ ...zero, num: 1, group: 'g1' }];
      expect(r.finish(windowStats([...one, zero], r.percentile))).not.toEqual(r.finish(windowStats(one, r.percentile)));
    }
  });

  it('finds a sample with anything in it adding', () => {
    const share = rule('m1.instant_share');
    for (const part of [{ value: 0 }, { den: 1 }, { num: 1 }, { den2: 1 }, { num2: 1 }, { group: '' }])
      expect(adds(share, { ...zero, ...part })).toBe(true);
  });
});
