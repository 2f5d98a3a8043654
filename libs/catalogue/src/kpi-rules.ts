import type { KpiResult } from './attainment';
import { CASE_TYPES, reportedBefore } from './facts';
import { hoursBetween, percentileCont } from './statistics';

export interface Milestone {
  at: Date;
  attrs: Record<string, unknown>;
  /** The event that reported it, where known: breaks ties between reports of the same time. */
  eventKey?: string;
}

/** A case with the earliest time (and attributes) of each milestone seen for it. */
export interface CaseRecord {
  caseId: string;
  milestones: Readonly<Record<string, Milestone | undefined>>;
}

/** Data beyond the case itself that some KPIs need. */
export interface RuleContext {
  /** Every fee catalogue published at the port (one case per publication). */
  catalogues?: readonly CaseRecord[];
  /** Credit events at the port of the enterprises concerned, at any time. */
  creditHistory?: readonly CaseRecord[];
}

/**
 * Cases of another type that change this rule's samples for cases of its own type: when a fact of
 * `caseType` arrives, this rule's cases sharing `attr` whose completing time is at or after `from`
 * (the fact's attribute `fromAttr`, else its time) are sampled again.
 */
export interface RuleDependency {
  caseType: string;
  attr: string;
  fromAttr?: string;
}

/**
 * What one case contributes to a KPI: the numbers its window adds up. `den`/`num` (and the second
 * pair, for ratios of two groups) are summed, `value` feeds the window's percentile, `group` its
 * distinct counts. Everything a window's KPI needs is a sum, a count or a percentile of these, so
 * a window is computed from narrow rows (in PostgreSQL, without reading the cases back).
 */
export interface Sample {
  value: number | null;
  den: number;
  num: number;
  den2: number;
  num2: number;
  group: string | null;
}

/** The aggregates of one window's samples that `finish` turns into the KPI value. */
export interface WindowStats {
  /** Samples (cases completing in the window). */
  count: number;
  den: number;
  num: number;
  den2: number;
  num2: number;
  /** Samples with a value, and the rule's percentile of those values (null when none). */
  valued: number;
  percentile: number | null;
  /** Distinct groups; distinct groups with a sample of num > 0; with a sample of num = 0. */
  groups: number;
  groupsHit: number;
  groupsMissed: number;
}

/**
 * The span a duration KPI measures, from one milestone to its completing one, and which cases it
 * measures at all (e.g. only fresh produce).
 */
export interface DurationSpan {
  from: string;
  to: string;
  measures(record: CaseRecord): boolean;
}

/**
 * How one KPI is computed: each case whose `completing` milestone falls in a window contributes
 * a sample; the window's aggregates of those samples give the value. Targets and minimum samples
 * come from the catalogue, not from here.
 */
export interface KpiRule {
  kpi: string;
  caseType: string;
  completing: string;
  context?: keyof RuleContext;
  dependsOn?: RuleDependency[];
  /** The fraction of `WindowStats.percentile`, for KPIs that use it. */
  percentile?: number;
  /** Whether the KPI uses the distinct group counts of `WindowStats`. */
  groups?: boolean;
  /**
   * Whether `finish` reads `WindowStats.count`: then every case completing in a window counts, one
   * with an all-zero sample too. For any other KPI such a sample adds nothing (see `adds`).
   */
  countsEveryCase?: boolean;
  /** For KPIs over a duration: the span whose hours they take; `to` is the completing milestone. */
  span?: DurationSpan;
  sample(record: CaseRecord, context: RuleContext): Sample;
  finish(stats: WindowStats): KpiResult;
}

const NO_SAMPLE: Sample = { value: null, den: 0, num: 0, den2: 0, num2: 0, group: null };

function sampleOf(parts: Partial<Sample>): Sample {
  return { ...NO_SAMPLE, ...parts };
}

/**
 * Whether a case's sample adds anything to a window as the rule reads it. An all-zero sample (no
 * value, no group, nothing in any sum) adds only to `count`, which only a rule that
 * `countsEveryCase` reads; for the others it need not be stored.
 */
export function adds(rule: KpiRule, sample: Sample): boolean {
  return (
    rule.countsEveryCase === true ||
    sample.value !== null ||
    sample.group !== null ||
    sample.den !== 0 ||
    sample.num !== 0 ||
    sample.den2 !== 0 ||
    sample.num2 !== 0
  );
}

/** A 0/1 share sample: in the denominator, and in the numerator too. */
function flag(inDenominator: boolean, inNumerator: boolean): Sample {
  return sampleOf({ den: inDenominator ? 1 : 0, num: inDenominator && inNumerator ? 1 : 0 });
}

