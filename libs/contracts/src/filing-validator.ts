import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import { DCSA_TRANSPORT_DOCUMENT_TYPE, fromDcsaNotification } from './adapters/dcsa-ebl.adapter';
import { SPS_CERTIFICATE_ROOT, SPS_CERTIFICATE_TYPE, spsCertificateData } from './adapters/sps-certificate.adapter';
import { parseXml, xmlToData } from './adapters/xml';
import { type CanonicalEvent, type EventType, isEventType } from './cloud-event';
import { compiledCheck } from './compiled-validation';
import { EVENT_DATA_CLASSES, EVENT_DATA_DEFAULTS } from './events';
import { FilingRejectCode, FilingRejectedException } from './filing-rejection.exception';
import { dataSchemas } from './json-schema';
import type { PortRegistry } from './port-registry';
import { isRecord } from './record';
import { parseRfc3339 } from './rfc3339';
import { isUriReference } from './uri-reference';

/** One message as it arrived: body bytes plus transport headers (Kafka headers or HTTP). */
export interface RawFiling {
  value: Buffer;
  /** Header names in lower case; binary-mode attributes as ce_<name> (Kafka) or ce-<name> (HTTP). */
  headers: Record<string, string | undefined>;
}

export interface FilingValidatorOptions {
  ports: PortRegistry;
  /** Largest accepted body in bytes. */
  maxBytes: number;
  /** How far in the future (by the ingest clock) an event time may lie. */
  maxFutureMs: number;
  now?: () => Date;
}

const STRUCTURED = 'application/cloudevents+json';
const XML_TYPES = new Set(['application/xml', 'text/xml']);
/** Deeper than any contract type needs; guards the recursive steps after parsing. */
const MAX_DEPTH = 16;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_ID_CHARACTERS = 128;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Turns a raw filing into a canonical event, or throws FilingRejectedException whose detail
 * names the offending field. Pure: the same rules run in the gateway, HTTP ingest and the CLI.
 * Accepts CloudEvents structured mode (JSON, including DCSA eBL 3 notifications) and binary mode
 * (JSON or XML payload, including UN/CEFACT SPS certificates).
 */
export class FilingValidator {
  private readonly now: () => Date;

  constructor(private readonly options: FilingValidatorOptions) {
    this.now = options.now ?? (() => new Date());
  }

  validate(filing: RawFiling): CanonicalEvent {
    if (filing.value.length > this.options.maxBytes) {
      throw new FilingRejectedException(
        FilingRejectCode.Oversize,
        `body is ${filing.value.length} bytes; the limit is ${this.options.maxBytes}`,
      );
    }
    const text = decode(filing.value);
    const contentType = mediaType(filing.headers);
    if (contentType === STRUCTURED) {
      const envelope = asObject(parseJson(text), 'body');
      if (envelope.type !== DCSA_TRANSPORT_DOCUMENT_TYPE) return this.validateEnvelope(envelope);
      const notification = fromDcsaNotification(envelope);
      return this.validateEnvelope(notification.envelope, notification.fieldNames);
    }
    const attributes = binaryAttributes(filing.headers);
    if (contentType === 'application/json') {
      return this.validateEnvelope({ ...attributes, data: parseJson(text) });
    }
    if (XML_TYPES.has(contentType)) {
      return this.validateEnvelope(this.xmlEnvelope(attributes, text));
    }
    throw new FilingRejectedException(
      FilingRejectCode.UnsupportedContentType,
      `content-type: ${contentType} is not accepted; use ${STRUCTURED}, or binary mode with application/json or application/xml`,
    );
  }

