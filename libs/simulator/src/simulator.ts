/**
 * Realistic Single Window traffic for demonstrations, tests and benchmarks: every event type,
 * each port with its own performance profile (so scores differ), plausible durations and shares,
 * and the disorder of real feeds — late events, exact re-sends, milestones out of order.
 * Deterministic: the same options give the same filings, byte for byte.
 */

export interface SimulatorOptions {
  ports: readonly SimulatedPort[];
  /** Days simulated, ending before `end`. */
  days: number;
  /** Exclusive end of the simulated period (default: today 00:00 UTC, so nothing lies in the future). */
  end: Date;
  seed: number;
  /** Roughly how many filings a port produces a day (default 120). */
  perPortDay?: number;
  /** Share of filings delivered late, after the rest of the stream (default 0.03). */
  lateShare?: number;
  /** Share of filings sent twice (default 0.02). */
  duplicateShare?: number;
}

export interface SimulatedPort {
  id: string;
  kind: 'sea' | 'air' | 'rail' | 'road';
  /** UTC offset in minutes of the port's zone, for plausible office hours. */
  offsetMinutes: number;
}

export interface SimulatedFiling {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  port: string;
  datacontenttype: 'application/json';
  data: Record<string, unknown>;
}

/** How well a port performs: 0 (lagging) to 1 (exemplary); drives every share and duration. */
interface Profile {
  quality: number;
  volume: number;
}

const HOUR = 3_600_000;

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hash(text: string): number {
  let h = 2166136261;
  for (const char of text) h = Math.imul(h ^ char.charCodeAt(0), 16777619);
  return h >>> 0;
}

export function simulate(options: SimulatorOptions): SimulatedFiling[] {
  const random = mulberry32(options.seed);
  const perDay = options.perPortDay ?? 120;
  const filings: SimulatedFiling[] = [];
  const start = options.end.getTime() - options.days * 24 * HOUR;
  for (const port of options.ports) {
    const profileRandom = mulberry32(options.seed ^ hash(port.id));
    const profile: Profile = { quality: 0.25 + 0.75 * profileRandom(), volume: 0.6 + 0.8 * profileRandom() };
    const generator = new PortTraffic(port, profile, random, filings);
    generator.catalogues(start);
    generator.statuses(start, options.days);
    for (let day = 0; day < options.days; day += 1) {
      generator.day(start + day * 24 * HOUR, Math.round(perDay * profile.volume));
    }
  }
  // Nothing after the end (a case still open then has simply not completed yet).
  const inPeriod = filings.filter((f) => Date.parse(f.time) < options.end.getTime());
  inPeriod.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  return disorder(inPeriod, random, options.lateShare ?? 0.03, options.duplicateShare ?? 0.02);
}

/** Late deliveries go to the end of the stream; re-sends follow their original a little later. */
function disorder(
  filings: SimulatedFiling[],
  random: () => number,
  lateShare: number,
  duplicateShare: number,
): SimulatedFiling[] {
  const onTime: SimulatedFiling[] = [];
  const late: SimulatedFiling[] = [];
  for (const filing of filings) {
    (random() < lateShare ? late : onTime).push(filing);
    if (random() < duplicateShare) onTime.push(filing);
  }
  // Neighbours swap now and then: a decision may arrive before its application.
  for (let i = 1; i < onTime.length; i += 1) {
    if (random() < 0.05) [onTime[i - 1], onTime[i]] = [onTime[i]!, onTime[i - 1]!];
  }
  return [...onTime, ...late];
}

class PortTraffic {
  private sequence = 0;

  constructor(
    private readonly port: SimulatedPort,
    private readonly profile: Profile,
    private readonly random: () => number,
    private readonly out: SimulatedFiling[],
  ) {}

  private emit(system: string, type: string, at: number, data: Record<string, unknown>): void {
    this.sequence += 1;
    const offset = this.port.offsetMinutes;
    const local = new Date(Math.floor(at / 1000) * 1000 + offset * 60_000).toISOString().slice(0, 19);
    const sign = offset < 0 ? '-' : '+';
    const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0');
    const mm = String(Math.abs(offset) % 60).padStart(2, '0');
    this.out.push({
      specversion: '1.0',
      id: `${this.port.id}-${this.sequence}`,
      source: `urn:sim:${this.port.id.toLowerCase()}:${system}`,
      type,
      time: `${local}${sign}${hh}:${mm}`,
      port: this.port.id,
      datacontenttype: 'application/json',
      data,
    });
  }

  private chance(share: number): boolean {
    return this.random() < Math.min(1, Math.max(0, share));
  }

