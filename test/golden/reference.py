#!/usr/bin/env python3
"""An independent reference for the golden test: reads events.ndjson and computes every KPI of
SPEC §3, the measure scores and port index of SPEC §4, for day, ISO week and month windows in
each port's time zone, straight from the specification. Writes expected.json.

It shares no code with the TypeScript engine: if both agree on this event set, the engine does
what the specification says (or both misread it the same way, which the hand-computed unit
tests guard against).
"""
import json
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
catalogue = json.loads((ROOT / 'seeds/catalogue.json').read_text())
ports = {p['id']: ZoneInfo(p['timeZone']) for p in json.loads((ROOT / 'seeds/ports.json').read_text())['ports']}
kpi_defs = {k['id']: {**k, 'measure': m['number']} for m in catalogue['measures'] for k in m['kpis']}


def parse(text):
    return datetime.fromisoformat(text)


# 1. Distinct events by (source, id): repeats are ignored.
events = {}
for line in (HERE / 'events.ndjson').read_text().splitlines():
    event = json.loads(line)
    events.setdefault((event['source'], event['id']), event)


def key_of(event):
    return f"{event['source']} {event['id']}"


# 2. Cases: each milestone keeps its earliest time (ties: smaller event key) and that event's data.
cases = defaultdict(dict)  # (port, kind, id) -> milestone -> (time, key, data)


def milestone(port, kind, case_id, name, event):
    at = parse(event['time'])
    current = cases[(port, kind, case_id)].get(name)
    candidate = (at, key_of(event), event['data'])
    if current is None or (candidate[0], candidate[1]) < (current[0], current[1]):
        cases[(port, kind, case_id)][name] = candidate


plain = defaultdict(list)  # (port, kind) -> [(time, data)]
for event in events.values():
    t, d, port = event['type'], event['data'], event['port']
    if t == 'sw.permit.applied.v1':
        milestone(port, 'permit', d['permitId'], 'applied', event)
    elif t == 'sw.permit.decided.v1':
        milestone(port, 'permit', d['permitId'], 'decided', event)
    elif t == 'sw.clearance.milestone.v1':
        milestone(port, 'declaration', d['declarationId'], d['milestone'], event)
    elif t == 'sw.lab.test.v1':
        milestone(port, 'lab', d['sampleId'], d['stage'], event)
    elif t == 'sw.tax_exemption.review.v1':
        milestone(port, 'tax', d['caseId'], d['stage'], event)
    elif t == 'sw.ecommerce.return.v1':
        milestone(port, 'return', d['returnId'], d['stage'], event)
    elif t == 'sw.verification.v1':
        milestone(port, 'verification', d['orderId'], d['stage'], event)
    elif t == 'sw.disclosure.v1':
        milestone(port, 'disclosure', d['caseId'], d['stage'], event)
    elif t == 'sw.transport_document.v1':
        if d['status'] == 'ISSUED':
            plain[(port, 'issued_doc')].append((parse(event['time']), d))
    else:
        plain[(port, t)].append((parse(event['time']), d))


# 3. Windows in the port's zone.
def window_start(at, zone, grain):
    local = at.astimezone(zone)
    day = local.date()
    if grain == 'week':
        day = day - timedelta(days=day.weekday())
    elif grain == 'month':
        day = day.replace(day=1)
    return datetime(day.year, day.month, day.day, tzinfo=zone)


def window_end(start, grain):
    if grain == 'day':
        d = start.date() + timedelta(days=1)
    elif grain == 'week':
        d = start.date() + timedelta(days=7)
    else:
        d = (start.date().replace(day=28) + timedelta(days=4)).replace(day=1)
    return datetime(d.year, d.month, d.day, tzinfo=start.tzinfo)


def label(start):
    return start.isoformat()


GRAINS = ['day', 'week', 'month']


