import { EVENT_TYPES, type EventType } from './cloud-event';
import { EVENT_DATA_CLASSES } from './events';
import { REJECT_REASONS } from './filing-rejection.exception';
import { dataSchemas, envelopeSchema, type JsonSchema } from './json-schema';

const INDICATOR: JsonSchema = {
  type: 'object',
  required: [
    'port',
    'measure',
    'kpi',
    'grain',
    'windowStart',
    'windowEnd',
    'value',
    'samples',
    'target',
    'attainment',
    'scored',
    'catalogueVersion',
    'computedAt',
  ],
  properties: {
    port: { type: 'string', examples: ['CNSHA'] },
    measure: { type: 'integer', minimum: 1, maximum: 29 },
    kpi: { type: 'string', examples: ['m1.instant_share'] },
    grain: { type: 'string', enum: ['day', 'week', 'month'] },
    windowStart: {
      type: 'string',
      format: 'date-time',
      description: "RFC 3339 in the port's offset",
      examples: ['2026-10-01T00:00:00+08:00'],
    },
    windowEnd: { type: 'string', format: 'date-time', description: 'exclusive' },
    value: { type: ['number', 'null'] },
    samples: { type: 'integer', minimum: 0 },
    target: { type: 'number' },
    attainment: { type: ['number', 'null'], minimum: 0, maximum: 1, description: 'null when not scored' },
    scored: { type: 'boolean', description: "samples reached the KPI's minimum" },
    catalogueVersion: { type: 'string', examples: ['2024.1'] },
    computedAt: { type: 'string', format: 'date-time' },
  },
  additionalProperties: false,
};

const SCORE: JsonSchema = {
  type: 'object',
  required: ['kind', 'port', 'grain', 'windowStart', 'windowEnd', 'score', 'catalogueVersion', 'computedAt'],
  properties: {
    kind: { type: 'string', enum: ['measure', 'port'] },
    port: { type: 'string' },
    measure: { type: 'integer', minimum: 1, maximum: 29, description: 'with kind measure' },
    grain: { type: 'string', enum: ['day', 'week', 'month'] },
    windowStart: { type: 'string', format: 'date-time' },
    windowEnd: { type: 'string', format: 'date-time' },
    score: { type: ['number', 'null'], minimum: 0, maximum: 100, description: 'null: no data' },
    coverage: { type: 'number', minimum: 0, maximum: 1, description: 'with kind port: measures with a score / 29' },
    catalogueVersion: { type: 'string' },
    computedAt: { type: 'string', format: 'date-time' },
  },
};

/**
 * The AsyncAPI 3 document of every Portscore topic, generated from the contracts (event types,
 * data schemas, reject reasons), so docs/asyncapi.json cannot drift from the code.
 */