  /** Log-normal hours around a median, spread by sigma. */
  private hours(median: number, sigma = 0.8): number {
    const u = Math.max(1e-9, this.random());
    const v = this.random();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * normal);
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  /** An instant in office-heavy hours of the day starting at dayStart (UTC midnight). */
  private during(dayStart: number): number {
    const localHour = this.chance(0.8) ? 8 + this.random() * 10 : this.random() * 24;
    return dayStart + (localHour * 60 - this.port.offsetMinutes) * 60_000;
  }

  catalogues(start: number): void {
    const q = this.profile.quality;
    for (const [index, operator] of ['TERMINAL', 'AGENCY', 'TRUCKING'].entries()) {
      const channel = this.chance(q) ? 'single_window' : this.pick(['website', 'notice_board', 'app']);
      if (index === 2 && !this.chance(q)) continue; // some operators publish nothing at all
      this.emit('fees', 'sw.fee.catalogue.published.v1', start - 20 * 24 * HOUR, {
        operatorId: `${this.port.id}-${operator}`,
        channel,
        effectiveFrom: new Date(start - 14 * 24 * HOUR).toISOString(),
        items: [
          { code: 'THC20', name: 'Terminal handling, 20 ft', unit: 'container', amount: 860, currency: 'CNY' },
          { code: 'THC40', name: 'Terminal handling, 40 ft', unit: 'container', amount: 1290, currency: 'CNY' },
          { code: 'DOC', name: 'Documentation', unit: 'set', amount: 450, currency: 'CNY' },
        ],
      });
    }
  }

  statuses(start: number, days: number): void {
    const levels = ['none', 'pilot', 'partial', 'full'] as const;
    for (const measure of [11, 13, 14, 15, 16, 21, 25, 29]) {
      const level = levels[Math.min(3, Math.floor(this.profile.quality * 4 + this.random() * 1.2))]!;
      this.emit('status', 'sw.measure.status.v1', start + this.random() * days * 12 * HOUR, {
        measure,
        level,
        evidence: `https://portal.example.cn/${this.port.id.toLowerCase()}/measures/${measure}`,
      });
    }
  }

  day(dayStart: number, volume: number): void {
    const q = this.profile.quality;
    const n = (share: number) => Math.max(1, Math.round(volume * share * (0.7 + 0.6 * this.random())));
    for (let i = 0; i < n(0.08); i += 1) this.permit(dayStart);
    for (let i = 0; i < n(0.06); i += 1) this.certificate(dayStart);
    for (let i = 0; i < n(0.05); i += 1) this.declaration(dayStart);
    for (let i = 0; i < n(0.05); i += 1) {
      this.emit('carrier', 'sw.transport_document.v1', this.during(dayStart), {
        transportDocumentReference: `BL${this.port.id}${this.sequence}`,
        status: this.chance(0.8) ? 'ISSUED' : this.pick(['SURRENDERED', 'SWITCHED_TO_PAPER', 'VOID', 'OTHER']),
        isElectronic: this.chance(0.2 + 0.6 * q),
        issuerRole: this.pick(['carrier', 'carrier', 'forwarder', 'trade_service_enterprise']),
        ...(this.chance(0.5) ? { platform: this.pick(['WAVE', 'CARX', 'BOLE', 'EDOX', 'IQAX']) } : {}),
      });
    }
    for (let i = 0; i < n(0.12); i += 1) {
      this.emit('terminal', 'sw.equipment_interchange.v1', this.during(dayStart), {
        eirId: `EIR-${this.port.id}-${this.sequence}`,
        containerNumber: 'MSCU1234565',
        direction: this.pick(['gate_in', 'gate_out']),
        electronic: this.chance(0.6 + 0.4 * q),
      });
    }
    for (let i = 0; i < n(0.1); i += 1) this.charge(dayStart);
    for (let i = 0; i < n(0.06); i += 1) {
      const airOrRail = this.port.kind === 'air' || this.port.kind === 'rail';
      const mode = airOrRail && this.chance(0.7) ? this.port.kind : this.pick(['sea', 'road', 'rail', 'air'] as const);
      this.emit('logistics', 'sw.cargo.handover.v1', this.during(dayStart), {
        shipmentId: `SH-${this.port.id}-${this.sequence}`,
        mode,
        pattern:
          (mode === 'air' || mode === 'rail') && this.chance(0.1 + 0.3 * q)
            ? mode === 'air'
              ? 'apron_direct_pickup'
              : 'rail_direct_loading'
            : 'standard',
        multimodal: this.chance(0.3),
        singleDocument: this.chance(0.1 + 0.4 * q),
      });
    }
    for (let i = 0; i < n(0.04); i += 1) this.labTest(dayStart);
    for (let i = 0; i < n(0.02); i += 1)
      this.twoStage(
        'customs',
        'sw.tax_exemption.review.v1',
        dayStart,
        'caseId',
        ['submitted', 'decided'],
        this.hours(30 - 24 * q),
        { erpLinked: this.chance(0.4 + 0.5 * q) },
      );
    for (let i = 0; i < n(0.03); i += 1) {
      this.twoStage(
        'ecommerce',
        'sw.ecommerce.return.v1',
        dayStart,
        'returnId',
        ['requested', 'completed'],
        this.hours(120 - 80 * q),
        {
          model: this.pick(['export_retail', 'bonded_import']),
          crossCustomsArea: this.chance(0.5),
        },
      );
    }
    for (let i = 0; i < n(0.05); i += 1) {
      this.emit('bonded', 'sw.bonded.filing.v1', this.during(dayStart), {
        filingId: `BF-${this.port.id}-${this.sequence}`,
        source: this.chance(0.2 + 0.6 * q) ? 'erp' : 'manual',
      });
    }
    for (let i = 0; i < n(0.03); i += 1) {
      this.emit('inspection', 'sw.dangerous_goods.inspection.v1', this.during(dayStart), {
        lotId: `DG-${this.port.id}-${this.sequence}`,
        product: this.pick(['nev_battery', 'nev_battery', 'airbag', 'seatbelt', 'other']),
        batchInspection: this.chance(0.3 + 0.6 * q),
      });
    }
    this.verifications(dayStart, n(0.03));
    for (let i = 0; i < n(0.04); i += 1) {
      this.emit('declarations', 'sw.declaration.dual.v1', this.during(dayStart), {
        declarationId: `HK-${this.port.id}-${this.sequence}`,
        destination: this.pick(['HK', 'HK', 'MO']),
        dualSubmission: this.chance(0.5 + 0.45 * q),
      });
    }
    if (this.chance(0.5)) {
      this.emit('credit', 'sw.enterprise.credit.v1', this.during(dayStart), {
        enterpriseId: `ENT-${this.port.id}-${Math.floor(this.random() * 40)}`,
        level: this.chance(0.15 + 0.3 * q) ? 'advanced' : this.pick(['general', 'general', 'discredited']),
      });
    }
    for (let i = 0; i < n(0.02); i += 1) {
      this.twoStage(
        'disclosure',
        'sw.disclosure.v1',
        dayStart,
        'caseId',
        ['filed', 'decided'],
        this.hours(200),
        {},
        (stage) =>
          stage === 'decided'
            ? { outcome: this.chance(0.5 + 0.4 * q) ? this.pick(['no_penalty', 'reduced']) : 'penalized' }
            : {},
      );
    }
  }

