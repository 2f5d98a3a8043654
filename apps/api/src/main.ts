import 'reflect-metadata';

import { resolve } from 'node:path';

import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { raw, static as serveStatic } from 'express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { closeOnSignals, configOrExit } from '@portscore/config';
import { kafkaBusFor, serviceLogger, whenReachable } from '@portscore/runtime';
import { migrate } from '@portscore/persistence';

import { ApiExceptionFilter } from './api.exception';
import { ApiModule } from './api.module';
import { API_KEY_HEADER_SCHEME, BEARER_SCHEME } from './api.responses';
import { rateLimit } from './auth/rate-limit';

/** HTTP API: scorecards, catalogue, ports; OpenAPI at /docs. */
async function main(): Promise<void> {
  const config = configOrExit('api');
  await whenReachable(
    'PostgreSQL',
    () => migrate(config.databaseUrl),
    (line) => console.warn(`api: ${line}`),
  );
  const bus = kafkaBusFor(config, 'api');
  const app = await NestFactory.create(ApiModule.register(config, bus), {
    bodyParser: false,
    logger: serviceLogger('api', config),
  });
  app.useGlobalFilters(new ApiExceptionFilter());
  // Filings are read as raw bytes: dead letters keep them exactly, and XML is parsed by the validator.
  app.use('/v1', rateLimit(config.apiRateLimitPerMinute));
  app.use('/v1/filings', raw({ type: () => true, limit: config.maxFilingBytes * 10 }));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Portscore API')
      .setVersion('1')
      // The same key in either header; one of them is enough.
      .addApiKey(
        { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'an API key, psk_…' },
        API_KEY_HEADER_SCHEME,
      )
      .addBearerAuth(
        { type: 'http', scheme: 'bearer', bearerFormat: 'psk_…', description: 'Authorization: Bearer psk_…' },
        BEARER_SCHEME,
      )
      .addSecurityRequirements(API_KEY_HEADER_SCHEME)
      .addSecurityRequirements(BEARER_SCHEME)
      .setDescription('Port scores against the 29 measures of the 2024 cross-border trade facilitation action.')
      .build(),
  );
  // Health, readiness and metrics answer without a key (probes and scrapers have none).
  for (const path of ['/health', '/ready', '/metrics']) {
    const operation = document.paths[path]?.get;
    if (operation) operation.security = [];
  }
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
  // The dashboard: static files; it asks for an API key and calls the API like any client.
  app.use(
    '/dashboard',
    serveStatic(resolve(__dirname, '..', '..', '..', '..', 'apps', 'api', 'public'), { index: 'index.html' }),
  );
  app
    .getHttpAdapter()
    .get('/', (_request: unknown, response: { redirect: (url: string) => void }) => response.redirect('/dashboard/'));
  closeOnSignals('api', async () => {
    await app.close();
    await bus.disconnect();
  });
  await app.listen(config.apiPort, config.apiHost);
  new Logger('api').log(`listening on http://${config.apiHost}:${config.apiPort} (OpenAPI at /docs)`);
}

main().catch((error: unknown) => {
  console.error('api: failed to start:', error);
  process.exit(1);
});