def percentile(values, fraction):
    if not values:
        return None
    values = sorted(values)
    rank = fraction * (len(values) - 1)
    low, high = int(rank // 1), -int(-rank // 1)
    return values[low] + (values[high] - values[low]) * (rank - low)


def hours_between(a, b):
    return (b - a).total_seconds() / 3600


# 4. Group by window: a case belongs to the window of its completing milestone.
def grouped_cases(kind, completing):
    out = defaultdict(list)
    for (port, k, _), ms in cases.items():
        if k != kind or completing not in ms:
            continue
        for grain in GRAINS:
            out[(port, grain, window_start(ms[completing][0], ports[port], grain))].append(ms)
    return out


def grouped_plain(kind):
    out = defaultdict(list)
    for (port, k), items in plain.items():
        if k != kind:
            continue
        for at, data in items:
            for grain in GRAINS:
                out[(port, grain, window_start(at, ports[port], grain))].append((at, data))
    return out


def durations(group, a, b):
    values = []
    for ms in group:
        if a in ms and b in ms:
            h = hours_between(ms[a][0], ms[b][0])
            if h >= 0:
                values.append(h)
    return values


def share(denominator, numerator):
    return (numerator / denominator if denominator else None, denominator)


results = {}  # (port, kpi, grain, start) -> (value, samples)


def put(kpi, windows, fn):
    for (port, grain, start), group in windows.items():
        results[(port, kpi, grain, start)] = fn(group)


permits = grouped_cases('permit', 'decided')
put('m1.instant_share', permits, lambda g: (lambda d: share(len(d), sum(1 for h in d if h <= 1)))(durations(g, 'applied', 'decided')))
put('m1.p90_hours', permits, lambda g: (lambda d: (percentile(d, 0.9), len(d)))(durations(g, 'applied', 'decided')))
certs = grouped_plain('sw.certificate.issued.v1')
put('m1.ecert_share', certs, lambda g: (lambda e: share(len(e), sum(1 for d in e if d['electronic'])))([d for _, d in g if d['kind'] == 'entry_inspection']))
put('m18.e_exchange_share', certs, lambda g: (lambda e: share(len(e), sum(1 for d in e if d['electronic'])))([d for _, d in g if d['kind'] == 'sps']))
put('m18.verified_share', certs, lambda g: (lambda e: share(len(e), sum(1 for d in e if d.get('verifiedOnline'))))([d for _, d in g if d['kind'] == 'sps' and d['direction'] == 'import']))

released = grouped_cases('declaration', 'released')
goods = lambda ms: ms['released'][2]['goods']
put('m2.release_p50_hours', released, lambda g: (lambda d: (percentile(d, 0.5), len(d)))(durations([m for m in g if goods(m) == 'fresh_produce'], 'arrived', 'released')))
put('m8.release_p50_hours', released, lambda g: (lambda d: (percentile(d, 0.5), len(d)))(durations([m for m in g if goods(m) == 'rnd_material'], 'arrived', 'released')))
put('m17.release_p50_hours', released, lambda g: (lambda d: (percentile(d, 0.5), len(d)))(durations(g, 'arrived', 'released')))
put('m2.conditional_share', released, lambda g: (lambda s: share(len(s), sum(1 for m in s if 'conditionally_released' in m)))([m for m in g if goods(m) == 'fresh_produce' and 'sampled' in m]))


def aeo(group):
    adv = [m for m in group if m['declared'][2]['creditLevel'] == 'advanced']
    gen = [m for m in group if m['declared'][2]['creditLevel'] == 'general']
    if not adv or not gen:
        return (None, len(adv))
    rate = lambda ms: sum(1 for m in ms if 'inspection_ordered' in m) / len(ms)
    if rate(gen) == 0:
        return (None, len(adv))
    return (rate(adv) / rate(gen), len(adv))


put('m3.aeo_inspection_ratio', grouped_cases('declaration', 'declared'), aeo)
handovers = grouped_plain('sw.cargo.handover.v1')
put('m4.single_document_share', handovers, lambda g: (lambda e: share(len(e), sum(1 for d in e if d['singleDocument'])))([d for _, d in g if d['multimodal']]))
put('m4.direct_share', handovers, lambda g: (lambda e: share(len(e), sum(1 for d in e if d['pattern'] in ('apron_direct_pickup', 'rail_direct_loading'))))([d for _, d in g if d['mode'] in ('air', 'rail')]))
results_lab = grouped_cases('lab', 'result')
put('m5.turnaround_p50_hours', results_lab, lambda g: (lambda d: (percentile(d, 0.5), len(d)))(durations(g, 'sampled', 'result')))
put('m26.third_party_adopted_share', results_lab, lambda g: share(len(g), sum(1 for m in g if m['result'][2]['lab'] == 'third_party' and m['result'][2].get('adopted'))))
put('m6.erp_fast_share', grouped_cases('tax', 'decided'), lambda g: (lambda d: share(len(d), sum(1 for h in d if h <= 24)))(durations([m for m in g if m['decided'][2]['erpLinked']], 'submitted', 'decided')))
put('m7.return_p50_hours', grouped_cases('return', 'completed'), lambda g: (lambda d: (percentile(d, 0.5), len(d)))(durations(g, 'requested', 'completed')))
put('m9.erp_share', grouped_plain('sw.bonded.filing.v1'), lambda g: share(len(g), sum(1 for _, d in g if d['source'] == 'erp')))
put('m10.batch_share', grouped_plain('sw.dangerous_goods.inspection.v1'), lambda g: share(len(g), sum(1 for _, d in g if d['batchInspection'])))
issued = grouped_plain('issued_doc')
put('m12.edoc_share', issued, lambda g: (lambda e: share(len(e), sum(1 for d in e if d['isElectronic'])))([d for _, d in g if d['issuerRole'] == 'trade_service_enterprise']))
put('m20.ebl_share', issued, lambda g: share(len(g), sum(1 for _, d in g if d['isElectronic'])))
put('m20.paperless_eir_share', grouped_plain('sw.equipment_interchange.v1'), lambda g: share(len(g), sum(1 for _, d in g if d['electronic'])))
put('m22.dual_share', grouped_plain('sw.declaration.dual.v1'), lambda g: share(len(g), sum(1 for _, d in g if d['dualSubmission'])))
performed = grouped_cases('verification', 'performed')
put('m19.visits_per_order', performed, lambda g: (len({m['performed'][2]['visitId'] for m in g if not m['performed'][2]['remote']}) / len(g) if g else None, len(g)))
put('m19.remote_share', performed, lambda g: share(len(g), sum(1 for m in g if m['performed'][2]['remote'])))
put('m28.lenient_share', grouped_cases('disclosure', 'decided'), lambda g: share(len(g), sum(1 for m in g if m['decided'][2]['outcome'] in ('no_penalty', 'reduced'))))

# M23 / M24: the effective catalogue of the operator at the charge time: the greatest effectiveFrom
# not after it (ties: the later publication, then the larger event key).
catalogues = defaultdict(list)
for event in events.values():
    if event['type'] == 'sw.fee.catalogue.published.v1':
        d = event['data']
        catalogues[(event['port'], d['operatorId'])].append((parse(d['effectiveFrom']), parse(event['time']), key_of(event), d))


def effective(port, operator, at):
    candidates = [c for c in catalogues[(port, operator)] if c[0] <= at]
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c[0], c[1], c[2]))[3]