export function asyncApiDocument(): JsonSchema {
  const schemas = JSON.parse(JSON.stringify(dataSchemas()).replaceAll('#/$defs/', '#/components/schemas/')) as Record<
    string,
    JsonSchema
  >;
  const filingMessages = Object.fromEntries(
    EVENT_TYPES.map((type) => [messageName(type), { $ref: `#/components/messages/${messageName(type)}` }]),
  );
  const eventMessages = Object.fromEntries(
    EVENT_TYPES.map((type) => [
      messageName(type),
      {
        name: type,
        title: type,
        contentType: 'application/cloudevents+json',
        payload: envelopeSchema(type, `#/components/schemas/${EVENT_DATA_CLASSES[type].name}`),
      },
    ]),
  );
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Portscore topics',
      version: '1.0.0',
      description:
        'Kafka topics of Portscore. Port systems publish CloudEvents 1.0 filings on sw.filings.v1 (structured mode, ' +
        'or binary mode with ce_* headers and a JSON or XML payload; also UN/CEFACT SPS certificates with ce_type ' +
        'un.cefact.sps.certificate and DCSA eBL 3 notifications of type org.dcsa.transport-document.v3). The gateway ' +
        'forwards accepted events in canonical form to sw.events.v1 and refused ones, with original bytes and headers, ' +
        'to sw.filings.dlq.v1. The scorer publishes KPI values on the compacted sw.indicators.v1 and scores on the ' +
        'compacted sw.scores.v1: the latest message per key is the truth. Topic names are configurable (TOPIC_*).',
    },
    defaultContentType: 'application/json',
    servers: {
      local: { host: '127.0.0.1:19092', protocol: 'kafka', description: 'the local broker of deploy/kafka/kafka.sh' },
    },
    channels: {
      filings: {
        address: 'sw.filings.v1',
        description: 'Input filings, key = port id.',
        messages: filingMessages,
      },
      events: {
        address: 'sw.events.v1',
        description: 'Accepted events, canonical structured CloudEvents JSON with time in UTC; key = port id.',
        messages: filingMessages,
      },
      deadLetters: {
        address: 'sw.filings.dlq.v1',
        description:
          'Refused filings: original bytes and headers untouched, plus x-reject-reason, x-reject-detail and x-origin.',
        messages: { deadLetter: { $ref: '#/components/messages/deadLetter' } },
      },
      indicators: {
        address: 'sw.indicators.v1',
        description: 'Compacted. A message whenever a KPI value of a window changes; key = port|kpi|grain|windowStart.',
        messages: { indicator: { $ref: '#/components/messages/indicator' } },
      },
      scores: {
        address: 'sw.scores.v1',
        description:
          'Compacted. Measure scores (key port|m<N>|grain|windowStart) and port indices (key port|index|grain|windowStart), ' +
          "whenever a window's value changes. At a port with status reports, the day, week and month windows under way " +
          'are published from their start (within OPEN_WINDOWS_EVERY_SECONDS), before any event of theirs; ' +
          'those that ended while no scorer ran, or while its rounds could not run, are published when a scorer starts ' +
          'or at its next round (within OPEN_WINDOWS_LOOKBACK_DAYS), and a status report dated in the past publishes ' +
          'the windows that ended after it within the same days. ' +
          'The rounds wait while the scorers have more than OPEN_WINDOWS_MAX_BACKLOG events still to read.',
        messages: { score: { $ref: '#/components/messages/score' } },
      },
    },
    operations: {
      publishFiling: { action: 'receive', channel: { $ref: '#/channels/filings' } },
      emitEvent: { action: 'send', channel: { $ref: '#/channels/events' } },
      emitDeadLetter: { action: 'send', channel: { $ref: '#/channels/deadLetters' } },
      emitIndicator: { action: 'send', channel: { $ref: '#/channels/indicators' } },
      emitScore: { action: 'send', channel: { $ref: '#/channels/scores' } },
    },
    components: {
      messages: {
        ...eventMessages,
        deadLetter: {
          name: 'deadLetter',
          description: 'The refused message value, byte for byte.',
          headers: {
            type: 'object',
            required: ['x-reject-reason', 'x-reject-detail'],
            properties: {
              'x-reject-reason': {
                type: 'string',
                enum: Object.keys(REJECT_REASONS),
                description: Object.entries(REJECT_REASONS)
                  .map(([code, meaning]) => `${code}: ${meaning}`)
                  .join('; '),
              },
              'x-reject-detail': { type: 'string', description: 'human-readable; names the field and the rule' },
              'x-origin': { type: 'string', description: 'topic/partition/offset of the refused message, or http' },
            },
          },
        },
        indicator: { name: 'indicator', contentType: 'application/json', payload: INDICATOR },
        score: { name: 'score', contentType: 'application/json', payload: SCORE },
      },
      schemas,
    },
  };
}

function messageName(type: string): string {
  return type
    .replace(/^sw\./, '')
    .replace(/\.v1$/, '')
    .replace(/[._]([a-z])/g, (_, c: string) => c.toUpperCase());
}