/** The aggregates of a window without samples. */
export function emptyWindowStats(): WindowStats {
  return {
    count: 0,
    den: 0,
    num: 0,
    den2: 0,
    num2: 0,
    valued: 0,
    percentile: null,
    groups: 0,
    groupsHit: 0,
    groupsMissed: 0,
  };
}

/** The aggregates of samples, as PostgreSQL computes them for a window (the reference implementation). */
export function windowStats(samples: readonly Sample[], fraction = 0.5): WindowStats {
  const stats: WindowStats = { ...emptyWindowStats(), count: samples.length };
  const values: number[] = [];
  const groups = new Set<string>();
  const hit = new Set<string>();
  const missed = new Set<string>();
  for (const s of samples) {
    stats.den += s.den;
    stats.num += s.num;
    stats.den2 += s.den2;
    stats.num2 += s.num2;
    if (s.value !== null) values.push(s.value);
    if (s.group !== null) {
      groups.add(s.group);
      (s.num > 0 ? hit : missed).add(s.group);
    }
  }
  stats.valued = values.length;
  stats.percentile = percentileCont(values, fraction);
  stats.groups = groups.size;
  stats.groupsHit = hit.size;
  stats.groupsMissed = missed.size;
  return stats;
}

/** Duration in hours between two milestones; undefined when either is missing. */
export function milestoneHours(record: CaseRecord, from: string, to: string): number | undefined {
  const start = record.milestones[from];
  const end = record.milestones[to];
  return start && end ? hoursBetween(start.at, end.at) : undefined;
}

const everyCase = () => true;

function span(from: string, to: string, measures: (record: CaseRecord) => boolean = everyCase): DurationSpan {
  return { from, to, measures };
}

/** The hours of the span on a case it measures, when both milestones are there. */
function spanHours(record: CaseRecord, measured: DurationSpan): number | undefined {
  return measured.measures(record) ? milestoneHours(record, measured.from, measured.to) : undefined;
}

/** The hours of the span if they are a sample: a case it measures, both milestones, not negative; else null. */
function duration(record: CaseRecord, measured: DurationSpan): number | null {
  const hours = spanHours(record, measured);
  return hours !== undefined && hours >= 0 ? hours : null;
}

/**
 * The hours, when negative, of the span `rule` measures on `record`: such a case is no sample of
 * the KPI but a data-quality finding (SPEC §3). Null when the rule measures no duration, the case
 * is not one the rule measures, a milestone is missing or the duration is not negative.
 */
export function negativeDurationFinding(rule: KpiRule, record: CaseRecord): number | null {
  const hours = rule.span && spanHours(record, rule.span);
  return hours !== undefined && hours < 0 ? hours : null;
}

function share(samples: number, hits: number): KpiResult {
  return { value: samples === 0 ? null : hits / samples, samples };
}

const shareOfStats = (stats: WindowStats): KpiResult => share(stats.den, stats.num);

const percentileOfStats = (stats: WindowStats): KpiResult => ({ value: stats.percentile, samples: stats.valued });

/** An attribute of the event that reported a milestone. */
export function attr(record: CaseRecord, milestone: string, name: string): unknown {
  return record.milestones[milestone]?.attrs[name];
}

/** A share rule over one-milestone (plain) events: which are in the denominator, which in the numerator. */
function plainShare(
  kpi: string,
  caseType: string,
  milestone: string,
  inDenominator: (attrs: Record<string, unknown>) => boolean,
  inNumerator: (attrs: Record<string, unknown>) => boolean,
): KpiRule {
  return {
    kpi,
    caseType,
    completing: milestone,
    sample: (record) => {
      const attrs = record.milestones[milestone]!.attrs;
      const counted = inDenominator(attrs);
      return flag(counted, counted && inNumerator(attrs));
    },
    finish: shareOfStats,
  };
}

/** A share over every case: those for which `hit` holds. */
function caseShare(kpi: string, caseType: string, completing: string, hit: (record: CaseRecord) => boolean): KpiRule {
  return { kpi, caseType, completing, sample: (record) => flag(true, hit(record)), finish: shareOfStats };
}

/** A share of the cases whose span lasts at most `maxHours`, among those with a duration sample. */
function durationWithin(kpi: string, caseType: string, measured: DurationSpan, maxHours: number): KpiRule {
  return {
    kpi,
    caseType,
    completing: measured.to,
    span: measured,
    sample: (record) => {
      const hours = duration(record, measured);
      return flag(hours !== null, hours !== null && hours <= maxHours);
    },
    finish: shareOfStats,
  };
}

