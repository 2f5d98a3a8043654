import type { KpiResult } from './attainment';
import { CASE_TYPES } from './facts';
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

/** Data beyond the window's own cases that some KPIs need. */
export interface RuleContext {
  /** Every fee catalogue published at the port (one case per publication). */
  catalogues?: readonly CaseRecord[];
  /** Credit events at the port of the enterprises rated in the window, at any time. */
  creditHistory?: readonly CaseRecord[];
}

/**
 * Cases of another type that change this rule's result for cases of its own type: when a fact of
 * `caseType` arrives, the windows of this rule's cases sharing `attr` whose completing time is at
 * or after `from` (the fact's attribute `fromAttr`, else its time) are recomputed.
 */
export interface RuleDependency {
  caseType: string;
  attr: string;
  fromAttr?: string;
}

/**
 * How one KPI is computed from the cases whose completing milestone falls in a window.
 * Targets and minimum samples come from the catalogue, not from here.
 */
export interface KpiRule {
  kpi: string;
  caseType: string;
  completing: string;
  context?: keyof RuleContext;
  dependsOn?: RuleDependency[];
  compute(cases: readonly CaseRecord[], context: RuleContext): KpiResult;
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

function shareOf(cases: readonly CaseRecord[], hit: (record: CaseRecord) => boolean): KpiResult {
  return share(cases.length, cases.filter(hit).length);
}

function median(hours: number[]): KpiResult {
  return { value: percentileCont(hours, 0.5), samples: hours.length };
}

/** An attribute of the event that reported a milestone. */
export function attr(record: CaseRecord, milestone: string, name: string): unknown {
  return record.milestones[milestone]?.attrs[name];
}

/** Plain events are one-milestone cases: their attributes. */
function plain(cases: readonly CaseRecord[], milestone: string): Array<Record<string, unknown>> {
  return cases.map((record) => record.milestones[milestone]!.attrs);
}

function plainShare(
  cases: readonly CaseRecord[],
  milestone: string,
  inDenominator: (attrs: Record<string, unknown>) => boolean,
  inNumerator: (attrs: Record<string, unknown>) => boolean,
): KpiResult {
  const denominator = plain(cases, milestone).filter(inDenominator);
  return share(denominator.length, denominator.filter(inNumerator).length);
}

const goods = (record: CaseRecord) => attr(record, 'released', 'goods');

function releaseMedian(cases: readonly CaseRecord[], only?: string): KpiResult {
  return median(durations(only ? cases.filter((c) => goods(c) === only) : cases, 'arrived', 'released'));
}

export const KPI_RULES: readonly KpiRule[] = [
  // M1 quarantine approval
  {
    kpi: 'm1.instant_share',
    caseType: CASE_TYPES.permit,
    completing: 'decided',
    compute: (cases) => {
      const hours = durations(cases, 'applied', 'decided');
      return share(hours.length, hours.filter((h) => h <= 1).length);
    },
  },
  {
    kpi: 'm1.p90_hours',
    caseType: CASE_TYPES.permit,
    completing: 'decided',
    compute: (cases) => {
      const hours = durations(cases, 'applied', 'decided');
      return { value: percentileCont(hours, 0.9), samples: hours.length };
    },
  },
  {
    kpi: 'm1.ecert_share',
    caseType: CASE_TYPES.certificate,
    completing: 'issued',
    compute: (cases) =>
      plainShare(
        cases,
        'issued',
        (c) => c.kind === 'entry_inspection',
        (c) => c.electronic === true,
      ),
  },
  // M2 fresh produce
  {
    kpi: 'm2.release_p50_hours',
    caseType: CASE_TYPES.declaration,
    completing: 'released',
    compute: (cases) => releaseMedian(cases, 'fresh_produce'),
  },
  {
    kpi: 'm2.conditional_share',
    caseType: CASE_TYPES.declaration,
    completing: 'released',
    compute: (cases) => {
      const sampled = cases.filter((c) => goods(c) === 'fresh_produce' && c.milestones.sampled !== undefined);
      return share(sampled.length, sampled.filter((c) => c.milestones.conditionally_released !== undefined).length);
    },
  },
  // M3 differentiated management, grouped by the declared window
  {
    kpi: 'm3.aeo_inspection_ratio',
    caseType: CASE_TYPES.declaration,
    completing: 'declared',
    compute: (cases) => {
      const level = (c: CaseRecord) => attr(c, 'declared', 'creditLevel');
      const advanced = cases.filter((c) => level(c) === 'advanced');
      const general = cases.filter((c) => level(c) === 'general');
      const rate = (group: CaseRecord[]) =>
        group.filter((c) => c.milestones.inspection_ordered !== undefined).length / group.length;
      if (advanced.length === 0 || general.length === 0 || rate(general) === 0)
        return { value: null, samples: advanced.length };
      return { value: rate(advanced) / rate(general), samples: advanced.length };
    },
  },
  // M4 regional logistics
  {
    kpi: 'm4.single_document_share',
    caseType: CASE_TYPES.handover,
    completing: 'handed_over',
    compute: (cases) =>
      plainShare(
        cases,
        'handed_over',
        (h) => h.multimodal === true,
        (h) => h.singleDocument === true,
      ),
  },
  {
    kpi: 'm4.direct_share',
    caseType: CASE_TYPES.handover,
    completing: 'handed_over',
    compute: (cases) =>
      plainShare(
        cases,
        'handed_over',
        (h) => h.mode === 'air' || h.mode === 'rail',
        (h) => h.pattern === 'apron_direct_pickup' || h.pattern === 'rail_direct_loading',
      ),
  },
  // M5 technical institutions
  {
    kpi: 'm5.turnaround_p50_hours',
    caseType: CASE_TYPES.labTest,
    completing: 'result',
    compute: (cases) => median(durations(cases, 'sampled', 'result')),
  },
  // M6 enterprise innovation
  {
    kpi: 'm6.erp_fast_share',
    caseType: CASE_TYPES.taxReview,
    completing: 'decided',
    compute: (cases) => {
      const hours = durations(
        cases.filter((c) => attr(c, 'decided', 'erpLinked') === true),
        'submitted',
        'decided',
      );
      return share(hours.length, hours.filter((h) => h <= 24).length);
    },
  },
  // M7 cross-border e-commerce
  {
    kpi: 'm7.return_p50_hours',
    caseType: CASE_TYPES.ecommerceReturn,
    completing: 'completed',
    compute: (cases) => median(durations(cases, 'requested', 'completed')),
  },
  // M8 R&D materials
  {
    kpi: 'm8.release_p50_hours',
    caseType: CASE_TYPES.declaration,
    completing: 'released',
    compute: (cases) => releaseMedian(cases, 'rnd_material'),
  },
  // M9 bonded + ERP
  {
    kpi: 'm9.erp_share',
    caseType: CASE_TYPES.bondedFiling,
    completing: 'filed',
    compute: (cases) =>
      plainShare(
        cases,
        'filed',
        () => true,
        (f) => f.source === 'erp',
      ),
  },
  // M10 NEV / dangerous goods
  {
    kpi: 'm10.batch_share',
    caseType: CASE_TYPES.dangerousGoodsInspection,
    completing: 'inspected',
    compute: (cases) =>
      plainShare(
        cases,
        'inspected',
        () => true,
        (i) => i.batchInspection === true,
      ),
  },
  // M12 trade service enterprises
  {
    kpi: 'm12.edoc_share',
    caseType: CASE_TYPES.issuedTransportDocument,
    completing: 'issued',
    compute: (cases) =>
      plainShare(
        cases,
        'issued',
        (d) => d.issuerRole === 'trade_service_enterprise',
        (d) => d.isElectronic === true,
      ),
  },
  // M17 smart customs
  {
    kpi: 'm17.release_p50_hours',
    caseType: CASE_TYPES.declaration,
    completing: 'released',
    compute: (cases) => releaseMedian(cases),
  },
  // M18 certificate e-sharing
  {
    kpi: 'm18.e_exchange_share',
    caseType: CASE_TYPES.certificate,
    completing: 'issued',
    compute: (cases) =>
      plainShare(
        cases,
        'issued',
        (c) => c.kind === 'sps',
        (c) => c.electronic === true,
      ),
  },
  {
    kpi: 'm18.verified_share',
    caseType: CASE_TYPES.certificate,
    completing: 'issued',
    compute: (cases) =>
      plainShare(
        cases,
        'issued',
        (c) => c.kind === 'sps' && c.direction === 'import',
        (c) => c.verifiedOnline === true,
      ),
  },
  // M19 remote supervision
  {
    kpi: 'm19.visits_per_order',
    caseType: CASE_TYPES.verification,
    completing: 'performed',
    compute: (cases) => {
      const visits = new Set(
        cases
          .filter((c) => attr(c, 'performed', 'remote') !== true)
          .map((c) => String(attr(c, 'performed', 'visitId'))),
      );
      return { value: cases.length === 0 ? null : visits.size / cases.length, samples: cases.length };
    },
  },
  {
    kpi: 'm19.remote_share',
    caseType: CASE_TYPES.verification,
    completing: 'performed',
    compute: (cases) => shareOf(cases, (c) => attr(c, 'performed', 'remote') === true),
  },
  // M20 paperless trade
  {
    kpi: 'm20.ebl_share',
    caseType: CASE_TYPES.issuedTransportDocument,
    completing: 'issued',
    compute: (cases) =>
      plainShare(
        cases,
        'issued',
        () => true,
        (d) => d.isElectronic === true,
      ),
  },
  {
    kpi: 'm20.paperless_eir_share',
    caseType: CASE_TYPES.equipmentInterchange,
    completing: 'interchanged',
    compute: (cases) =>
      plainShare(
        cases,
        'interchanged',
        () => true,
        (e) => e.electronic === true,
      ),
  },
  // M22 one entry, two declarations
  {
    kpi: 'm22.dual_share',
    caseType: CASE_TYPES.dualDeclaration,
    completing: 'declared',
    compute: (cases) =>
      plainShare(
        cases,
        'declared',
        () => true,
        (d) => d.dualSubmission === true,
      ),
  },
  // M23 / M24 port charges against the published catalogue
  {
    kpi: 'm23.compliant_line_share',
    caseType: CASE_TYPES.feeCharge,
    completing: 'charged',
    context: 'catalogues',
    dependsOn: [{ caseType: CASE_TYPES.feeCatalogue, attr: 'operatorId', fromAttr: 'effectiveFrom' }],
    compute: (cases, context) => {
      let lines = 0;
      let compliant = 0;
      for (const charge of cases) {
        const at = charge.milestones.charged!.at;
        const catalogue = effectiveCatalogue(
          context.catalogues ?? [],
          String(attr(charge, 'charged', 'operatorId')),
          at,
        );
        for (const line of (attr(charge, 'charged', 'lines') as ChargeLine[] | undefined) ?? []) {
          lines += 1;
          if (catalogue && lineWithinCatalogue(line, catalogue)) compliant += 1;
        }
      }
      return share(lines, compliant);
    },
  },
  {
    kpi: 'm24.sw_published_share',
    caseType: CASE_TYPES.feeCharge,
    completing: 'charged',
    context: 'catalogues',
    dependsOn: [{ caseType: CASE_TYPES.feeCatalogue, attr: 'operatorId', fromAttr: 'effectiveFrom' }],
    compute: (cases, context) => {
      const published = new Map<string, boolean>();
      for (const charge of cases) {
        const operator = String(attr(charge, 'charged', 'operatorId'));
        const catalogue = effectiveCatalogue(context.catalogues ?? [], operator, charge.milestones.charged!.at);
        const onSingleWindow = catalogue?.channel === 'single_window';
        published.set(operator, (published.get(operator) ?? true) && onSingleWindow);
      }
      return share(published.size, [...published.values()].filter(Boolean).length);
    },
  },
  // M26 third-party results
  {
    kpi: 'm26.third_party_adopted_share',
    caseType: CASE_TYPES.labTest,
    completing: 'result',
    compute: (cases) =>
      shareOf(cases, (c) => attr(c, 'result', 'lab') === 'third_party' && attr(c, 'result', 'adopted') === true),
  },
  // M27 AEO cultivation
  {
    kpi: 'm27.advanced_upgrades',
    caseType: CASE_TYPES.creditEvent,
    completing: 'rated',
    context: 'creditHistory',
    dependsOn: [{ caseType: CASE_TYPES.creditEvent, attr: 'enterpriseId' }],
    compute: (cases, context) => {
      const history = [...(context.creditHistory ?? [])].map((c) => ({ ...c.milestones.rated!, caseId: c.caseId }));
      const upgraded = new Set<string>();
      for (const event of cases) {
        const rated = event.milestones.rated!;
        if (rated.attrs.level !== 'advanced') continue;
        const enterprise = rated.attrs.enterpriseId;
        const previous = history
          .filter((h) => h.attrs.enterpriseId === enterprise && h.at < rated.at)
          .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.caseId < b.caseId ? 1 : -1))[0];
        if (previous && previous.attrs.level !== 'advanced') upgraded.add(String(enterprise));
      }
      return { value: upgraded.size, samples: cases.length };
    },
  },
  // M28 voluntary disclosure
  {
    kpi: 'm28.lenient_share',
    caseType: CASE_TYPES.disclosure,
    completing: 'decided',
    compute: (cases) =>
      shareOf(cases, (c) => ['no_penalty', 'reduced'].includes(String(attr(c, 'decided', 'outcome')))),
  },
];

