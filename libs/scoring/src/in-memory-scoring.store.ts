import {
  type CaseFact,
  caseKey,
  type CaseRecord,
  CASE_TYPES,
  earlierFact,
  type Indicator,
  indicatorKey,
  type IndicatorMessage,
  type MeasureStatus,
  sameIndicatorValue,
  type ScoredKpi,
  scoreKey,
  type ScoreMessage,
  type StatusLevel,
  type TimeWindow,
  toIndicatorMessage,
  type WindowScores,
  type WindowStats,
  windowStats,
} from '@portscore/catalogue';
import {
  type CaseRef,
  type DependentCasesQuery,
  type IndicatorChange,
  type OutboxPage,
  type SampleRow,
  type ScoringStore,
  type ScoringUnit,
  type WindowRef,
  windowKey,
  type WindowStatsQuery,
} from '@portscore/persistence';

interface StoredScore {
  message: Omit<ScoreMessage, 'computedAt'>;
  window: TimeWindow;
  basis: string;
  computedAt: Date;
}

/** A ScoringStore in memory with the semantics of the PostgreSQL one, for tests without a database. */
export class InMemoryScoringStore implements ScoringStore, ScoringUnit {
  readonly facts = new Map<string, CaseFact>();
  /** Indexes of `facts`: by case, and by port, case type and milestone. */
  private readonly factsByCase = new Map<string, Map<string, CaseFact>>();
  private readonly factsByKind = new Map<string, Map<string, CaseFact>>();
  /** port|kpi → case id → sample. */
  readonly samples = new Map<string, Map<string, SampleRow>>();
  readonly indicators = new Map<string, { indicator: Indicator; computedAt: Date }>();
  /** Changed indicators and scores not yet sent, oldest first. */
  outbox: Array<{ id: string; kind: 'indicator' | 'score'; key: string }> = [];
  private nextOutboxId = 1;
  readonly scores = new Map<string, StoredScore>();
  /**
   * Facts and samples given as new (not among the loaded cases, `fresh`) whose key was stored
   * after all. PostgreSQL then upserts them instead, at a cost; tests expect none.
   */
  freshConflicts = 0;

  transaction<T>(work: (unit: ScoringUnit) => Promise<T>): Promise<T> {
    return work(this);
  }

  async lockPorts(): Promise<void> {}

