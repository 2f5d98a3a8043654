import {
  type CaseFact,
  caseKey,
  type CaseRecord,
  computeIndicator,
  extractFacts,
  type Indicator,
  type KpiRule,
  type MeasureCatalogue,
  mergeFacts,
  rulesForCaseType,
  touchedWindows,
} from '@portscore/catalogue';
import type { CanonicalEvent, PortRegistry } from '@portscore/contracts';
import type { CaseRef, CompletedCasesQuery, ScoringStore } from '@portscore/persistence';

export interface ScoreEventsCommand {
  events: CanonicalEvent[];
}

export interface ScoreEventsResult {
  newEvents: number;
  windowsRecomputed: number;
  indicatorsChanged: number;
}

/**
 * Stores a batch of canonical events and recomputes every window they touch, in one transaction:
 * the work grows with the windows touched, not with one round trip per event. Changed indicators
 * are left unpublished for the outbox to send.
 */
export class ScoreEventsUseCase {
  constructor(
    private readonly store: ScoringStore,
    private readonly catalogue: MeasureCatalogue,
    private readonly ports: PortRegistry,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  execute(command: ScoreEventsCommand): Promise<ScoreEventsResult> {
    const computedAt = this.clock();
    return this.store.transaction(async (unit) => {
      const fresh = await unit.insertEvents(command.events);
      const facts = mergeFacts(fresh.flatMap(extractFacts));
      if (facts.length === 0) return { newEvents: fresh.length, windowsRecomputed: 0, indicatorsChanged: 0 };

      const refs = uniqueCases(facts);
      const before = await unit.loadCases(refs);
      await unit.upsertFacts(facts);
      const after = applyFacts(before, facts);

      const windows = this.touchedWindowQueries(refs, before, after);
      const cases = await unit.loadCompletedCases(windows.map((w) => w.query));
      const indicators: Indicator[] = windows.flatMap((w, index) =>
        w.rules.map((rule) =>
          computeIndicator(this.catalogue, rule, w.query.port, w.window, cases[index]!),
        ),
      );
      const indicatorsChanged = await unit.saveIndicators(indicators, computedAt);
      return { newEvents: fresh.length, windowsRecomputed: windows.length, indicatorsChanged };
    });
  }

  private touchedWindowQueries(refs: CaseRef[], before: Map<string, CaseRecord>, after: Map<string, CaseRecord>) {
    type Entry = { query: CompletedCasesQuery; window: ReturnType<typeof touchedWindows>[number]; rules: KpiRule[] };
    const entries = new Map<string, Entry>();
    for (const ref of refs) {
      const key = caseKey(ref);
      const timeZone = this.ports.require(ref.port).timeZone;
      for (const rule of rulesForCaseType(ref.caseType)) {
        if (!this.catalogue.hasKpi(rule.kpi)) continue;
        for (const window of touchedWindows(rule, timeZone, before.get(key), after.get(key)!)) {
          const id = [ref.port, ref.caseType, rule.completing, window.grain, window.start.toISOString()].join('|');
          let entry = entries.get(id);
          if (!entry) {
            entry = {
              query: { port: ref.port, caseType: ref.caseType, completing: rule.completing, start: window.start, end: window.end },
              window,
              rules: [],
            };
            entries.set(id, entry);
          }
          if (!entry.rules.includes(rule)) entry.rules.push(rule);
        }
      }
    }
    return [...entries.values()];
  }
}

function uniqueCases(facts: CaseFact[]): CaseRef[] {
  const refs = new Map<string, CaseRef>();
  for (const fact of facts) refs.set(caseKey(fact), { port: fact.port, caseType: fact.caseType, caseId: fact.caseId });
  return [...refs.values()];
}

/** The cases as they are after the facts: each milestone keeps its earliest time. */
function applyFacts(before: Map<string, CaseRecord>, facts: CaseFact[]): Map<string, CaseRecord> {
  const after = new Map<string, CaseRecord>();
  for (const fact of facts) {
    const key = caseKey(fact);
    const record = after.get(key) ?? { caseId: fact.caseId, milestones: { ...before.get(key)?.milestones } };
    const known = record.milestones[fact.milestone];
    if (!known || fact.at < known.at) {
      (record.milestones as Record<string, unknown>)[fact.milestone] = { at: fact.at, attrs: fact.attrs };
    }
    after.set(key, record);
  }
  return after;
}
