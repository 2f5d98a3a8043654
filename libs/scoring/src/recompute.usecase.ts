import { GRAINS, KPI_RULES, type MeasureCatalogue } from '@portscore/catalogue';
import type { PortRegistry } from '@portscore/contracts';
import type { ScoringStore } from '@portscore/persistence';

import { evaluateWindows, sampleCases, WindowPlan } from './score-events.usecase';

const RULES_BY_KPI = new Map(KPI_RULES.map((rule) => [rule.kpi, rule]));

export interface RecomputeResult {
  ports: number;
  windowsRecomputed: number;
  indicatorsChanged: number;
  scoresChanged: number;
}

/**
 * Recomputes every window of every port from the stored cases with the catalogue in force, for
 * a catalogue upgrade (new targets or minimum samples) or after an upgrade that changed how KPIs
 * are sampled: every case is sampled again, then every window aggregated again. Works port by
 * port, sampling one case type and evaluating one chunk of windows per transaction, each holding
 * that port's lock, so ingestion goes on in between; changed values are published by the outbox
 * like any other change.
 */
export class RecomputeUseCase {
  constructor(
    private readonly store: ScoringStore,
    private readonly catalogue: MeasureCatalogue,
    private readonly ports: PortRegistry,
    private readonly chunkSize = 400,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async execute(progress: (line: string) => void = () => {}): Promise<RecomputeResult> {
    const catalogue = this.catalogue;
    const ports = await this.store.transaction((unit) => unit.portsWithCases());
    const total: RecomputeResult = {
      ports: ports.length,
      windowsRecomputed: 0,
      indicatorsChanged: 0,
      scoresChanged: 0,
    };
    for (const [index, port] of ports.entries()) {
      const timeZone = this.ports.require(port).timeZone;
      const plan = new WindowPlan(catalogue);
      for (const caseType of new Set(KPI_RULES.map((rule) => rule.caseType))) {
        await this.store.transaction(async (unit) => {
          await unit.lockPorts([port]);
          const records = (await unit.loadCasesOfPorts([port], caseType)).get(port)!;
          const cases = records.map((record) => ({
            ref: { port, caseType, caseId: record.caseId },
            record,
            before: record,
          }));
          await sampleCases(unit, cases, plan, () => timeZone);
        });
      }
      // A window whose samples have all left (a case found to complete earlier) still has its
      // indicator: evaluated again too, so no stored indicator keeps the catalogue it replaced.
      for (const { kpi, window } of await this.store.transaction((unit) => unit.indicatorWindows(port))) {
        const rule = RULES_BY_KPI.get(kpi);
        if (rule) plan.add(port, rule, window);
      }
      const scoredWindows = await this.store.transaction((unit) => unit.scoredWindowsEndingAfter(port, new Date(0)));
      // Days first: a week or month adds up the sums its days were given before it.
      const planned = plan.entries().sort((a, b) => GRAINS.indexOf(a.window.grain) - GRAINS.indexOf(b.window.grain));
      for (let start = 0; start < Math.max(planned.length, 1); start += this.chunkSize) {
        const chunk = planned.slice(start, start + this.chunkSize);
        const last = start + this.chunkSize >= planned.length;
        const result = await this.store.transaction(async (unit) => {
          await unit.lockPorts([port]);
          const extra = last ? scoredWindows.map((window) => ({ port, window })) : [];
          return evaluateWindows(unit, catalogue, chunk, extra, this.clock());
        });
        total.windowsRecomputed += result.windowsRecomputed;
        total.indicatorsChanged += result.indicatorsChanged;
        total.scoresChanged += result.scoresChanged;
      }
      progress(`${port}: ${planned.length} windows (${index + 1}/${ports.length} ports)`);
    }
    return total;
  }
}