charges = defaultdict(list)
for (port, kind), items in plain.items():
    if kind == 'sw.fee.charged.v1':
        for at, d in items:
            for grain in GRAINS:
                charges[(port, grain, window_start(at, ports[port], grain))].append((port, at, d))


def compliant_lines(group):
    total = ok = 0
    for port, at, d in group:
        cat = effective(port, d['operatorId'], at)
        prices = {i['code']: i for i in cat['items']} if cat else {}
        for line in d['lines']:
            total += 1
            item = prices.get(line['code'])
            # Code and amount only: the measure does not compare currencies.
            if item and line['amount'] <= line['quantity'] * item['amount'] + 0.005:
                ok += 1
    return share(total, ok)


def sw_published(group):
    operators = {}
    for port, at, d in group:
        cat = effective(port, d['operatorId'], at)
        operators[d['operatorId']] = operators.get(d['operatorId'], True) and bool(cat and cat['channel'] == 'single_window')
    return share(len(operators), sum(1 for v in operators.values() if v))


put('m23.compliant_line_share', charges, compliant_lines)
put('m24.sw_published_share', charges, sw_published)

# M27: upgrades to advanced, judged against the enterprise's previous rating by time.
ratings = defaultdict(list)
for (port, kind), items in plain.items():
    if kind == 'sw.enterprise.credit.v1':
        for at, d in items:
            ratings[(port, d['enterpriseId'])].append((at, d['level']))
