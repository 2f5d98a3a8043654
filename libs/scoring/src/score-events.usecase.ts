import {
  adds,
  attr,
  type CaseFact,
  caseKey,
  type CaseRecord,
  CASE_TYPES,
  extractFacts,
  GRAINS,
  type Indicator,
  indicatorOf,
  type KpiRule,
  type MeasureCatalogue,
  mergeFacts,
  reportedBefore,
  type RuleContext,
  rulesDependingOn,
  rulesForCaseType,
  scoreWindow,
  type TimeWindow,
  touchedWindows,
  windowsAt,
  windowsEndedBetween,
} from '@portscore/catalogue';
import type { CanonicalEvent, PortRegistry } from '@portscore/contracts';
import {
  type CaseRef,
  type DependentCasesQuery,
  type SampleRow,
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

export interface ScoreEventsOptions {
  /**
   * How many days back a status report scores the windows that ended after it and have no
   * scores yet (`OPEN_WINDOWS_LOOKBACK_DAYS`, as the scorer's catch-up); 0: only those with scores.
   */
  lookBackDays: number;
}

const DAY_MS = 86_400_000;

/** The instant (epoch ms) a look-back of `days` from `now` reaches back to. */
export function lookBackStart(now: Date, days: number): number {
  return now.getTime() - days * DAY_MS;
}

export interface ScoreEventsCommand {
  events: CanonicalEvent[];
}

export interface ScoreEventsResult {
  /** Events scored (a repeated or redelivered event counts again). */
  eventsScored: number;
  windowsRecomputed: number;
  indicatorsChanged: number;
  scoresChanged: number;
  /** Where the batch's time went, in milliseconds (for logs and benchmarks). */
  timings?: ScoreTimings;
}

export interface ScoreTimings {
  /** Port locks, events, cases before the batch, facts. */
  storeMs: number;
  /** Dependent cases, rule contexts, samples. */
  sampleMs: number;
  /** Window aggregates and indicators. */
  indicatorsMs: number;
  /** Measure scores and port indices. */
  scoresMs: number;
}

export interface PlannedWindow {
  port: string;
  rule: KpiRule;
  window: TimeWindow;
}

/** A case to sample again for the KPIs of its type: as it is now, and as it was before the batch. */
export interface CaseToSample {
  ref: CaseRef;
  record: CaseRecord;
  before: CaseRecord | undefined;
}

/**
 * Brings every KPI a batch of canonical events affects up to date, in one transaction: the
 * events' facts are stored as case milestones, each changed case is sampled again for the KPIs of
 * its type (so are the cases whose samples depend on a changed case: charges on a new fee
 * catalogue, the next credit rating of an enterprise), and each window a sample entered or left is aggregated again from the stored
 * samples. The work grows with the batch and the windows it touches, never with one round trip
 * per event, and the cases of a window are never read back. Measure scores and port indices of
 * those windows follow. Changed results are left unpublished for the outbox to send.
 */
export class ScoreEventsUseCase {
  private readonly options: ScoreEventsOptions;

  constructor(
    private readonly store: ScoringStore,
    private readonly catalogues: CatalogueSource,
    private readonly ports: PortRegistry,
    private readonly clock: () => Date = () => new Date(),
    options: Partial<ScoreEventsOptions> = {},
  ) {
    this.options = { lookBackDays: 0, ...options };
  }

  execute(command: ScoreEventsCommand): Promise<ScoreEventsResult> {
    const computedAt = this.clock();
    return this.store.transaction(async (unit) => {
      const started = performance.now();
      await unit.lockPorts([...new Set(command.events.map((e) => e.port))]);
      const catalogue = await catalogueInForce(unit, this.catalogues);
      // The gateway stored the events as it accepted them. A repeated or redelivered event is
      // scored again, which changes nothing: its milestones keep their earliest time, so the
      // samples and windows come out as before, and an unchanged indicator or score is neither
      // saved nor published.
      const { events } = command;
      const facts = mergeFacts(events.flatMap(extractFacts));
      if (facts.length === 0)
        return { eventsScored: events.length, windowsRecomputed: 0, indicatorsChanged: 0, scoresChanged: 0 };

      const refs = uniqueCases(facts);
      const before = await unit.loadCases(refs);
      await unit.upsertFacts(facts, before);
      const after = applyFacts(before, facts);
      const stored = performance.now();

      const changed = new Map<string, CaseToSample>();
      for (const ref of refs) {
        const key = caseKey(ref);
        changed.set(key, { ref, record: after.get(key)!, before: before.get(key) });
      }
      for (const dependent of await this.dependents(unit, facts)) {
        const key = caseKey(dependent.ref);
        if (!changed.has(key)) changed.set(key, dependent);
      }
      const plan = new WindowPlan(catalogue);
      await sampleCases(unit, [...changed.values()], plan, (port) => this.timeZone(port));
      const sampled = performance.now();

      const statusWindows: Array<{ port: string; window: TimeWindow }> = [];
      const horizon = lookBackStart(computedAt, this.options.lookBackDays);
      for (const fact of facts.filter((f) => f.caseType === CASE_TYPES.measureStatus)) {
        // A status report counts for every window ending after it: those holding it, those with
        // scores, and, within the look-back, those that have ended since without any (a report
        // filed late, or dated before the port's others).
        const timeZone = this.timeZone(fact.port);
        for (const window of windowsAt(fact.at, timeZone)) statusWindows.push({ port: fact.port, window });
        for (const window of await unit.scoredWindowsEndingAfter(fact.port, fact.at))
          statusWindows.push({ port: fact.port, window });
        if (this.options.lookBackDays > 0)
          for (const window of windowsEndedBetween(
            new Date(Math.max(fact.at.getTime(), horizon)),
            computedAt,
            timeZone,
          ))
            statusWindows.push({ port: fact.port, window });
      }
      const { indicatorsMs, scoresMs, ...result } = await evaluateWindows(
        unit,
        catalogue,
        plan.entries(),
        statusWindows,
        computedAt,
      );
      return {
        eventsScored: events.length,
        ...result,
        timings: { storeMs: stored - started, sampleMs: sampled - stored, indicatorsMs, scoresMs },
      };
    });
  }

  private timeZone(port: string): string {
    return this.ports.require(port).timeZone;
  }

  /** Cases whose samples depend on the changed facts (SPEC: late catalogues, ratings), as stored now. */
  private async dependents(unit: ScoringUnit, facts: CaseFact[]): Promise<CaseToSample[]> {
    const queries = new Map<string, DependentCasesQuery>();
    for (const fact of facts) {
      for (const { rule, dependency } of rulesDependingOn(fact.caseType)) {
        const value = fact.attrs[dependency.attr];
        if (value === undefined) continue;
        const from = dependency.fromAttr ? new Date(String(fact.attrs[dependency.fromAttr])) : fact.at;
        const query = {
          port: fact.port,
          caseType: rule.caseType,
          completing: rule.completing,
          attr: dependency.attr,
          value: String(value),
          from,
        };
        queries.set(JSON.stringify(query), query);
      }
    }
    const list = [...queries.values()];
    const found = await unit.dependentCases(list);
    return list.flatMap((query, index) =>
      found[index]!.map((record) => ({
        ref: { port: query.port, caseType: query.caseType, caseId: record.caseId },
        record,
        before: record,
      })),
    );
  }
}

/**
 * Samples the cases for every KPI of their type, stores the samples, and plans the windows each
 * sample entered or left (its completing milestone before and after the change).
 */
export async function sampleCases(
  unit: ScoringUnit,
  cases: CaseToSample[],
  plan: WindowPlan,
  timeZoneOf: (port: string) => string,
): Promise<void> {
  const contexts = await loadContexts(unit, cases);
  const samples: SampleRow[] = [];
  for (const { ref, record, before } of cases) {
    const timeZone = timeZoneOf(ref.port);
    for (const rule of rulesForCaseType(ref.caseType)) {
      const completing = record.milestones[rule.completing];
      if (!completing) continue;
      const sample = rule.sample(record, contexts.get(ref.port) ?? {});
      const stored = before?.milestones[rule.completing]?.at;
      const empty = !adds(rule, sample);
      // A sample that adds nothing is not stored; one stored before is removed. Its windows are
      // evaluated all the same: their aggregates, as the rule reads them, are those with it.
      if (!(empty && stored === undefined))
        samples.push({
          port: ref.port,
          kpi: rule.kpi,
          caseId: ref.caseId,
          at: completing.at,
          ...sample,
          ...(empty ? { empty: true } : {}),
          ...(stored === undefined ? { fresh: true } : {}),
          ...(stored !== undefined && stored.getTime() !== completing.at.getTime() ? { movedFrom: stored } : {}),
        });
      for (const window of touchedWindows(rule, timeZone, before, record)) plan.add(ref.port, rule, window);
    }
  }
  await unit.upsertSamples(samples);
}

/**
 * Recomputes planned windows from their stored samples, saves the indicators that changed, then
 * scores again the windows where one changed (and any other given) from all their stored KPIs.
 * A measure's score follows from its own KPIs and status reports only, so in a window that
 * already has scores only the measures of changed KPIs, and the port index, are saved again; a
 * window with a new indicator, and every given window, has all of them saved.
 */
export async function evaluateWindows(
  unit: ScoringUnit,
  catalogue: MeasureCatalogue,
  planned: PlannedWindow[],
  extraScoreWindows: Array<{ port: string; window: TimeWindow }>,
  computedAt: Date,
): Promise<{
  windowsRecomputed: number;
  indicatorsChanged: number;
  scoresChanged: number;
  indicatorsMs: number;
  scoresMs: number;
}> {
  const started = performance.now();
  const stats = await unit.windowStats(
    planned.map(({ port, rule, window }) => ({
      port,
      kpi: rule.kpi,
      grain: window.grain,
      start: window.start,
      end: window.end,
      ...(rule.percentile !== undefined ? { percentile: rule.percentile } : {}),
      ...(rule.groups ? { groups: true } : {}),
    })),
  );
  const indicators: Indicator[] = planned.map(({ port, rule, window }, index) =>
    indicatorOf(catalogue, rule, port, window, rule.finish(stats[index]!)),
  );
  const changes = await unit.saveIndicators(indicators, computedAt);
  const indicated = performance.now();

  // Per window to score: the measures to save again, or all of them (undefined).
  const windows = new Map<string, { port: string; window: TimeWindow; measures: Set<number> | undefined }>();
  const toScore = (port: string, window: TimeWindow) => {
    const key = windowKey({ port, grain: window.grain, windowStart: window.start });
    let entry = windows.get(key);
    if (!entry) {
      entry = { port, window, measures: new Set() };
      windows.set(key, entry);
    }
    return entry;
  };
  for (const { index, inserted } of changes) {
    const entry = toScore(planned[index]!.port, planned[index]!.window);
    if (inserted) entry.measures = undefined;
    else entry.measures?.add(indicators[index]!.measure);
  }
  for (const { port, window } of extraScoreWindows) toScore(port, window).measures = undefined;

  let scoresChanged = 0;
  if (windows.size > 0) {
    const list = [...windows.values()];
    const refs = list.map(({ port, window }) => ({ port, grain: window.grain, windowStart: window.start }));
    const kpis = await unit.loadWindowKpis(refs);
    const statuses = await unit.loadStatuses([...new Set(list.map((w) => w.port))]);
    const scores = list.map(({ port, window, measures }, index) => {
      const scored = scoreWindow(catalogue, port, window, kpis.get(windowKey(refs[index]!))!, statuses.get(port) ?? []);
      return measures ? { ...scored, measures: scored.measures.filter((m) => measures.has(m.measure)) } : scored;
    });
    scoresChanged = await unit.saveScores(scores, computedAt);
  }
  return {
    windowsRecomputed: planned.length,
    indicatorsChanged: changes.length,
    scoresChanged,
    indicatorsMs: indicated - started,
    scoresMs: performance.now() - indicated,
  };
}

/** What the rules of the cases need beyond the case itself, loaded once per port. */
async function loadContexts(unit: ScoringUnit, cases: CaseToSample[]): Promise<Map<string, RuleContext>> {
  const catalogues = new Set<string>();
  const enterprises = new Map<string, Set<string>>();
  for (const { ref, record } of cases) {
    const rules = rulesForCaseType(ref.caseType);
    if (rules.some((r) => r.context === 'catalogues')) catalogues.add(ref.port);
    if (rules.some((r) => r.context === 'creditHistory')) {
      const set = enterprises.get(ref.port) ?? new Set<string>();
      set.add(String(attr(record, 'rated', 'enterpriseId')));
      enterprises.set(ref.port, set);
    }
  }
  const contexts = new Map<string, RuleContext>();
  // One read each for all the batch's ports (those of one partition), not one per port.
  for (const [port, list] of await unit.loadCasesOfPorts([...catalogues], CASE_TYPES.feeCatalogue)) {
    contexts.set(port, { catalogues: list });
  }
  const wanted = new Map([...enterprises].map(([port, set]) => [port, [...set]]));
  for (const [port, history] of await unit.loadCasesWhere(CASE_TYPES.creditEvent, 'enterpriseId', wanted)) {
    contexts.set(port, { ...contexts.get(port), creditHistory: history });
  }
  return contexts;
}

/** The distinct (port, KPI, window) to recompute. */
export class WindowPlan {
  /** Port → KPI → window (its start and grain as one number) → planned, for finding repeats. */
  private readonly index = new Map<string, Map<string, Map<number, PlannedWindow>>>();
  private readonly planned: PlannedWindow[] = [];

  constructor(private readonly catalogue: MeasureCatalogue) {}

  /** Called for every window of every sample of a batch: looks up without building a text key. */
  add(port: string, rule: KpiRule, window: TimeWindow): void {
    if (!this.catalogue.hasKpi(rule.kpi)) return;
    let byKpi = this.index.get(port);
    if (!byKpi) this.index.set(port, (byKpi = new Map()));
    let byWindow = byKpi.get(rule.kpi);
    if (!byWindow) byKpi.set(rule.kpi, (byWindow = new Map()));
    const id = window.start.getTime() * GRAINS.length + GRAINS.indexOf(window.grain);
    if (byWindow.has(id)) return;
    const entry = { port, rule, window };
    byWindow.set(id, entry);
    this.planned.push(entry);
  }

  /** The planned windows, in the order they were first added. */
  entries(): PlannedWindow[] {
    return [...this.planned];
  }
}

function uniqueCases(facts: CaseFact[]): CaseRef[] {
  const refs = new Map<string, CaseRef>();
  for (const fact of facts) refs.set(caseKey(fact), { port: fact.port, caseType: fact.caseType, caseId: fact.caseId });
  return [...refs.values()];
}

/**
 * The cases as they are after the facts, as stored: each milestone keeps its earliest report
 * (`reportedBefore`, the order the database keeps too).
 */
function applyFacts(before: Map<string, CaseRecord>, facts: CaseFact[]): Map<string, CaseRecord> {
  const after = new Map<string, CaseRecord>();
  for (const fact of facts) {
    const key = caseKey(fact);
    const record = after.get(key) ?? { caseId: fact.caseId, milestones: { ...before.get(key)?.milestones } };
    const known = record.milestones[fact.milestone];
    if (!known || reportedBefore(fact, known)) {
      (record.milestones as Record<string, unknown>)[fact.milestone] = {
        at: fact.at,
        attrs: fact.attrs,
        eventKey: fact.eventKey,
      };
    }
    after.set(key, record);
  }
  return after;
}
