import type { KpiResult } from './attainment';
import { hoursBetween, percentileCont } from './statistics';

export interface Milestone {
  at: Date;
  attrs: Record<string, unknown>;
}

/** A case with the earliest time (and attributes) of each milestone seen for it. */
export interface CaseRecord {
  caseId: string;
  milestones: Readonly<Record<string, Milestone | undefined>>;
}

/**
 * How one KPI is computed from the cases whose completing milestone falls in a window.
 * Targets and minimum samples come from the catalogue, not from here.
 */
export interface KpiRule {
  kpi: string;
  caseType: string;
  completing: string;
  compute(cases: readonly CaseRecord[]): KpiResult;
}

/** Duration in hours between two milestones; undefined when either is missing. */
export function milestoneHours(record: CaseRecord, from: string, to: string): number | undefined {
  const start = record.milestones[from];
  const end = record.milestones[to];
  return start && end ? hoursBetween(start.at, end.at) : undefined;
}

/** Durations that are samples: both milestones present and not negative. */
function durations(cases: readonly CaseRecord[], from: string, to: string): number[] {
  return cases
    .map((record) => milestoneHours(record, from, to))
    .filter((hours): hours is number => hours !== undefined && hours >= 0);
}

function share(samples: number, hits: number): KpiResult {
  return { value: samples === 0 ? null : hits / samples, samples };
}

function attr(record: CaseRecord, milestone: string, name: string): unknown {
  return record.milestones[milestone]?.attrs[name];
}

export const KPI_RULES: readonly KpiRule[] = [
  {
    kpi: 'm1.instant_share',
    caseType: 'permit',
    completing: 'decided',
    compute: (cases) => {
      const hours = durations(cases, 'applied', 'decided');
      return share(hours.length, hours.filter((h) => h <= 1).length);
    },
  },
  {
    kpi: 'm1.p90_hours',
    caseType: 'permit',
    completing: 'decided',
    compute: (cases) => {
      const hours = durations(cases, 'applied', 'decided');
      return { value: percentileCont(hours, 0.9), samples: hours.length };
    },
  },
  {
    kpi: 'm1.ecert_share',
    caseType: 'certificate',
    completing: 'issued',
    compute: (cases) => {
      const entry = cases.filter((c) => attr(c, 'issued', 'kind') === 'entry_inspection');
      return share(entry.length, entry.filter((c) => attr(c, 'issued', 'electronic') === true).length);
    },
  },
];

export function rulesForCaseType(caseType: string): KpiRule[] {
  return KPI_RULES.filter((rule) => rule.caseType === caseType);
}

/** Number of cases whose duration between the two milestones is negative: a data-quality finding. */
export function negativeDurations(cases: readonly CaseRecord[], from: string, to: string): number {
  return cases.filter((record) => (milestoneHours(record, from, to) ?? 0) < 0).length;
}