export interface ChargeLine {
  code: string;
  quantity: number;
  amount: number;
  currency: string;
}

export interface CatalogueItem {
  code: string;
  amount: number;
  currency: string;
}

export interface EffectiveCatalogue {
  channel: string;
  items: Map<string, CatalogueItem>;
}

/**
 * The operator's catalogue in force at `at`: the published one with the greatest effectiveFrom
 * not after `at` (ties: the later publication).
 */
export function effectiveCatalogue(
  catalogues: readonly CaseRecord[],
  operatorId: string,
  at: Date,
): EffectiveCatalogue | undefined {
  let best: Milestone | undefined;
  for (const record of catalogues) {
    const published = record.milestones.published;
    if (!published || published.attrs.operatorId !== operatorId) continue;
    const from = new Date(String(published.attrs.effectiveFrom));
    if (from > at) continue;
    if (!best) {
      best = published;
      continue;
    }
    const bestFrom = new Date(String(best.attrs.effectiveFrom));
    if (from > bestFrom || (from.getTime() === bestFrom.getTime() && published.at > best.at)) best = published;
  }
  if (!best) return undefined;
  const items = (best.attrs.items as CatalogueItem[] | undefined) ?? [];
  return { channel: String(best.attrs.channel), items: new Map(items.map((item) => [item.code, item])) };
}