rated = grouped_plain('sw.enterprise.credit.v1')


def upgrades(group):
    port = None
    upgraded = set()
    for at, d in group:
        history = None
        for (p, enterprise), items in ratings.items():
            if enterprise == d['enterpriseId']:
                history, port = items, p
        previous = [h for h in history if h[0] < at]
        if d['level'] == 'advanced' and previous and max(previous)[1] != 'advanced':
            upgraded.add(d['enterpriseId'])
    return (len(upgraded), len(group))


put('m27.advanced_upgrades', rated, upgrades)

# 5. Attainment, measure scores (status fallback) and port index per window.
scale = catalogue['statusScale']
statuses = defaultdict(list)  # port -> [(time, event key, measure, level)]
for event in events.values():
    if event['type'] == 'sw.measure.status.v1':
        statuses[event['port']].append((parse(event['time']), key_of(event), event['data']['measure'], event['data']['level']))

expected = {'indicators': {}, 'scores': {}}
windows = set()
for (port, kpi, grain, start), (value, samples) in results.items():
    if kpi not in kpi_defs:
        continue
    k = kpi_defs[kpi]
    scored = value is not None and samples >= k['minSamples']
    attainment = None
    if scored:
        attainment = min(1, value / k['target']) if k['direction'] == 'up' else (1 if value <= k['target'] else k['target'] / value)
    expected['indicators'][f'{port}|{kpi}|{grain}|{label(start)}'] = {
        'value': value, 'samples': samples, 'scored': scored, 'attainment': attainment, 'windowEnd': label(window_end(start, grain)),
    }
    windows.add((port, grain, start))
# Windows holding a status report have scores too.
for port, items in statuses.items():
    for at, *_ in items:
        for grain in GRAINS:
            windows.add((port, grain, window_start(at, ports[port], grain)))

for port, grain, start in windows:
    end = window_end(start, grain)
    measure_scores = []
    for m in catalogue['measures']:
        attained = [expected['indicators'].get(f"{port}|{k['id']}|{grain}|{label(start)}") for k in m['kpis']]
        attained = [a['attainment'] for a in attained if a and a['scored']]
        if attained:
            score = 100 * sum(attained) / len(attained)
        else:
            # The latest report before the end (ties: the larger event key).
            reports = [s for s in statuses[port] if s[2] == m['number'] and s[0] < end]
            score = 100 * scale[max(reports)[3]] / 3 if reports else None
        expected['scores'][f"{port}|m{m['number']}|{grain}|{label(start)}"] = score
        measure_scores.append(score)
    present = [s for s in measure_scores if s is not None]
    expected['scores'][f'{port}|index|{grain}|{label(start)}'] = sum(present) / len(present) if present else None

(HERE / 'expected.json').write_text(json.dumps(expected, indent=1, sort_keys=True) + '\n')
print(f"{len(expected['indicators'])} indicators and {len(expected['scores'])} scores written to expected.json")
