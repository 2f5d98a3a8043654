import { type convertableToString, parseString, processors } from 'xml2js';

import { FilingRejectCode, FilingRejectedException } from '../filing-rejection.exception';
import type { JsonSchema } from '../json-schema';

export interface XmlDocument {
  /** Local name of the root element (namespace prefix removed). */
  root: string;
  value: unknown;
}

const DOCTYPE = /<!\s*(DOCTYPE|ENTITY)/i;
/** Element names that would reach object prototypes once parsed into objects. */
const PROTOTYPE_ELEMENT = /<\s*(?:[\w.-]+:)?(__proto__|constructor|prototype)[\s/>]/;

/**
 * Parses an XML payload with xml2js. A DOCTYPE or entity declaration is refused before parsing,
 * so entities are never expanded (no billion laughs, no external entities).
 */
export function parseXml(text: string): XmlDocument {
  if (DOCTYPE.test(text)) {
    throw new FilingRejectedException(
      FilingRejectCode.XmlDoctypeForbidden,
      'body: XML with a DOCTYPE or entity declarations is not accepted',
    );
  }
  const prototypeElement = PROTOTYPE_ELEMENT.exec(text);
  if (prototypeElement) {
    throw new FilingRejectedException(
      FilingRejectCode.ValidationFailed,
      `body: element <${prototypeElement[1]}> is not allowed`,
    );
  }
  let parsed: Record<string, unknown> | undefined;
  let failure: Error | undefined;
  // xml2js calls back synchronously unless async is set.
  parseString(
    text as convertableToString,
    {
      explicitArray: false,
      explicitRoot: true,
      trim: true,
      tagNameProcessors: [processors.stripPrefix],
      async: false,
      strict: true,
    },
    (error: Error | null, result: Record<string, unknown>) => {
      failure = error ?? undefined;
      parsed = result;
    },
  );
  if (failure || !parsed || typeof parsed !== 'object') {
    const reason = (failure?.message ?? 'empty document').split('\n')[0];
    throw new FilingRejectedException(FilingRejectCode.InvalidXml, `body: not well-formed XML (${reason})`);
  }
  const [root] = Object.keys(parsed);
  return { root: root!, value: parsed[root!] };
}

/** The text of an element, whether or not it carries attributes. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && '_' in value) return String((value as { _: unknown })._);
  return undefined;
}

/**
 * Converts the element tree of the XML rendering of a type to its JSON `data`, using the type's
 * JSON Schema: booleans and numbers from their text, arrays from a wrapper with repeated children.
 * A value that does not convert is left as text, so validation names the field.
 */
export function xmlToData(value: unknown, schema: JsonSchema, defs: Record<string, JsonSchema>): unknown {
  const resolved = resolve(schema, defs);
  switch (resolved.type) {
    case 'object': {
      if (value === '' || value === undefined) return {};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
      const properties = (resolved.properties ?? {}) as Record<string, JsonSchema>;
      const result: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(value as Record<string, unknown>)) {
        if (name === '$') continue; // attributes carry no contract data
        result[name] = properties[name] ? xmlToData(child, properties[name]!, defs) : (textOf(child) ?? child);
      }
      return result;
    }
    case 'array': {
      if (value === '') return [];
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
      const children = Object.entries(value as Record<string, unknown>).filter(([name]) => name !== '$');
      if (children.length !== 1) return value;
      const items = Array.isArray(children[0]![1]) ? (children[0]![1] as unknown[]) : [children[0]![1]];
      return items.map((item) => xmlToData(item, (resolved.items ?? {}) as JsonSchema, defs));
    }
    case 'boolean': {
      const text = textOf(value);
      return text === 'true' ? true : text === 'false' ? false : value;
    }
    case 'number':
    case 'integer': {
      const text = textOf(value);
      return text !== undefined && /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? Number(text) : value;
    }
    default:
      return textOf(value) ?? value;
  }
}

function resolve(schema: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  const ref = schema.$ref;
  return typeof ref === 'string' ? (defs[ref.replace('#/$defs/', '')] ?? {}) : schema;
}