/** The median (or another percentile) of the durations from one milestone to the completing one. */
function durationPercentile(kpi: string, caseType: string, measured: DurationSpan, fraction = 0.5): KpiRule {
  return {
    kpi,
    caseType,
    completing: measured.to,
    percentile: fraction,
    span: measured,
    sample: (record) => sampleOf({ value: duration(record, measured) }),
    finish: percentileOfStats,
  };
}

const goods = (record: CaseRecord) => attr(record, 'released', 'goods');

export const KPI_RULES: readonly KpiRule[] = [
  // M1 quarantine approval
  durationWithin('m1.instant_share', CASE_TYPES.permit, span('applied', 'decided'), 1),
  durationPercentile('m1.p90_hours', CASE_TYPES.permit, span('applied', 'decided'), 0.9),
  plainShare(
    'm1.ecert_share',
    CASE_TYPES.certificate,
    'issued',
    (c) => c.kind === 'entry_inspection',
    (c) => c.electronic === true,
  ),
  // M2 fresh produce
  durationPercentile(
    'm2.release_p50_hours',
    CASE_TYPES.declaration,
    span('arrived', 'released', (c) => goods(c) === 'fresh_produce'),
  ),
  {
    kpi: 'm2.conditional_share',
    caseType: CASE_TYPES.declaration,
    completing: 'released',
    sample: (c) =>
      flag(
        goods(c) === 'fresh_produce' && c.milestones.sampled !== undefined,
        c.milestones.conditionally_released !== undefined,
      ),
    finish: shareOfStats,
  },
  // M3 differentiated management, grouped by the declared window: inspection rate of advanced
  // enterprises over that of general ones (den/num: advanced, den2/num2: general).
  {
    kpi: 'm3.aeo_inspection_ratio',
    caseType: CASE_TYPES.declaration,
    completing: 'declared',
    sample: (c) => {
      const level = attr(c, 'declared', 'creditLevel');
      const inspected = c.milestones.inspection_ordered !== undefined ? 1 : 0;
      if (level === 'advanced') return sampleOf({ den: 1, num: inspected });
      if (level === 'general') return sampleOf({ den2: 1, num2: inspected });
      return NO_SAMPLE;
    },
    finish: (s) => {
      if (s.den === 0 || s.den2 === 0 || s.num2 === 0) return { value: null, samples: s.den };
      return { value: s.num / s.den / (s.num2 / s.den2), samples: s.den };
    },
  },
  // M4 regional logistics
  plainShare(
    'm4.single_document_share',
    CASE_TYPES.handover,
    'handed_over',
    (h) => h.multimodal === true,
    (h) => h.singleDocument === true,
  ),
  plainShare(
    'm4.direct_share',
    CASE_TYPES.handover,
    'handed_over',
    (h) => h.mode === 'air' || h.mode === 'rail',
    (h) => h.pattern === 'apron_direct_pickup' || h.pattern === 'rail_direct_loading',
  ),
  // M5 technical institutions
  durationPercentile('m5.turnaround_p50_hours', CASE_TYPES.labTest, span('sampled', 'result')),
  // M6 enterprise innovation
  durationWithin(
    'm6.erp_fast_share',
    CASE_TYPES.taxReview,
    span('submitted', 'decided', (c) => attr(c, 'decided', 'erpLinked') === true),
    24,
  ),
  // M7 cross-border e-commerce
  durationPercentile('m7.return_p50_hours', CASE_TYPES.ecommerceReturn, span('requested', 'completed')),
  // M8 R&D materials
  durationPercentile(
    'm8.release_p50_hours',
    CASE_TYPES.declaration,
    span('arrived', 'released', (c) => goods(c) === 'rnd_material'),
  ),
  // M9 bonded + ERP
  plainShare(
    'm9.erp_share',
    CASE_TYPES.bondedFiling,
    'filed',
    () => true,
    (f) => f.source === 'erp',
  ),
  // M10 NEV / dangerous goods
  plainShare(
    'm10.batch_share',
    CASE_TYPES.dangerousGoodsInspection,
    'inspected',
    () => true,
    (i) => i.batchInspection === true,
  ),
  // M12 trade service enterprises
  plainShare(
    'm12.edoc_share',
    CASE_TYPES.issuedTransportDocument,
    'issued',
    (d) => d.issuerRole === 'trade_service_enterprise',
    (d) => d.isElectronic === true,
  ),
  // M17 smart customs
  durationPercentile('m17.release_p50_hours', CASE_TYPES.declaration, span('arrived', 'released')),
  // M18 certificate e-sharing
  plainShare(
    'm18.e_exchange_share',
    CASE_TYPES.certificate,
    'issued',
    (c) => c.kind === 'sps',
    (c) => c.electronic === true,
  ),
  plainShare(
    'm18.verified_share',
    CASE_TYPES.certificate,
    'issued',
    (c) => c.kind === 'sps' && c.direction === 'import',
    (c) => c.verifiedOnline === true,
  ),
  // M19 remote supervision: distinct on-site visits per verified order
  {
    kpi: 'm19.visits_per_order',
    caseType: CASE_TYPES.verification,
    completing: 'performed',
    groups: true,
    countsEveryCase: true,
    sample: (c) =>
      attr(c, 'performed', 'remote') === true
        ? NO_SAMPLE
        : sampleOf({ group: String(attr(c, 'performed', 'visitId')) }),
    finish: (s) => ({ value: s.count === 0 ? null : s.groups / s.count, samples: s.count }),
  },
  caseShare('m19.remote_share', CASE_TYPES.verification, 'performed', (c) => attr(c, 'performed', 'remote') === true),
  // M20 paperless trade
  plainShare(
    'm20.ebl_share',
    CASE_TYPES.issuedTransportDocument,
    'issued',
    () => true,
    (d) => d.isElectronic === true,
  ),
  plainShare(
    'm20.paperless_eir_share',
    CASE_TYPES.equipmentInterchange,
    'interchanged',
    () => true,
    (e) => e.electronic === true,
  ),
  // M22 one entry, two declarations
  plainShare(
    'm22.dual_share',
    CASE_TYPES.dualDeclaration,
    'declared',
    () => true,
    (d) => d.dualSubmission === true,
  ),
  // M23 / M24 port charges against the published catalogue
  {
    kpi: 'm23.compliant_line_share',
    caseType: CASE_TYPES.feeCharge,
    completing: 'charged',
    context: 'catalogues',
    dependsOn: [{ caseType: CASE_TYPES.feeCatalogue, attr: 'operatorId', fromAttr: 'effectiveFrom' }],
    sample: (charge, context) => {
      const catalogue = effectiveCatalogue(
        context.catalogues ?? [],
        String(attr(charge, 'charged', 'operatorId')),
        charge.milestones.charged!.at,
      );
      const lines = (attr(charge, 'charged', 'lines') as ChargeLine[] | undefined) ?? [];
      const compliant = catalogue ? lines.filter((line) => lineWithinCatalogue(line, catalogue)).length : 0;
      return sampleOf({ den: lines.length, num: compliant });
    },
    finish: shareOfStats,
  },
  {
    // An operator counts when every charge of the window was made under a catalogue published on
    // the Single Window.
    kpi: 'm24.sw_published_share',
    caseType: CASE_TYPES.feeCharge,
    completing: 'charged',
    context: 'catalogues',
    dependsOn: [{ caseType: CASE_TYPES.feeCatalogue, attr: 'operatorId', fromAttr: 'effectiveFrom' }],
    groups: true,
    sample: (charge, context) => {
      const operator = String(attr(charge, 'charged', 'operatorId'));
      const catalogue = effectiveCatalogue(context.catalogues ?? [], operator, charge.milestones.charged!.at);
      return sampleOf({ group: operator, num: catalogue?.channel === 'single_window' ? 1 : 0 });
    },
    finish: (s) => share(s.groups, s.groups - s.groupsMissed),
  },
  // M26 third-party results
  caseShare(
    'm26.third_party_adopted_share',
    CASE_TYPES.labTest,
    'result',
    (c) => attr(c, 'result', 'lab') === 'third_party' && attr(c, 'result', 'adopted') === true,
  ),
  // M27 AEO cultivation: enterprises rated advanced whose previous rating was not
  {
    kpi: 'm27.advanced_upgrades',
    caseType: CASE_TYPES.creditEvent,
    completing: 'rated',
    context: 'creditHistory',
    dependsOn: [{ caseType: CASE_TYPES.creditEvent, attr: 'enterpriseId' }],
    groups: true,
    countsEveryCase: true,
    sample: (event, context) => {
      const rated = event.milestones.rated!;
      if (rated.attrs.level !== 'advanced') return NO_SAMPLE;
      const enterprise = rated.attrs.enterpriseId;
      const previous = [...(context.creditHistory ?? [])]
        .map((c) => ({ ...c.milestones.rated!, caseId: c.caseId }))
        .filter((h) => h.attrs.enterpriseId === enterprise && h.at < rated.at)
        .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.caseId < b.caseId ? 1 : -1))[0];
      const upgraded = previous !== undefined && previous.attrs.level !== 'advanced';
      return upgraded ? sampleOf({ group: String(enterprise), num: 1 }) : NO_SAMPLE;
    },
    finish: (s) => ({ value: s.groupsHit, samples: s.count }),
  },
  // M28 voluntary disclosure
  caseShare('m28.lenient_share', CASE_TYPES.disclosure, 'decided', (c) =>
    ['no_penalty', 'reduced'].includes(String(attr(c, 'decided', 'outcome'))),
  ),
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

