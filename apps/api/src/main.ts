import 'reflect-metadata';

import { once } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { raw, static as serveStatic } from 'express';
import { SwaggerModule } from '@nestjs/swagger';
import { closeOnSignals, configOrExit } from '@portscore/config';
import { kafkaBusFor, serviceLogger, whenReachable } from '@portscore/runtime';
import { migrate } from '@portscore/persistence';

import { ApiExceptionFilter } from './api.exception';
import { ApiModule } from './api.module';
import { rateLimit } from './auth/rate-limit';
import { openApiDocument } from './openapi';

/**
 * Requests in flight at SIGTERM get this long to finish before their connections are cut; well
 * inside the 25 s that closeOnSignals allows the whole shutdown.
 */
const REQUEST_DRAIN_MS = 10_000;

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
    // Whatever the drain below leaves open is cut, so close() never waits on a client.
    forceCloseConnections: true,
  });
  const drainHttp = httpDrain(app.getHttpServer() as Server);
  app.useGlobalFilters(new ApiExceptionFilter());
  // Filings are read as raw bytes: dead letters keep them exactly, and XML is parsed by the validator.
  app.use('/v1', rateLimit(config.apiRateLimitPerMinute));
  app.use('/v1/filings', raw({ type: () => true, limit: config.maxFilingBytes * 10 }));
  SwaggerModule.setup('docs', app, openApiDocument(app), { jsonDocumentUrl: 'docs/openapi.json' });
  // The dashboard: static files; it asks for an API key and calls the API like any client.
  app.use(
    '/dashboard',
    serveStatic(resolve(__dirname, '..', '..', '..', '..', 'apps', 'api', 'public'), { index: 'index.html' }),
  );
  app
    .getHttpAdapter()
    .get('/', (_request: unknown, response: { redirect: (url: string) => void }) => response.redirect('/dashboard/'));
  closeOnSignals('api', async () => {
    await drainHttp(REQUEST_DRAIN_MS);
    await app.close();
    await bus.disconnect();
  });
  await app.listen(config.apiPort, config.apiHost);
  new Logger('api').log(`listening on http://${config.apiHost}:${config.apiPort} (OpenAPI at /docs)`);
}

/**
 * Returns a drain for shutdown: stop accepting connections, end the update streams (clients
 * reconnect elsewhere and resume with Last-Event-ID) and give the other requests in flight up to
 * `timeoutMs` to finish. An open stream never finishes by itself, so without this close() would
 * wait for the dashboard until the shutdown is cut off.
 */
function httpDrain(server: Server): (timeoutMs: number) => Promise<void> {
  const open = new Set<ServerResponse>();
  let draining = false;
  // First of the listeners, so a response is known (and can be marked) before anything answers it.
  server.prependListener('request', (_request: IncomingMessage, response: ServerResponse) => {
    // A request on a kept-alive connection while draining is still answered, on its last use.
    if (draining) response.setHeader('connection', 'close');
    open.add(response);
    response.on('close', () => open.delete(response));
  });
  const isStream = (response: ServerResponse) =>
    String(response.getHeader('content-type') ?? '').startsWith('text/event-stream');
  return async (timeoutMs) => {
    draining = true;
    server.close();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const response of open) if (isStream(response) && !response.writableEnded) response.end();
      const pending = [...open].filter((response) => !isStream(response));
      const left = deadline - Date.now();
      if (pending.length === 0 || left <= 0) return;
      await Promise.race([
        Promise.all(pending.map((response) => once(response, 'close'))),
        sleep(left, undefined, { ref: false }),
      ]);
    }
  };
}

main().catch((error: unknown) => {
  console.error('api: failed to start:', error);
  process.exit(1);
});