  private permit(dayStart: number): void {
    const q = this.profile.quality;
    const permitId = `PMT-${this.port.id}-${this.sequence}`;
    const kind = this.pick(['food', 'animal_plant'] as const);
    const applied = this.during(dayStart);
    const instant = this.chance(0.3 + 0.65 * q);
    const decided = applied + (instant ? this.random() * 0.9 : this.hours(20 - 16 * q)) * HOUR;
    this.emit('quarantine', 'sw.permit.applied.v1', applied, {
      permitId,
      kind,
      channel: this.chance(0.5 + 0.5 * q) ? 'electronic' : 'paper',
    });
    this.emit('quarantine', 'sw.permit.decided.v1', decided, {
      permitId,
      kind,
      decision: this.chance(0.92) ? 'approved' : 'rejected',
    });
  }

  private certificate(dayStart: number): void {
    const q = this.profile.quality;
    const kind = this.pick(['entry_inspection', 'entry_inspection', 'sps', 'sps', 'origin', 'health'] as const);
    this.emit('certificates', 'sw.certificate.issued.v1', this.during(dayStart), {
      certificateId: `CERT-${this.port.id}-${this.sequence}`,
      kind,
      direction: this.pick(['import', 'export'] as const),
      partnerCountry: this.pick(['AU', 'NZ', 'TH', 'VN', 'CL', 'PE', 'NL', 'US']),
      electronic: this.chance(0.5 + 0.5 * q),
      verifiedOnline: this.chance(0.3 + 0.6 * q),
    });
  }