  /**
   * `fieldNames` names, by data property, the field a publisher sent when an adapter converted
   * it, so that a rejection names what the publisher can fix.
   */
  validateEnvelope(envelope: Record<string, unknown>, fieldNames?: Record<string, string>): CanonicalEvent {
    checkStructure(envelope, 'body', 0, fieldNames);
    if (envelope.specversion !== '1.0') fail('specversion', 'must be "1.0"');
    const id = requireString(envelope, 'id');
    // Characters as JSON Schema's maxLength counts them: code points, a surrogate pair being one.
    if (id.length > MAX_ID_CHARACTERS && codePoints(id) > MAX_ID_CHARACTERS) fail('id', 'must be 1–128 characters');
    const source = requireString(envelope, 'source');
    if (!isUriReference(source)) {
      fail('source', 'must be a URI-reference (RFC 3986) such as urn:port:system or https://erp.example/filings');
    }
    const type = requireString(envelope, 'type');
    if (!isEventType(type)) {
      throw new FilingRejectedException(FilingRejectCode.UnknownType, `type: ${type} is not a known event type`);
    }
    const time = requireString(envelope, 'time');
    const at = parseRfc3339(time);
    if (at === undefined) fail('time', 'must be an RFC 3339 date-time with offset');
    const port = this.port(envelope);
    const subject = envelope.subject;
    if (subject !== undefined && (typeof subject !== 'string' || subject.length === 0)) {
      fail('subject', 'must be a non-empty string when present');
    }
    if (at.getTime() - this.now().getTime() > this.options.maxFutureMs) {
      throw new FilingRejectedException(
        FilingRejectCode.FutureTime,
        `time: ${time} is more than ${this.options.maxFutureMs / 60000} minutes in the future`,
      );
    }
    const data = validateData(type, envelope.data, fieldNames);
    return {
      specversion: '1.0',
      id,
      source,
      type,
      time: at.toISOString(),
      port,
      ...(subject !== undefined ? { subject } : {}),
      datacontenttype: 'application/json',
      data,
    };
  }

  private port(envelope: Record<string, unknown>): string {
    const port = requireString(envelope, 'port');
    if (!this.options.ports.has(port)) {
      throw new FilingRejectedException(FilingRejectCode.UnknownPort, `port: ${port} is not a registered port`);
    }
    return port;
  }

  /**
   * Binary mode with an XML payload: the XML rendering of a type, or an SPS certificate. Either
   * is told by its ce_type, which its root element must match.
   */
  private xmlEnvelope(attributes: Record<string, unknown>, text: string): Record<string, unknown> {
    const document = parseXml(text);
    const type = requireString(attributes, 'type');
    if (type === SPS_CERTIFICATE_TYPE) {
      const port = this.options.ports.get(this.port(attributes))!;
      return { ...attributes, type: 'sw.certificate.issued.v1', data: spsCertificateData(document, port.country) };
    }
    if (document.root === SPS_CERTIFICATE_ROOT) {
      throw new FilingRejectedException(
        FilingRejectCode.InvalidXml,
        `type: ${type} does not match the root element rsm:${SPS_CERTIFICATE_ROOT}; an SPS certificate has ce_type ${SPS_CERTIFICATE_TYPE}`,
      );
    }
    if (!isEventType(type)) {
      throw new FilingRejectedException(FilingRejectCode.UnknownType, `type: ${type} is not a known event type`);
    }
    if (document.root !== type) {
      throw new FilingRejectedException(
        FilingRejectCode.InvalidXml,
        `body: root element is ${document.root}, expected ${type} (the ce_type)`,
      );
    }
    const schemas = dataSchemas();
    const dataClass = EVENT_DATA_CLASSES[type].name;
    return { ...attributes, data: xmlToData(document.value, schemas[dataClass]!, schemas) };
  }
}

function validateData(type: EventType, raw: unknown, fieldNames?: Record<string, string>): Record<string, unknown> {
  const data = asObject(raw, 'data');
  // The hot path: the payload is freshly parsed JSON of plain values, so once it passes the
  // compiled check it is its own canonical copy (what the instance's JSON round trip gives).
  if (compiledCheck(EVENT_DATA_CLASSES[type])?.(data))
    return normalise({ ...EVENT_DATA_DEFAULTS[type], ...data }, type);
  const instance = plainToInstance(EVENT_DATA_CLASSES[type], data);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  if (errors.length > 0) {
    throw new FilingRejectedException(FilingRejectCode.ValidationFailed, describe(errors, 'data', fieldNames));
  }
  return normalise(
    { ...EVENT_DATA_DEFAULTS[type], ...(JSON.parse(JSON.stringify(instance)) as Record<string, unknown>) },
    type,
  );
}

/** Canonical values: times in UTC. */
function normalise(data: Record<string, unknown>, type: EventType): Record<string, unknown> {
  if (type === 'sw.fee.catalogue.published.v1' && typeof data.effectiveFrom === 'string') {
    return { ...data, effectiveFrom: parseRfc3339(data.effectiveFrom)!.toISOString() };
  }
  return data;
}

