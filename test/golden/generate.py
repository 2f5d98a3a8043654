#!/usr/bin/env python3
"""Writes events.ndjson: a deterministic golden event set over three ports and two months
(September and October 2026) that touches every quantitative KPI, with duplicates, milestones
reported twice, cases crossing month ends, late catalogues and negative durations.

Run: python3 test/golden/generate.py && python3 test/golden/reference.py
"""
import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).parent
UTC = timezone.utc
PORTS = {'CNSHA': 8, 'CNPVG': 8, 'CNAKA': 6}  # port -> UTC offset hours of its zone
rng = random.Random(20261127)
events = []
counter = [0]


def emit(port, type_, time, data, source=None):
    counter[0] += 1
    offset = timezone(timedelta(hours=PORTS[port]))
    events.append({
        'specversion': '1.0',
        'id': f'g{counter[0]:05d}',
        'source': source or f'urn:golden:{port.lower()}',
        'type': type_,
        'time': time.replace(microsecond=0).astimezone(offset).isoformat(),
        'port': port,
        'datacontenttype': 'application/json',
        'data': data,
    })


def moment(month, port):
    """A random instant in the month, in the port's local calendar (returned in UTC)."""
    start = datetime(2026, month, 1, tzinfo=timezone(timedelta(hours=PORTS[port])))
    days = 30 if month == 9 else 31
    return (start + timedelta(seconds=rng.randrange(days * 86400))).astimezone(UTC)


def hours(h):
    return timedelta(hours=h)


