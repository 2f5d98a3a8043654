import { type Grain, isGrain, type MeasureCatalogue, type TimeWindow, windowOfLocalDate } from '@portscore/catalogue';
import type { Port, PortRegistry } from '@portscore/contracts';
import type { ScorecardReader } from '@portscore/persistence';

import { ApiErrorCode, ApiException } from '../api.exception';
import { scoresFromStatuses } from '../status-scores';
import { todayIn } from '../today';
import type { MeasureScoreDto, ScorecardDto } from './scorecard.dto';

/** A port's scorecard for one window: every measure of the catalogue, with its KPIs and score. */
export class ScorecardService {
  constructor(
    private readonly reader: ScorecardReader,
    private readonly catalogueInForce: () => MeasureCatalogue,
    private readonly ports: PortRegistry,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async scorecard(portId: string, grainText: string | undefined, dateText: string | undefined): Promise<ScorecardDto> {
    const port = this.port(portId);
    const grain = grainText ?? 'month';
    if (!isGrain(grain)) throw new ApiException(ApiErrorCode.InvalidQuery, `grain: must be day, week or month`);
    const catalogue = this.catalogueInForce();
    const window = this.window(port, grain, dateText);
    const [indicatorRows, storedScores] = await Promise.all([
      this.reader.indicatorsOfWindow(port.id, grain, window.start),
      this.reader.scoresOfWindow(port.id, grain, window.start),
    ]);
    const scoreRows =
      storedScores.length > 0
        ? storedScores
        : scoresFromStatuses(catalogue, port.id, window, (await this.reader.statusReports([port.id])).get(port.id)!);
    const stored = new Map(indicatorRows.map((row) => [row.kpi, row]));
    const scores = new Map(scoreRows.map((row) => [row.measure, row]));
    const measures: MeasureScoreDto[] = catalogue.measures.map((measure) => {
      const kpis = measure.kpis.map((kpi) => {
        const row = stored.get(kpi.id);
        return {
          kpi: kpi.id,
          title: kpi.title,
          unit: kpi.unit,
          direction: kpi.direction,
          value: row?.value ?? null,
          samples: row?.samples ?? 0,
          target: row?.target ?? kpi.target,
          minSamples: kpi.minSamples,
          attainment: row?.attainment ?? null,
          scored: row?.scored ?? false,
        };
      });
      const score = scores.get(measure.number);
      return {
        measure: measure.number,
        titleZh: measure.titleZh,
        titleEn: measure.titleEn,
        score: score?.score ?? null,
        basis: score?.basis ?? 'none',
        kpis,
      };
    });
    const index = scores.get(0);
    return {
      port: port.id,
      grain,
      windowStart: window.startText,
      windowEnd: window.endText,
      catalogueVersion: catalogue.version,
      index: index?.score ?? null,
      coverage: index?.coverage ?? 0,
      measures,
    };
  }

  private port(portId: string): Port {
    const port = this.ports.get(portId);
    if (!port) throw new ApiException(ApiErrorCode.UnknownPort, `port: ${portId} is not a registered port`);
    return port;
  }

  private window(port: Port, grain: Grain, dateText: string | undefined): TimeWindow {
    const date = dateText ?? todayIn(port.timeZone, this.clock());
    const window = windowOfLocalDate(date, port.timeZone, grain);
    if (!window) throw new ApiException(ApiErrorCode.InvalidQuery, `date: ${date} is not a calendar date YYYY-MM-DD`);
    return window;
  }
}
