import { type convertableToString, parseString, processors } from 'xml2js';

import { FilingRejectCode, FilingRejectedException } from '../filing-rejection.exception';
import type { JsonSchema } from '../json-schema';
import { isRecord } from '../record';

export interface XmlDocument {
  /** Local name of the root element (namespace prefix removed). */
  root: string;
  value: unknown;
}

const DOCTYPE = /<!\s*(DOCTYPE|ENTITY)/i;
/** Element names that would reach object prototypes once parsed into objects. */
const PROTOTYPE_ELEMENT = /<\s*(?:[\w.-]+:)?(__proto__|constructor|prototype)[\s/>]/;

/** xml2js (with `explicitArray: false`) keeps an element's text and attributes under these keys. */
const TEXT = '_';
const ATTRIBUTES = '$';

/**
 * Decimal text as XML Schema's decimal and double write it (`860`, `-0.5`, `+1`, `.5`, `1.5E3`):
 * whatever it reads as is then checked by the same rules as a JSON number.
 */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

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
      charkey: TEXT,
      attrkey: ATTRIBUTES,
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

/**
 * The text of an element, whether or not it carries attributes; undefined for an element that
 * holds other elements, whose text alone would silently drop them.
 */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value) || childElements(value).length > 0) return undefined;
  return ownText(value);
}

/**
 * Converts the element tree of the XML rendering of a type to its JSON `data`, using the type's
 * JSON Schema: booleans and numbers from their text, arrays from a wrapper with repeated children
 * named by the wrapper's singular (`<items><item>…</item></items>`). A value that does not convert
 * is left as it is, so validation names the field; mixed content (text beside child elements) and
 * stray elements in an array are refused here, naming the field, as they have no JSON form.
 */
export function xmlToData(
  value: unknown,
  schema: JsonSchema,
  defs: Record<string, JsonSchema>,
  path = 'data',
): unknown {
  const resolved = resolve(schema, defs);
  switch (resolved.type) {
    case 'object': {
      if (value === '' || value === undefined) return {};
      if (!isRecord(value)) return value;
      if (TEXT in value) refuse(path, 'must hold elements only, not text beside them');
      const properties = (resolved.properties ?? {}) as Record<string, JsonSchema>;
      const result: Record<string, unknown> = {};
      for (const [name, child] of Object.entries(value)) {
        if (name === ATTRIBUTES) continue; // attributes carry no contract data
        const property = properties[name];
        result[name] = property ? xmlToData(child, property, defs, `${path}.${name}`) : (textOf(child) ?? child);
      }
      return result;
    }
    case 'array': {
      if (value === '') return [];
      if (!isRecord(value)) return value;
      if (TEXT in value) refuse(path, 'must hold elements only, not text beside them');
      const item = repeatedElement(path);
      const stray = childElements(value).find((name) => name !== item);
      if (stray !== undefined) refuse(path, `must hold <${item}> elements only, found <${stray}>`);
      const children = value[item];
      if (children === undefined) return [];
      return (Array.isArray(children) ? children : [children]).map((child, index) =>
        xmlToData(child, (resolved.items ?? {}) as JsonSchema, defs, `${path}[${index}]`),
      );
    }
    case 'boolean': {
      const text = scalarText(value, path);
      return text === 'true' ? true : text === 'false' ? false : value;
    }
    case 'number':
    case 'integer': {
      const text = scalarText(value, path);
      return text !== undefined && DECIMAL.test(text) ? Number(text) : value;
    }
    default:
      return scalarText(value, path) ?? value;
  }
}

function childElements(element: Record<string, unknown>): string[] {
  return Object.keys(element).filter((name) => name !== TEXT && name !== ATTRIBUTES);
}

/** The text of a single-valued field; an element inside it is refused rather than dropped. */
function scalarText(value: unknown, path: string): string | undefined {
  if (!isRecord(value)) return textOf(value);
  const [child] = childElements(value);
  if (child !== undefined) refuse(path, `must be text only, found element <${child}>`);
  return ownText(value);
}

/** An element's text, its attributes aside; undefined when it has none. */
function ownText(element: Record<string, unknown>): string | undefined {
  return TEXT in element ? String(element[TEXT]) : undefined;
}

/** The repeated child of an array's wrapper: the wrapper's name without its plural s. */
function repeatedElement(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1).replace(/s$/, '');
}

function refuse(path: string, rule: string): never {
  throw new FilingRejectedException(FilingRejectCode.ValidationFailed, `${path}: ${rule}`);
}

function resolve(schema: JsonSchema, defs: Record<string, JsonSchema>): JsonSchema {
  const ref = schema.$ref;
  return typeof ref === 'string' ? (defs[ref.replace('#/$defs/', '')] ?? {}) : schema;
}