function describe(errors: ValidationError[], path: string, fieldNames?: Record<string, string>): string {
  return errors
    .flatMap((error) => {
      const field =
        fieldNames?.[error.property] ??
        (/^\d+$/.test(error.property) ? `${path}[${error.property}]` : `${path}.${error.property}`);
      const own = Object.values(error.constraints ?? {}).map((message) =>
        message.startsWith(error.property) ? `${field}${message.slice(error.property.length)}` : `${field}: ${message}`,
      );
      return [...own, ...(error.children?.length ? [describe(error.children, field)] : [])];
    })
    .join('; ');
}

/**
 * Refuses nesting deeper than any contract needs, keys that could reach object prototypes, and
 * NUL characters, which no text field may hold (nor PostgreSQL text or jsonb). A data property an
 * adapter converted is named by the field the publisher sent (`fieldNames`, as validateEnvelope's).
 */
function checkStructure(value: unknown, path: string, depth: number, fieldNames?: Record<string, string>): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw nulCharacters(path);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DEPTH) {
    throw new FilingRejectedException(
      FilingRejectCode.ValidationFailed,
      `${path}: nested deeper than ${MAX_DEPTH} levels`,
    );
  }
  // Every filing passes here: no entry pairs, and a child's path is written out only for a
  // child that is itself an object or that fails.
  const array = Array.isArray(value);
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (FORBIDDEN_KEYS.has(key) || key.includes('\u0000')) {
      throw new FilingRejectedException(
        FilingRejectCode.ValidationFailed,
        `${path}.${key.replace(/\u0000/g, '\\0')}: property is not allowed`,
      );
    }
    const child = record[key];
    if (typeof child === 'string') {
      if (child.includes('\u0000')) throw nulCharacters(childPath(path, key, array, fieldNames));
    } else if (typeof child === 'object' && child !== null) {
      checkStructure(child, childPath(path, key, array, fieldNames), depth + 1, fieldNames);
    }
  }
}

function nulCharacters(path: string): FilingRejectedException {
  return new FilingRejectedException(FilingRejectCode.ValidationFailed, `${path}: must not contain NUL characters`);
}

function childPath(path: string, key: string, array: boolean, fieldNames?: Record<string, string>): string {
  if (array) return `${path}[${key}]`;
  const sent = fieldNames && path === 'body.data' && Object.hasOwn(fieldNames, key) ? fieldNames[key] : undefined;
  return sent !== undefined ? `body.${sent}` : `${path}.${key}`;
}

/**
 * The media type of the body. Structured mode is told by its content-type; a message without one
 * that carries its attributes in ce_* headers is binary mode, and its data JSON (as CloudEvents
 * reads an event without datacontenttype); a message with neither is read as structured mode.
 */
function mediaType(headers: RawFiling['headers']): string {
  const declared = headers['content-type'];
  if (declared !== undefined) return declared.split(';')[0]!.trim().toLowerCase();
  return Object.keys(headers).some((name) => isBinaryAttribute(name, headers[name])) ? 'application/json' : STRUCTURED;
}

function binaryAttributes(headers: RawFiling['headers']): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (isBinaryAttribute(name, value)) attributes[name.slice(3)] = value;
  }
  return attributes;
}

function isBinaryAttribute(name: string, value: string | undefined): value is string {
  return (name.startsWith('ce_') || name.startsWith('ce-')) && value !== undefined;
}

function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function decode(value: Buffer): string {
  try {
    return utf8.decode(value);
  } catch {
    throw new FilingRejectedException(FilingRejectCode.InvalidEncoding, 'body is not valid UTF-8');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FilingRejectedException(FilingRejectCode.InvalidJson, `body is not JSON: ${(error as Error).message}`);
  }
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (!isRecord(value)) fail(field, 'must be a JSON object');
  return value;
}

function requireString(envelope: Record<string, unknown>, field: string): string {
  const value = envelope[field];
  if (typeof value !== 'string' || value.length === 0) fail(field, 'is required and must be a non-empty string');
  return value;
}

function fail(field: string, rule: string): never {
  throw new FilingRejectedException(FilingRejectCode.InvalidEnvelope, `${field}: ${rule}`);
}