  exclusivelyPublishing<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }

  async loadCases(refs: CaseRef[]): Promise<Map<string, CaseRecord>> {
    return this.records(refs.flatMap((ref) => [...(this.factsByCase.get(caseKey(ref))?.values() ?? [])]));
  }

  async upsertFacts(facts: CaseFact[], loaded: Map<string, CaseRecord>): Promise<void> {
    for (const fact of facts) {
      const key = `${caseKey(fact)}|${fact.milestone}`;
      const known = this.facts.get(key);
      if (known && loaded.get(caseKey(fact))?.milestones[fact.milestone] === undefined) this.freshConflicts++;
      const kept = known ? earlierFact(known, fact) : fact;
      this.facts.set(key, kept);
      const ofCase = this.factsByCase.get(caseKey(fact)) ?? new Map<string, CaseFact>();
      ofCase.set(fact.milestone, kept);
      this.factsByCase.set(caseKey(fact), ofCase);
      const kindKey = `${fact.port}|${fact.caseType}|${fact.milestone}`;
      const ofKind = this.factsByKind.get(kindKey) ?? new Map<string, CaseFact>();
      ofKind.set(caseKey(fact), kept);
      this.factsByKind.set(kindKey, ofKind);
    }
  }

  async loadCasesWhere(
    caseType: string,
    attr: string,
    valuesByPort: Map<string, string[]>,
  ): Promise<Map<string, CaseRecord[]>> {
    return new Map(
      [...valuesByPort].map(([port, values]) => [
        port,
        this.casesOf(port, caseType, (f) => values.includes(String(f.attrs[attr]))),
      ]),
    );
  }

  async loadCasesOfPorts(ports: string[], caseType: string): Promise<Map<string, CaseRecord[]>> {
    return new Map(ports.map((port) => [port, this.casesOf(port, caseType, () => true)]));
  }

  private casesOf(port: string, caseType: string, test: (fact: CaseFact) => boolean): CaseRecord[] {
    const facts = [...this.facts.values()].filter((f) => f.port === port && f.caseType === caseType && test(f));
    return [...this.records(facts).values()];
  }

  async dependentCases(queries: DependentCasesQuery[]): Promise<CaseRecord[][]> {
    return queries.map((q) => {
      const hits = this.ofKind(q.port, q.caseType, q.completing).filter(
        (f) => String(f.attrs[q.attr]) === q.value && f.at >= q.from,
      );
      return [...this.records(hits.flatMap((f) => [...this.factsByCase.get(caseKey(f))!.values()])).values()];
    });
  }

  /** Keyed by time and case, as in PostgreSQL: a sample left at its old time when it moved would count twice. */
  async upsertSamples(samples: SampleRow[]): Promise<void> {
    for (const sample of samples) {
      const key = `${sample.port}|${sample.kpi}`;
      const ofKpi = this.samples.get(key) ?? new Map<string, SampleRow>();
      const at = `${sample.at.toISOString()}|${sample.caseId}`;
      if (sample.movedFrom) ofKpi.delete(`${sample.movedFrom.toISOString()}|${sample.caseId}`);
      if (sample.fresh && ofKpi.has(at)) this.freshConflicts++;
      // As in PostgreSQL: an empty sample removes the stored one (none, when it is fresh).
      if (!sample.empty) ofKpi.set(at, sample);
      else if (!sample.fresh) ofKpi.delete(at);
      this.samples.set(key, ofKpi);
    }
  }

  async windowStats(queries: WindowStatsQuery[]): Promise<WindowStats[]> {
    return queries.map((q) => {
      const inWindow = [...(this.samples.get(`${q.port}|${q.kpi}`)?.values() ?? [])].filter(
        (s) => s.at >= q.start && s.at < q.end,
      );
      return windowStats(inWindow, q.percentile ?? 0.5);
    });
  }

  /** The facts of one milestone of a port's cases of a type. */
  private ofKind(port: string, caseType: string, milestone: string): CaseFact[] {
    return [...(this.factsByKind.get(`${port}|${caseType}|${milestone}`)?.values() ?? [])];
  }

  async saveIndicators(indicators: Indicator[], computedAt: Date): Promise<IndicatorChange[]> {
    const changed: IndicatorChange[] = [];
    for (const [index, indicator] of indicators.entries()) {
      const key = indicatorKey({ ...indicator, windowStart: indicator.windowStartText });
      const known = this.indicators.get(key);
      if (
        known &&
        sameIndicatorValue(known.indicator, indicator) &&
        known.indicator.catalogueVersion === indicator.catalogueVersion
      )
        continue;
      this.indicators.set(key, { indicator, computedAt });
      this.outbox.push({ id: String(this.nextOutboxId++), kind: 'indicator', key });
      changed.push({ index, inserted: !known });
    }
    return changed;
  }

  async loadWindowKpis(windows: WindowRef[]): Promise<Map<string, Map<string, ScoredKpi>>> {
    const result = new Map<string, Map<string, ScoredKpi>>(windows.map((w) => [windowKey(w), new Map()]));
    for (const { indicator } of this.indicators.values()) {
      const kpis = result.get(
        windowKey({ port: indicator.port, grain: indicator.grain, windowStart: indicator.windowStart }),
      );
      kpis?.set(indicator.kpi, indicator);
    }
    return result;
  }

  async loadStatuses(ports: string[]): Promise<Map<string, MeasureStatus[]>> {
    const result = new Map<string, MeasureStatus[]>(ports.map((port) => [port, []]));
    for (const fact of this.facts.values()) {
      if (fact.caseType !== CASE_TYPES.measureStatus) continue;
      result.get(fact.port)?.push({
        measure: Number(fact.attrs.measure),
        level: fact.attrs.level as StatusLevel,
        at: fact.at,
        eventKey: fact.eventKey,
      });
    }
    return result;
  }

  async indicatorWindows(port: string): Promise<Array<{ kpi: string; window: TimeWindow }>> {
    return [...this.indicators.values()]
      .filter(({ indicator }) => indicator.port === port)
      .map(({ indicator }) => ({
        kpi: indicator.kpi,
        window: {
          grain: indicator.grain,
          start: indicator.windowStart,
          end: indicator.windowEnd,
          startText: indicator.windowStartText,
          endText: indicator.windowEndText,
        },
      }));
  }

  async scoredWindowsEndingAfter(port: string, at: Date): Promise<TimeWindow[]> {
    return [...this.scores.values()]
      .filter((s) => s.message.kind === 'port' && s.message.port === port && s.window.end > at)
      .map((s) => s.window);
  }

  async saveScores(scores: WindowScores[], computedAt: Date): Promise<number> {
    let changed = 0;
    const put = (message: Omit<ScoreMessage, 'computedAt'>, window: TimeWindow, basis: string) => {
      const key = scoreKey(message);
      const known = this.scores.get(key);
      if (
        known &&
        known.message.score === message.score &&
        known.basis === basis &&
        known.message.coverage === message.coverage &&
        known.message.catalogueVersion === message.catalogueVersion
      )
        return;
      this.scores.set(key, { message, window, basis, computedAt });
      this.outbox.push({ id: String(this.nextOutboxId++), kind: 'score', key });
      changed += 1;
    };
    for (const s of scores) {
      const base = {
        port: s.port,
        grain: s.grain,
        windowStart: s.window.startText,
        windowEnd: s.window.endText,
        catalogueVersion: s.catalogueVersion,
      };
      for (const m of s.measures)
        put({ kind: 'measure', measure: m.measure, ...base, score: m.score }, s.window, m.basis);
      put({ kind: 'port', ...base, score: s.index, coverage: s.coverage }, s.window, 'index');
    }
    return changed;
  }

  async catalogueVersionInForce(): Promise<string | undefined> {
    return undefined;
  }

  async portsWithCases(): Promise<string[]> {
    return [...new Set([...this.facts.values()].map((f) => f.port))].sort();
  }

  async pendingOutbox(limit: number): Promise<OutboxPage> {
    // An entry a message here: the page holds `limit` of them.
    const page = this.outbox.slice(0, limit);
    const indicators = new Map<string, string>();
    const scores = new Map<string, string>();
    for (const { kind, key } of page) {
      if (kind === 'indicator') {
        const entry = this.indicators.get(key)!;
        indicators.set(key, JSON.stringify(toIndicatorMessage(entry.indicator, entry.computedAt)));
      } else {
        const entry = this.scores.get(key)!;
        scores.set(key, JSON.stringify({ ...entry.message, computedAt: entry.computedAt.toISOString() }));
      }
    }
    const list = (byKey: Map<string, string>) => [...byKey].map(([key, value]) => ({ key, value }));
    return {
      ids: page.map((entry) => entry.id),
      messages: page.length,
      indicators: list(indicators),
      scores: list(scores),
    };
  }

  async removeFromOutbox(ids: string[]): Promise<void> {
    const sent = new Set(ids);
    this.outbox = this.outbox.filter((entry) => !sent.has(entry.id));
  }

  /** Compactions asked for (memory needs none). */
  compactions = 0;

  async compactOutbox(): Promise<void> {
    this.compactions += 1;
  }

  /** port|kpi|grain|windowStart → the stored indicator. */
  indicator(port: string, kpi: string, grain: string, windowStart: string): Indicator | undefined {
    return this.indicators.get(`${port}|${kpi}|${grain}|${windowStart}`)?.indicator;
  }

  /** The stored score of a measure (or 'index') for a window. */
  score(port: string, measure: number | 'index', grain: string, windowStart: string): ScoreMessage | undefined {
    const stored = this.scores.get(`${port}|${measure === 'index' ? 'index' : `m${measure}`}|${grain}|${windowStart}`);
    return stored && { ...stored.message, computedAt: stored.computedAt.toISOString() };
  }

  private records(facts: CaseFact[]): Map<string, CaseRecord> {
    const records = new Map<
      string,
      CaseRecord & { milestones: Record<string, { at: Date; attrs: Record<string, unknown>; eventKey: string }> }
    >();
    for (const fact of facts) {
      const record = records.get(caseKey(fact)) ?? { caseId: fact.caseId, milestones: {} };
      record.milestones[fact.milestone] = { at: fact.at, attrs: fact.attrs, eventKey: fact.eventKey };
      records.set(caseKey(fact), record);
    }
    return records;
  }
}