interface Publication {
  effectiveFrom: number;
  at: Date;
  eventKey: string;
  attrs: Record<string, unknown>;
}

/**
 * Whether publication `a` takes precedence over `b`: the later effectiveFrom, then the later
 * publication (SPEC §3), then the larger event key (`reportedBefore`'s order), so that the
 * choice never depends on the order catalogues are loaded in.
 */
function takesPrecedence(a: Publication, b: Publication): boolean {
  return a.effectiveFrom !== b.effectiveFrom ? a.effectiveFrom > b.effectiveFrom : reportedBefore(b, a);
}

/**
 * The operator's catalogue in force at `at`: the published one with the greatest effectiveFrom
 * not after `at` (ties: the later publication, then the larger event key).
 */
export function effectiveCatalogue(
  catalogues: readonly CaseRecord[],
  operatorId: string,
  at: Date,
): EffectiveCatalogue | undefined {
  let best: Publication | undefined;
  for (const record of catalogues) {
    const published = record.milestones.published;
    if (!published || published.attrs.operatorId !== operatorId) continue;
    const effectiveFrom = new Date(String(published.attrs.effectiveFrom)).getTime();
    if (effectiveFrom > at.getTime()) continue;
    // A catalogue is a one-event case: its case id is the key of the event that published it.
    const candidate = {
      effectiveFrom,
      at: published.at,
      eventKey: published.eventKey ?? record.caseId,
      attrs: published.attrs,
    };
    if (!best || takesPrecedence(candidate, best)) best = candidate;
  }
  if (!best) return undefined;
  const items = (best.attrs.items as CatalogueItem[] | undefined) ?? [];
  return { channel: String(best.attrs.channel), items: new Map(items.map((item) => [item.code, item])) };
}