  private declaration(dayStart: number): void {
    const q = this.profile.quality;
    const goods = this.pick([
      'fresh_produce',
      'general',
      'general',
      'rnd_material',
      'dangerous_goods',
      'ecommerce',
    ] as const);
    const creditLevel = this.pick(['advanced', 'general', 'general', 'general', 'discredited'] as const);
    const common = {
      declarationId: `DEC-${this.port.id}-${this.sequence}`,
      goods,
      enterpriseId: `ENT-${this.port.id}-${Math.floor(this.random() * 40)}`,
      creditLevel,
    };
    let at = this.during(dayStart);
    this.emit('customs', 'sw.clearance.milestone.v1', at, { ...common, milestone: 'arrived' });
    at += this.hours(1.5) * HOUR;
    this.emit('customs', 'sw.clearance.milestone.v1', at, { ...common, milestone: 'declared' });
    const inspectionRate = creditLevel === 'advanced' ? 0.3 * (1.1 - q) : 0.35;
    if (this.chance(inspectionRate)) {
      at += this.hours(1) * HOUR;
      this.emit('customs', 'sw.clearance.milestone.v1', at, { ...common, milestone: 'inspection_ordered' });
    }
    if (this.chance(goods === 'fresh_produce' ? 0.5 : 0.15)) {
      at += this.hours(1) * HOUR;
      this.emit('customs', 'sw.clearance.milestone.v1', at, { ...common, milestone: 'sampled' });
      if (this.chance(0.2 + 0.6 * q)) {
        at += this.hours(0.5) * HOUR;
        this.emit('customs', 'sw.clearance.milestone.v1', at, { ...common, milestone: 'conditionally_released' });
      }
    }
    const median = goods === 'fresh_produce' ? 10 - 7 * q : goods === 'rnd_material' ? 40 - 25 * q : 30 - 20 * q;
    at += this.hours(median) * HOUR;
    this.emit('customs', 'sw.clearance.milestone.v1', at, { ...common, milestone: 'released' });
  }

  private charge(dayStart: number): void {
    const q = this.profile.quality;
    const operator = this.pick(['TERMINAL', 'AGENCY', 'TRUCKING']);
    const lines = [];
    for (let k = 0; k < 1 + Math.floor(this.random() * 3); k += 1) {
      const code = this.chance(0.9 + 0.1 * q) ? this.pick(['THC20', 'THC40', 'DOC']) : 'PEAK_SURCHARGE';
      const unit = { THC20: 860, THC40: 1290, DOC: 450, PEAK_SURCHARGE: 300 }[code]!;
      const quantity = 1 + Math.floor(this.random() * 4);
      const overcharge = this.chance(0.15 * (1 - q)) ? 1.1 : 1;
      lines.push({ code, quantity, amount: Math.round(quantity * unit * overcharge * 100) / 100, currency: 'CNY' });
    }
    this.emit('fees', 'sw.fee.charged.v1', this.during(dayStart), {
      operatorId: `${this.port.id}-${operator}`,
      invoiceId: `INV-${this.port.id}-${this.sequence}`,
      lines,
    });
  }

  private labTest(dayStart: number): void {
    const q = this.profile.quality;
    const sampleId = `LAB-${this.port.id}-${this.sequence}`;
    const lab = this.chance(0.1 + 0.3 * q) ? 'third_party' : this.pick(['customs', 'joint']);
    const sampled = this.during(dayStart);
    this.emit('lab', 'sw.lab.test.v1', sampled, { sampleId, stage: 'sampled', lab });
    this.emit('lab', 'sw.lab.test.v1', sampled + this.hours(100 - 60 * q, 0.5) * HOUR, {
      sampleId,
      stage: 'result',
      lab,
      adopted: this.chance(0.6 + 0.3 * q),
    });
  }

  private verifications(dayStart: number, orders: number): void {
    const q = this.profile.quality;
    const enterprise = `ENT-${this.port.id}-${Math.floor(this.random() * 40)}`;
    const visit = `VISIT-${this.port.id}-${this.sequence}`;
    const combined = this.chance(0.3 + 0.6 * q);
    for (let i = 0; i < orders; i += 1) {
      const orderId = `VO-${this.port.id}-${this.sequence}`;
      const ordered = this.during(dayStart);
      const remote = this.chance(0.1 + 0.4 * q);
      this.emit('verification', 'sw.verification.v1', ordered, {
        orderId,
        enterpriseId: enterprise,
        stage: 'ordered',
        remote,
      });
      this.emit('verification', 'sw.verification.v1', ordered + this.hours(30) * HOUR, {
        orderId,
        enterpriseId: enterprise,
        stage: 'performed',
        visitId: combined ? visit : `${visit}-${i}`,
        remote,
      });
    }
  }

  private twoStage(
    system: string,
    type: string,
    dayStart: number,
    idField: string,
    stages: [string, string],
    durationHours: number,
    data: Record<string, unknown>,
    perStage: (stage: string) => Record<string, unknown> = () => ({}),
  ): void {
    const id = `${system.toUpperCase()}-${this.port.id}-${this.sequence}`;
    const first = this.during(dayStart);
    this.emit(system, type, first, { [idField]: id, stage: stages[0], ...data, ...perStage(stages[0]) });
    this.emit(system, type, first + Math.max(0.1, durationHours) * HOUR, {
      [idField]: id,
      stage: stages[1],
      ...data,
      ...perStage(stages[1]),
    });
  }
}