for port in PORTS:
    for month in (9, 10):
        tag = f'{port}-{month}'
        # M1 permits: instant decisions, slow ones, a decision without application, a negative one.
        for n in range(30):
            applied = moment(month, port)
            duration = rng.choice([0.2, 0.5, 0.9, 1.0, 1.5, 3, 8, 20, 30, 50]) * rng.uniform(0.8, 1.2)
            pid = f'P-{tag}-{n}'
            kind = rng.choice(['food', 'animal_plant'])
            if n != 7:
                emit(port, 'sw.permit.applied.v1', applied, {'permitId': pid, 'kind': kind, 'channel': rng.choice(['electronic', 'paper'])})
            decided = applied - hours(2) if n == 11 else applied + hours(duration)
            emit(port, 'sw.permit.decided.v1', decided, {'permitId': pid, 'kind': kind, 'decision': rng.choice(['approved', 'rejected'])})
            if n == 3:  # another system reports the same decision later: the earliest time wins
                emit(port, 'sw.permit.decided.v1', decided + hours(5), {'permitId': pid, 'kind': kind, 'decision': 'approved'}, source='urn:golden:mirror')
        # M1/M18 certificates
        for n in range(24):
            kind = ['entry_inspection', 'sps', 'sps', 'origin', 'health'][n % 5]
            emit(port, 'sw.certificate.issued.v1', moment(month, port), {
                'certificateId': f'C-{tag}-{n}', 'kind': kind, 'direction': rng.choice(['import', 'export']),
                'partnerCountry': rng.choice(['AU', 'NZ', 'TH', 'CL']), 'electronic': rng.random() < 0.7,
                'verifiedOnline': rng.random() < 0.5,
            })
        # M2/M3/M8/M17 declarations
        for n in range(36):
            did = f'D-{tag}-{n}'
            goods = ['fresh_produce', 'general', 'rnd_material', 'ecommerce', 'dangerous_goods'][n % 5]
            level = ['advanced', 'general', 'general', 'discredited'][n % 4]
            common = {'declarationId': did, 'goods': goods, 'enterpriseId': f'E-{port}-{n % 9}', 'creditLevel': level}
            t = moment(month, port)
            steps = [('arrived', 0), ('declared', rng.uniform(0.5, 3))]
            if rng.random() < (0.15 if level == 'advanced' else 0.5):
                steps.append(('inspection_ordered', rng.uniform(0.2, 2)))
            if rng.random() < 0.6:
                steps.append(('sampled', rng.uniform(0.2, 2)))
                if rng.random() < 0.5:
                    steps.append(('conditionally_released', rng.uniform(0.5, 4)))
            steps.append(('released', rng.uniform(1, 40)))
            if n == 5:
                steps = steps[1:]  # no arrival: no duration sample
            for milestone, gap in steps:
                t = t + hours(gap)
                emit(port, 'sw.clearance.milestone.v1', t, {**common, 'milestone': milestone})
        # M12/M20 transport documents
        for n in range(18):
            emit(port, 'sw.transport_document.v1', moment(month, port), {
                'transportDocumentReference': f'BL-{tag}-{n}', 'status': ['ISSUED', 'ISSUED', 'ISSUED', 'SURRENDERED', 'VOID'][n % 5],
                'isElectronic': rng.random() < 0.5, 'issuerRole': ['carrier', 'trade_service_enterprise', 'forwarder'][n % 3],
            })
        # M20 equipment interchange receipts
        for n in range(20):
            emit(port, 'sw.equipment_interchange.v1', moment(month, port), {
                'eirId': f'EIR-{tag}-{n}', 'containerNumber': 'MSCU1234565', 'direction': rng.choice(['gate_in', 'gate_out']),
                'electronic': rng.random() < 0.8,
            })
        # M4 handovers
        for n in range(24):
            mode = ['sea', 'air', 'rail', 'road'][n % 4]
            emit(port, 'sw.cargo.handover.v1', moment(month, port), {
                'shipmentId': f'S-{tag}-{n}', 'mode': mode,
                'pattern': rng.choice(['apron_direct_pickup', 'rail_direct_loading', 'standard', 'standard']),
                'multimodal': n % 3 == 0, 'singleDocument': rng.random() < 0.4,
            })
        # M5/M26 lab tests
        for n in range(16):
            sid = f'L-{tag}-{n}'
            lab = ['customs', 'joint', 'third_party'][n % 3]
            t = moment(month, port)
            emit(port, 'sw.lab.test.v1', t, {'sampleId': sid, 'stage': 'sampled', 'lab': lab})
            emit(port, 'sw.lab.test.v1', t + hours(rng.uniform(10, 120)), {'sampleId': sid, 'stage': 'result', 'lab': lab, 'adopted': rng.random() < 0.6})
        # M6 tax exemption reviews
        for n in range(12):
            cid = f'T-{tag}-{n}'
            erp = n % 4 != 0
            t = moment(month, port)
            emit(port, 'sw.tax_exemption.review.v1', t, {'caseId': cid, 'stage': 'submitted', 'erpLinked': erp})
            emit(port, 'sw.tax_exemption.review.v1', t + hours(rng.choice([2, 10, 20, 30, 60])), {'caseId': cid, 'stage': 'decided', 'erpLinked': erp})
        # M7 returns
        for n in range(10):
            rid = f'R-{tag}-{n}'
            model = rng.choice(['export_retail', 'bonded_import'])
            t = moment(month, port)
            emit(port, 'sw.ecommerce.return.v1', t, {'returnId': rid, 'stage': 'requested', 'model': model, 'crossCustomsArea': True})
            emit(port, 'sw.ecommerce.return.v1', t + hours(rng.uniform(20, 150)), {'returnId': rid, 'stage': 'completed', 'model': model, 'crossCustomsArea': True})
        # M9 bonded filings, M10 dangerous goods, M22 dual declarations
        for n in range(14):
            emit(port, 'sw.bonded.filing.v1', moment(month, port), {'filingId': f'B-{tag}-{n}', 'source': rng.choice(['erp', 'manual'])})
            emit(port, 'sw.dangerous_goods.inspection.v1', moment(month, port), {
                'lotId': f'DG-{tag}-{n}', 'product': rng.choice(['nev_battery', 'airbag', 'seatbelt', 'other']), 'batchInspection': rng.random() < 0.6,
            })
            emit(port, 'sw.declaration.dual.v1', moment(month, port), {
                'declarationId': f'HK-{tag}-{n}', 'destination': rng.choice(['HK', 'MO']), 'dualSubmission': rng.random() < 0.85,
            })
        # M19 verification: orders performed in shared visits, some remote
        for n in range(16):
            oid = f'V-{tag}-{n}'
            t = moment(month, port)
            emit(port, 'sw.verification.v1', t, {'orderId': oid, 'enterpriseId': f'E-{port}-{n % 5}', 'stage': 'ordered', 'remote': False})
            remote = n % 4 == 0
            emit(port, 'sw.verification.v1', t + hours(rng.uniform(5, 50)), {
                'orderId': oid, 'enterpriseId': f'E-{port}-{n % 5}', 'stage': 'performed', 'visitId': f'VISIT-{tag}-{n // 3}', 'remote': remote,
            })
        # M28 disclosures
        for n in range(10):
            cid = f'DS-{tag}-{n}'
            t = moment(month, port)
            emit(port, 'sw.disclosure.v1', t, {'caseId': cid, 'stage': 'filed'})
            emit(port, 'sw.disclosure.v1', t + hours(rng.uniform(24, 200)), {'caseId': cid, 'stage': 'decided', 'outcome': rng.choice(['no_penalty', 'reduced', 'penalized'])})

    # M23/M24 fee catalogues: OP-A on the Single Window (new version effective 15 Oct, published
    # late on 20 Oct), OP-B on a website, OP-C never publishes.
    offset = timezone(timedelta(hours=PORTS[port]))
    items_a1 = [{'code': 'THC', 'name': 'Terminal handling', 'unit': 'box', 'amount': 800, 'currency': 'CNY'},
                {'code': 'DOC', 'name': 'Documents', 'unit': 'set', 'amount': 300, 'currency': 'CNY'}]
    items_a2 = [{'code': 'THC', 'name': 'Terminal handling', 'unit': 'box', 'amount': 700, 'currency': 'CNY'}]
    items_b = [{'code': 'THC', 'name': 'Terminal handling', 'unit': 'box', 'amount': 900, 'currency': 'CNY'}]
    emit(port, 'sw.fee.catalogue.published.v1', datetime(2026, 8, 25, 9, tzinfo=offset),
         {'operatorId': 'OP-A', 'channel': 'single_window', 'effectiveFrom': datetime(2026, 9, 1, tzinfo=offset).isoformat(), 'items': items_a1})
    emit(port, 'sw.fee.catalogue.published.v1', datetime(2026, 10, 20, 9, tzinfo=offset),
         {'operatorId': 'OP-A', 'channel': 'single_window', 'effectiveFrom': datetime(2026, 10, 15, tzinfo=offset).isoformat(), 'items': items_a2})
    emit(port, 'sw.fee.catalogue.published.v1', datetime(2026, 9, 5, 9, tzinfo=offset),
         {'operatorId': 'OP-B', 'channel': 'website', 'effectiveFrom': datetime(2026, 9, 10, tzinfo=offset).isoformat(), 'items': items_b})
    for month in (9, 10):
        for n in range(20):
            operator = ['OP-A', 'OP-A', 'OP-B', 'OP-C'][n % 4]
            lines = []
            for k in range(rng.choice([1, 2])):
                code = rng.choice(['THC', 'THC', 'DOC', 'XTRA'])
                quantity = rng.choice([1, 2, 3])
                unit = {'THC': rng.choice([700, 800, 900]), 'DOC': 300, 'XTRA': 100}[code]
                amount = round(quantity * unit * rng.choice([1, 1, 1.001, 1.2]), 2)
                # A few lines in another currency than the catalogue's: M23 compares code and amount only.
                currency = 'USD' if n in (1, 5, 6) and k == 0 else 'CNY'
                lines.append({'code': code, 'quantity': quantity, 'amount': amount, 'currency': currency})
            emit(port, 'sw.fee.charged.v1', moment(month, port), {'operatorId': operator, 'invoiceId': f'INV-{port}-{month}-{n}', 'lines': lines})

    # M27 credit ratings: histories crossing the two months, one upgrade reported late.
    for e in range(8):
        enterprise = f'E-{port}-{e}'
        levels = [rng.choice(['general', 'discredited', 'advanced']) for _ in range(4)]
        for k, level in enumerate(levels):
            emit(port, 'sw.enterprise.credit.v1', datetime(2026, 8, 20, tzinfo=UTC) + timedelta(days=12 * k + e), {'enterpriseId': enterprise, 'level': level})

    # Measure status reports (measures without KPIs, and measure 1 at a port where it is not scored)
    for measure, level, day in [(11, 'pilot', datetime(2026, 9, 3, tzinfo=UTC)), (11, 'partial', datetime(2026, 10, 12, tzinfo=UTC)),
                                (13, 'full', datetime(2026, 8, 1, tzinfo=UTC)), (16, 'none', datetime(2026, 9, 20, tzinfo=UTC)),
                                (29, 'partial', datetime(2026, 10, 30, tzinfo=UTC))]:
        emit(port, 'sw.measure.status.v1', day, {'measure': measure, 'level': level})

# Exact re-sends of about one event in twenty: duplicates that must not count twice.
duplicates = [dict(e) for e in rng.sample(events, len(events) // 20)]
stream = events + duplicates
rng.shuffle(stream)
with open(HERE / 'events.ndjson', 'w') as out:
    for event in stream:
        out.write(json.dumps(event, ensure_ascii=False) + '\n')
print(f'{len(stream)} events ({len(duplicates)} duplicates) written to events.ndjson')