export type LineFinding = 'compliant' | 'no_catalogue' | 'not_in_catalogue' | 'above_catalogue';

/**
 * Why a charge line does or does not comply with the operator's effective catalogue (SPEC §3, M23):
 * its code must be listed and its amount at most quantity × unit amount (+0.005). Currencies are
 * not compared.
 */
export function lineFinding(line: ChargeLine, catalogue: EffectiveCatalogue | undefined): LineFinding {
  if (!catalogue) return 'no_catalogue';
  const item = catalogue.items.get(line.code);
  if (!item) return 'not_in_catalogue';
  return line.amount <= line.quantity * item.amount + 0.005 ? 'compliant' : 'above_catalogue';
}

/** A line complies when its code is in the catalogue and it costs at most quantity × unit amount. */
export function lineWithinCatalogue(line: ChargeLine, catalogue: EffectiveCatalogue): boolean {
  return lineFinding(line, catalogue) === 'compliant';
}

const RULES_BY_CASE_TYPE = new Map<string, KpiRule[]>();
for (const rule of KPI_RULES)
  RULES_BY_CASE_TYPE.set(rule.caseType, [...(RULES_BY_CASE_TYPE.get(rule.caseType) ?? []), rule]);

export function rulesForCaseType(caseType: string): readonly KpiRule[] {
  return RULES_BY_CASE_TYPE.get(caseType) ?? [];
}

const DEPENDENTS_BY_CASE_TYPE = new Map<string, Array<{ rule: KpiRule; dependency: RuleDependency }>>();
for (const rule of KPI_RULES) {
  for (const dependency of rule.dependsOn ?? []) {
    const list = DEPENDENTS_BY_CASE_TYPE.get(dependency.caseType) ?? [];
    list.push({ rule, dependency });
    DEPENDENTS_BY_CASE_TYPE.set(dependency.caseType, list);
  }
}

/** Rules whose results depend on cases of another type (catalogues, credit histories). */
export function rulesDependingOn(caseType: string): ReadonlyArray<{ rule: KpiRule; dependency: RuleDependency }> {
  return DEPENDENTS_BY_CASE_TYPE.get(caseType) ?? [];
}
