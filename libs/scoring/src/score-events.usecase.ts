import {
  type CaseFact,
  caseKey,
  type CaseRecord,
  CASE_TYPES,
  computeIndicator,
  extractFacts,
  type Indicator,
  type KpiRule,
  type MeasureCatalogue,
  mergeFacts,
  type RuleContext,
  rulesDependingOn,
  rulesForCaseType,
  scoreWindow,
  type TimeWindow,
  touchedWindows,
  windowOf,
  windowsOf,
  GRAINS,
} from '@portscore/catalogue';
import type { CanonicalEvent, PortRegistry } from '@portscore/contracts';
import {
  type CaseRef,
  type CompletedCasesQuery,
  type DependentCasesQuery,
  type ScoringStore,
  type ScoringUnit,
  windowKey,
} from '@portscore/persistence';

/** Where the use cases get the catalogue in force; `ensure` reloads it when another version is in force. */
export interface CatalogueSource {
  current(): MeasureCatalogue;
  ensure(version: string): Promise<MeasureCatalogue>;
}

/** A fixed catalogue (tests, tools). */
export function fixedCatalogue(catalogue: MeasureCatalogue): CatalogueSource {
  return { current: () => catalogue, ensure: async () => catalogue };
}

/**
 * The catalogue to score with inside a transaction: read after the port locks, so a batch that
 * waited for a recompute of its port uses the catalogue that recompute applied.
 */
export async function catalogueInForce(unit: ScoringUnit, source: CatalogueSource): Promise<MeasureCatalogue> {
  const version = await unit.catalogueVersionInForce();
  return version === undefined || version === source.current().version ? source.current() : source.ensure(version);
}

export interface ScoreEventsCommand {
  events: CanonicalEvent[];
}

export interface ScoreEventsResult {
  newEvents: number;
  windowsRecomputed: number;
  indicatorsChanged: number;
  scoresChanged: number;
}

export interface PlannedWindow {
  query: CompletedCasesQuery;
  window: TimeWindow;
  rules: KpiRule[];
}

/**
 * Stores a batch of canonical events and recomputes every window they touch, in one transaction:
 * the work grows with the windows touched, not with one round trip per event. Windows are those
 * of each changed case's completing milestone (before and after the change), plus those of
 * cases whose result depends on a changed case (charges on a new catalogue, the next credit
 * rating of an enterprise). Measure scores and port indices of those windows follow. Changed
 * results are left unpublished for the outbox to send.
 */
