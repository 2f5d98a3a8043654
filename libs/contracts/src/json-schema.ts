import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import type { IOptions } from 'class-validator-jsonschema/build/options';
// The code lists class-validator checks against, so the schemas list the same codes.
import { CountryCodes } from 'validator/lib/isISO31661Alpha2';
import { CurrencyCodes } from 'validator/lib/isISO4217';

import { EVENT_TYPES, type EventType } from './cloud-event';
import { EVENT_DATA_CLASSES, STAGE_REQUIREMENTS } from './events';

export type JsonSchema = Record<string, unknown>;

let cached: Record<string, JsonSchema> | undefined;

/**
 * JSON Schemas of the `data` classes, generated from the same class-validator decorators that
 * validate filings, so the published schemas cannot drift from the rules that are enforced.
 */
export function dataSchemas(): Record<string, JsonSchema> {
  cached ??= buildDataSchemas();
  return cached;
}

/** `dataSchemas` without the cache: generated from the decorators as they are registered now. */
export function buildDataSchemas(): Record<string, JsonSchema> {
  const options: Partial<IOptions> = {
    classValidatorMetadataStorage: getMetadataStorage(),
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/$defs/',
    additionalConverters: {
      isRfc3339: { type: 'string', format: 'date-time' },
      isISO31661Alpha2: { type: 'string', enum: [...CountryCodes].sort() },
      isISO4217CurrencyCode: { type: 'string', enum: [...CurrencyCodes].sort() },
    },
  };
  return Object.fromEntries(
    contractClasses().map((target) => {
      const schema = targetConstructorToSchema(target, options) as JsonSchema;
      const conditions = (STAGE_REQUIREMENTS.get(target.name) ?? []).map(({ stage, property }) => ({
        if: { properties: { stage: { const: stage } }, required: ['stage'] },
        then: { required: [property] },
      }));
      // Unknown fields are refused (validation runs with forbidNonWhitelisted).
      return [
        target.name,
        { ...schema, additionalProperties: false, ...(conditions.length ? { allOf: conditions } : {}) },
      ];
    }),
  );
}

/**
 * The data classes and the classes nested in them: each event type's class in the order of
 * EVENT_DATA_CLASSES, each followed by the classes it nests (depth first, by the order of its
 * decorated properties) that came up for no class before. Chosen by identity, never by reading
 * the whole registry: class-validator keeps one registry per process, which may also hold other
 * classes of the same name (another copy of this module, a test's own class).
 */
function contractClasses(): Array<new () => object> {
  const reachable = new Set<Function>();
  const visit = (target: Function): void => {
    if (reachable.has(target)) return;
    reachable.add(target);
    for (const meta of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) {
      const nested = defaultMetadataStorage.findTypeMetadata(target, meta.propertyName)?.typeFunction();
      if (typeof nested === 'function') visit(nested);
    }
  };
  for (const target of Object.values(EVENT_DATA_CLASSES)) visit(target);
  return [...reachable] as Array<new () => object>;
}

/** A self-contained JSON Schema (2020-12) of one event type: CloudEvents envelope and its data. */
export function eventSchema(type: EventType): JsonSchema {
  const schemas = dataSchemas();
  const dataClass = EVENT_DATA_CLASSES[type].name;
  const defs: Record<string, JsonSchema> = { [dataClass]: schemas[dataClass]! };
  for (const ref of referencedDefinitions(schemas[dataClass]!)) defs[ref] = schemas[ref]!;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `https://portscore.dev/schemas/${type}.json`,
    title: type,
    ...envelopeSchema(type, `#/$defs/${dataClass}`),
    $defs: defs,
  };
}

/**
 * The CloudEvents envelope of one event type, its data a reference (`dataRef`) to the data's
 * schema: the one definition behind these schemas and the AsyncAPI document's messages.
 */
export function envelopeSchema(type: EventType, dataRef: string): JsonSchema {
  return {
    type: 'object',
    required: ['specversion', 'id', 'source', 'type', 'time', 'port', 'data'],
    properties: {
      specversion: { const: '1.0' },
      id: { type: 'string', minLength: 1, maxLength: 128 },
      source: { type: 'string', format: 'uri-reference', minLength: 1 },
      type: { const: type },
      time: {
        type: 'string',
        format: 'date-time',
        description: 'RFC 3339 with offset; at most 5 minutes ahead of the ingest clock',
      },
      port: { type: 'string', description: 'a port id of seeds/ports.json, e.g. CNSHA' },
      subject: { type: 'string', minLength: 1 },
      datacontenttype: { type: 'string' },
      data: { $ref: dataRef },
    },
  };
}

export function allEventSchemas(): Record<EventType, JsonSchema> {
  return Object.fromEntries(EVENT_TYPES.map((type) => [type, eventSchema(type)])) as Record<EventType, JsonSchema>;
}

function referencedDefinitions(schema: JsonSchema): string[] {
  const refs = JSON.stringify(schema).match(/"#\/\$defs\/([A-Za-z0-9_]+)"/g) ?? [];
  return [...new Set(refs.map((ref) => ref.slice('"#/$defs/'.length, -1)))];
}
