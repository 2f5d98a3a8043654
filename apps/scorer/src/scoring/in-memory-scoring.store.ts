import {
  type CaseFact,
  caseKey,
  type CaseRecord,
  earlierFact,
  type Indicator,
  indicatorKey,
  type IndicatorMessage,
  sameIndicatorValue,
  toIndicatorMessage,
} from '@portscore/catalogue';
import { type CanonicalEvent, eventKey } from '@portscore/contracts';
import type { CaseRef, CompletedCasesQuery, ScoringStore, ScoringUnit } from '@portscore/persistence';

/** A ScoringStore in memory, for unit tests of the scoring use case (no database). */
export class InMemoryScoringStore implements ScoringStore, ScoringUnit {
  readonly events = new Map<string, CanonicalEvent>();
  readonly facts = new Map<string, CaseFact>();
  readonly indicators = new Map<string, { indicator: Indicator; computedAt: Date; published: boolean }>();

  transaction<T>(work: (unit: ScoringUnit) => Promise<T>): Promise<T> {
    return work(this);
  }

  async insertEvents(events: CanonicalEvent[]): Promise<CanonicalEvent[]> {
    return events.filter((event) => {
      if (this.events.has(eventKey(event))) return false;
      this.events.set(eventKey(event), event);
      return true;
    });
  }

  async loadCases(refs: CaseRef[]): Promise<Map<string, CaseRecord>> {
    const wanted = new Set(refs.map(caseKey));
    return this.records([...this.facts.values()].filter((fact) => wanted.has(caseKey(fact))));
  }

  async upsertFacts(facts: CaseFact[]): Promise<void> {
    for (const fact of facts) {
      const key = `${caseKey(fact)}|${fact.milestone}`;
      const known = this.facts.get(key);
      this.facts.set(key, known ? earlierFact(known, fact) : fact);
    }
  }

  async loadCompletedCases(queries: CompletedCasesQuery[]): Promise<CaseRecord[][]> {
    const all = [...this.facts.values()];
    return queries.map((q) => {
      const done = new Set(
        all
          .filter((f) => f.port === q.port && f.caseType === q.caseType && f.milestone === q.completing && f.at >= q.start && f.at < q.end)
          .map(caseKey),
      );
      return [...this.records(all.filter((f) => done.has(caseKey(f)))).values()];
    });
  }

  async saveIndicators(indicators: Indicator[], computedAt: Date): Promise<number> {
    let changed = 0;
    for (const indicator of indicators) {
      const key = indicatorKey({ ...indicator, windowStart: indicator.windowStartText });
      const known = this.indicators.get(key);
      if (known && sameIndicatorValue(known.indicator, indicator) && known.indicator.catalogueVersion === indicator.catalogueVersion) continue;
      this.indicators.set(key, { indicator, computedAt, published: false });
      changed += 1;
    }
    return changed;
  }

  async unpublishedIndicators(limit: number): Promise<IndicatorMessage[]> {
    return [...this.indicators.values()]
      .filter((entry) => !entry.published)
      .slice(0, limit)
      .map((entry) => toIndicatorMessage(entry.indicator, entry.computedAt));
  }

  async markPublished(messages: IndicatorMessage[]): Promise<void> {
    for (const message of messages) {
      const entry = this.indicators.get(indicatorKey(message));
      if (entry && entry.computedAt.toISOString() === message.computedAt) entry.published = true;
    }
  }

  /** port|kpi|grain|windowStart → the stored indicator. */
  indicator(port: string, kpi: string, grain: string, windowStart: string): Indicator | undefined {
    return this.indicators.get(`${port}|${kpi}|${grain}|${windowStart}`)?.indicator;
  }

  private records(facts: CaseFact[]): Map<string, CaseRecord> {
    const records = new Map<string, CaseRecord & { milestones: Record<string, { at: Date; attrs: Record<string, unknown> }> }>();
    for (const fact of facts) {
      const record = records.get(caseKey(fact)) ?? { caseId: fact.caseId, milestones: {} };
      record.milestones[fact.milestone] = { at: fact.at, attrs: fact.attrs };
      records.set(caseKey(fact), record);
    }
    return records;
  }
}