export class ScoreEventsUseCase {
  constructor(
    private readonly store: ScoringStore,
    private readonly catalogues: CatalogueSource,
    private readonly ports: PortRegistry,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  execute(command: ScoreEventsCommand): Promise<ScoreEventsResult> {
    const computedAt = this.clock();
    return this.store.transaction(async (unit) => {
      await unit.lockPorts([...new Set(command.events.map((e) => e.port))]);
      const catalogue = await catalogueInForce(unit, this.catalogues);
      const fresh = await unit.insertEvents(command.events);
      const facts = mergeFacts(fresh.flatMap(extractFacts));
      if (facts.length === 0)
        return { newEvents: fresh.length, windowsRecomputed: 0, indicatorsChanged: 0, scoresChanged: 0 };

      const refs = uniqueCases(facts);
      const before = await unit.loadCases(refs);
      await unit.upsertFacts(facts);
      const after = applyFacts(before, facts);

      const plan = new WindowPlan(catalogue);
      for (const ref of refs) {
        const timeZone = this.timeZone(ref.port);
        for (const rule of rulesForCaseType(ref.caseType)) {
          for (const window of touchedWindows(rule, timeZone, before.get(caseKey(ref)), after.get(caseKey(ref))!)) {
            plan.add(ref.port, rule, window);
          }
        }
      }
      await this.planDependents(unit, facts, plan);

      const statusWindows: Array<{ port: string; window: TimeWindow }> = [];
      for (const fact of facts.filter((f) => f.caseType === CASE_TYPES.measureStatus)) {
        // A status report counts for every window ending after it.
        for (const window of windowsOf(fact.at, this.timeZone(fact.port)))
          statusWindows.push({ port: fact.port, window });
        for (const window of await unit.scoredWindowsEndingAfter(fact.port, fact.at))
          statusWindows.push({ port: fact.port, window });
      }
      const result = await evaluateWindows(unit, catalogue, plan.entries(), statusWindows, computedAt);
      return { newEvents: fresh.length, ...result };
    });
  }

  private timeZone(port: string): string {
    return this.ports.require(port).timeZone;
  }

  /** Windows of cases whose result depends on the changed facts (SPEC: late catalogues, ratings). */
  private async planDependents(unit: ScoringUnit, facts: CaseFact[], plan: WindowPlan): Promise<void> {
    const queries: Array<DependentCasesQuery & { rule: KpiRule }> = [];
    for (const fact of facts) {
      for (const { rule, dependency } of rulesDependingOn(fact.caseType)) {
        const value = fact.attrs[dependency.attr];
        if (value === undefined) continue;
        const from = dependency.fromAttr ? new Date(String(fact.attrs[dependency.fromAttr])) : fact.at;
        queries.push({
          port: fact.port,
          caseType: rule.caseType,
          completing: rule.completing,
          attr: dependency.attr,
          value: String(value),
          from,
          rule,
        });
      }
    }
    const times = await unit.dependentTimes(queries);
    queries.forEach((query, index) => {
      const timeZone = this.timeZone(query.port);
      for (const at of times[index]!) {
        for (const grain of GRAINS) plan.add(query.port, query.rule, windowOf(at, timeZone, grain));
      }
    });
  }
}

/**
 * Recomputes planned windows: loads their cases and what their rules need, saves the indicators
 * that changed, then rescoring those windows (and any other given) from all their stored KPIs.
 */
export async function evaluateWindows(
  unit: ScoringUnit,
  catalogue: MeasureCatalogue,
  planned: PlannedWindow[],
  extraScoreWindows: Array<{ port: string; window: TimeWindow }>,
  computedAt: Date,
): Promise<{ windowsRecomputed: number; indicatorsChanged: number; scoresChanged: number }> {
  const cases = await unit.loadCompletedCases(planned.map((p) => p.query));
  const contexts = await loadContexts(unit, planned, cases);
  const indicators: Indicator[] = planned.flatMap((p, index) =>
    p.rules.map((rule) => computeIndicator(catalogue, rule, p.query.port, p.window, cases[index]!, contexts[index]!)),
  );
  const indicatorsChanged = await unit.saveIndicators(indicators, computedAt);

  const windows = new Map<string, { port: string; window: TimeWindow }>();
  for (const entry of [...planned.map((p) => ({ port: p.query.port, window: p.window })), ...extraScoreWindows]) {
    windows.set(windowKey({ port: entry.port, grain: entry.window.grain, windowStart: entry.window.start }), entry);
  }
  let scoresChanged = 0;
  if (windows.size > 0) {
    const list = [...windows.values()];
    const refs = list.map(({ port, window }) => ({ port, grain: window.grain, windowStart: window.start }));
    const kpis = await unit.loadWindowKpis(refs);
    const statuses = await unit.loadStatuses([...new Set(list.map((w) => w.port))]);
    const scores = list.map(({ port, window }, index) =>
      scoreWindow(catalogue, port, window, kpis.get(windowKey(refs[index]!))!, statuses.get(port) ?? []),
    );
    scoresChanged = await unit.saveScores(scores, computedAt);
  }
  return { windowsRecomputed: planned.length, indicatorsChanged, scoresChanged };
}

/** What the rules of each planned window need beyond its cases, loaded once per port. */
async function loadContexts(
  unit: ScoringUnit,
  planned: PlannedWindow[],
  cases: CaseRecord[][],
): Promise<RuleContext[]> {
  const catalogues = new Map<string, CaseRecord[]>();
  const enterprises = new Map<string, Set<string>>();
  planned.forEach((p, index) => {
    if (p.rules.some((r) => r.context === 'catalogues')) catalogues.set(p.query.port, []);
    if (p.rules.some((r) => r.context === 'creditHistory')) {
      const set = enterprises.get(p.query.port) ?? new Set<string>();
      for (const record of cases[index]!) set.add(String(record.milestones.rated?.attrs.enterpriseId));
      enterprises.set(p.query.port, set);
    }
  });
  for (const port of catalogues.keys()) catalogues.set(port, await unit.loadCasesWhere(port, CASE_TYPES.feeCatalogue));
  const histories = new Map<string, CaseRecord[]>();
  for (const [port, set] of enterprises) {
    histories.set(port, await unit.loadCasesWhere(port, CASE_TYPES.creditEvent, 'enterpriseId', [...set]));
  }
  return planned.map((p) => ({
    ...(catalogues.has(p.query.port) ? { catalogues: catalogues.get(p.query.port) } : {}),
    ...(histories.has(p.query.port) ? { creditHistory: histories.get(p.query.port) } : {}),
  }));
}

/** The distinct (port, case type, completing milestone, window) to recompute, with their rules. */
export class WindowPlan {
  private readonly planned = new Map<string, PlannedWindow>();

  constructor(private readonly catalogue: MeasureCatalogue) {}

  add(port: string, rule: KpiRule, window: TimeWindow): void {
    if (!this.catalogue.hasKpi(rule.kpi)) return;
    const id = [port, rule.caseType, rule.completing, window.grain, window.start.toISOString()].join('|');
    let entry = this.planned.get(id);
    if (!entry) {
      entry = {
        query: { port, caseType: rule.caseType, completing: rule.completing, start: window.start, end: window.end },
        window,
        rules: [],
      };
      this.planned.set(id, entry);
    }
    if (!entry.rules.includes(rule)) entry.rules.push(rule);
  }

  entries(): PlannedWindow[] {
    return [...this.planned.values()];
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
