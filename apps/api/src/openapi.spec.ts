import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { HealthController, MetricsController } from '@portscore/runtime';

import { CatalogueController } from './catalogue/catalogue.controller';
import { FilingsController } from './filings/filings.controller';
import { InsightsController } from './insights/insights.controller';
import { openApiDocument } from './openapi';
import { ScorecardController } from './scorecard/scorecard.controller';
import { StreamController } from './stream/stream.controller';

describe('openApiDocument', () => {
  let app: INestApplication;

  beforeAll(async () => {
    // The API's controllers, their services stubbed: the document is read from the decorators.
    const moduleRef = await Test.createTestingModule({
      controllers: [
        HealthController,
        MetricsController,
        CatalogueController,
        FilingsController,
        InsightsController,
        ScorecardController,
        StreamController,
      ],
    })
      .useMocker(() => ({}))
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });

  afterAll(async () => {
    await app.close();
  });

  it('asks for a key on every operation but health, readiness and metrics, with no global requirement', () => {
    const document = openApiDocument(app);
    expect(document.security).toBeUndefined();
    expect(Object.keys(document.components?.securitySchemes ?? {})).toEqual(['api-key', 'bearer']);
    const security = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => [
        `${method.toUpperCase()} ${path}`,
        (operation as { security?: unknown }).security ?? 'no key',
      ]),
    );
    const keyed = [{ 'api-key': [] }, { bearer: [] }];
    expect(Object.fromEntries(security)).toEqual({
      'GET /health': 'no key',
      'GET /ready': 'no key',
      'GET /metrics': 'no key',
      'GET /v1/catalogue': keyed,
      'GET /v1/ports': keyed,
      'POST /v1/filings': keyed,
      'GET /v1/ports/{port}/kpis/{kpi}/series': keyed,
      'GET /v1/ports/{port}/kpis/{kpi}/cases': keyed,
      'GET /v1/scores': keyed,
      'GET /v1/rankings': keyed,
      'GET /v1/ports/{port}/fee-violations': keyed,
      'GET /v1/ports/{port}/data-quality': keyed,
      'GET /v1/dead-letters': keyed,
      'GET /v1/ports/{port}/scorecard': keyed,
      'GET /v1/stream': keyed,
    });
  });
});
