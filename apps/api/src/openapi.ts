import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { API_KEY_HEADER_SCHEME, BEARER_SCHEME } from './api.responses';

/**
 * The OpenAPI document of the API (served at /docs). Security is declared per operation:
 * @ApiKeyAuth() on the controllers behind the key guard; health, readiness and metrics carry
 * none, as probes and scrapers have no key.
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
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
      .setDescription('Port scores against the 29 measures of the 2024 cross-border trade facilitation action.')
      .build(),
  );
}