export type LineFinding = 'compliant' | 'no_catalogue' | 'not_in_catalogue' | 'other_currency' | 'above_catalogue';

/** Why a charge line does or does not comply with the operator's effective catalogue. */
export function lineFinding(line: ChargeLine, catalogue: EffectiveCatalogue | undefined): LineFinding {
  if (!catalogue) return 'no_catalogue';
  const item = catalogue.items.get(line.code);
  if (!item) return 'not_in_catalogue';
  if (item.currency !== line.currency) return 'other_currency';
  return line.amount <= line.quantity * item.amount + 0.005 ? 'compliant' : 'above_catalogue';
}

/** A line complies when its code is in the catalogue and it costs at most quantity × unit price (same currency). */
export function lineWithinCatalogue(line: ChargeLine, catalogue: EffectiveCatalogue): boolean {
  return lineFinding(line, catalogue) === 'compliant';
}

export function rulesForCaseType(caseType: string): KpiRule[] {
  return KPI_RULES.filter((rule) => rule.caseType === caseType);
}

/** Rules whose results depend on cases of another type (catalogues, credit histories). */
export function rulesDependingOn(caseType: string): Array<{ rule: KpiRule; dependency: RuleDependency }> {
  return KPI_RULES.flatMap((rule) =>
    (rule.dependsOn ?? []).filter((d) => d.caseType === caseType).map((dependency) => ({ rule, dependency })),
  );
}

/** Number of cases whose duration between the two milestones is negative: a data-quality finding. */
export function negativeDurations(cases: readonly CaseRecord[], from: string, to: string): number {
  return cases.filter((record) => (milestoneHours(record, from, to) ?? 0) < 0).length;
}
