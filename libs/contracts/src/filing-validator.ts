import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';

import { type CanonicalEvent, isEventType } from './cloud-event';
import { EVENT_DATA_CLASSES, EVENT_DATA_DEFAULTS } from './event-data.dto';
import { FilingRejectCode, FilingRejectedException } from './filing-rejection.exception';
import type { PortRegistry } from './port-registry';

/** One message as it arrived: body bytes plus transport headers (Kafka headers or HTTP). */
export interface RawFiling {
  value: Buffer;
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

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
const STRUCTURED = 'application/cloudevents+json';

/**
 * Turns a raw filing into a canonical event, or throws FilingRejectedException whose detail
 * names the offending field. Pure: the same rules run in the gateway, HTTP ingest and the CLI.
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
    const contentType = (header(filing, 'content-type') ?? STRUCTURED).split(';')[0]!.trim().toLowerCase();
    let envelope: Record<string, unknown>;
    if (contentType === STRUCTURED) {
      envelope = asObject(parseJson(filing.value), 'body');
    } else if (contentType === 'application/json') {
      envelope = { ...binaryAttributes(filing), data: parseJson(filing.value) };
    } else {
      throw new FilingRejectedException(
        FilingRejectCode.UnsupportedContentType,
        `content-type ${contentType} is not accepted; use ${STRUCTURED} or binary mode with application/json`,
      );
    }
    return this.validateEnvelope(envelope);
  }

  validateEnvelope(envelope: Record<string, unknown>): CanonicalEvent {
    if (envelope.specversion !== '1.0') fail('specversion', 'must be "1.0"');
    const id = requireString(envelope, 'id');
    if (id.length > 128) fail('id', 'must be 1–128 characters');
    const source = requireString(envelope, 'source');
    if (/\s/.test(source)) fail('source', 'must be a URI-reference without white space');
    const type = requireString(envelope, 'type');
    if (!isEventType(type)) {
      throw new FilingRejectedException(FilingRejectCode.UnknownType, `type: ${type} is not a known event type`);
    }
    const time = requireString(envelope, 'time');
    const at = parseRfc3339(time);
    if (at === undefined) fail('time', 'must be an RFC 3339 date-time with offset');
    const port = requireString(envelope, 'port');
    if (!this.options.ports.has(port)) {
      throw new FilingRejectedException(FilingRejectCode.UnknownPort, `port: ${port} is not a registered port`);
    }
    const subject = envelope.subject;
    if (subject !== undefined && typeof subject !== 'string') fail('subject', 'must be a string');
    if (at.getTime() - this.now().getTime() > this.options.maxFutureMs) {
      throw new FilingRejectedException(
        FilingRejectCode.FutureTime,
        `time: ${time} is more than ${this.options.maxFutureMs / 60000} minutes in the future`,
      );
    }
    const data = validateData(type, envelope.data);
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
}

function validateData(type: keyof typeof EVENT_DATA_CLASSES, raw: unknown): Record<string, unknown> {
  const data = asObject(raw, 'data');
  const instance = plainToInstance(EVENT_DATA_CLASSES[type], data);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length > 0) {
    throw new FilingRejectedException(FilingRejectCode.ValidationFailed, describe(errors, 'data'));
  }
  return { ...EVENT_DATA_DEFAULTS[type], ...(instance as Record<string, unknown>) };
}

function describe(errors: ValidationError[], path: string): string {
  return errors
    .flatMap((error) => {
      const field = `${path}.${error.property}`;
      const own = Object.values(error.constraints ?? {}).map((message) =>
        message.startsWith(error.property) ? `${field}${message.slice(error.property.length)}` : `${field}: ${message}`,
      );
      return [...own, ...(error.children?.length ? [describe(error.children, field)] : [])];
    })
    .join('; ');
}

function binaryAttributes(filing: RawFiling): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(filing.headers)) {
    if (name.startsWith('ce_') && value !== undefined) attributes[name.slice(3)] = value;
  }
  return attributes;
}

function header(filing: RawFiling, name: string): string | undefined {
  return filing.headers[name] ?? filing.headers[name.toLowerCase()];
}

function parseJson(value: Buffer): unknown {
  try {
    return JSON.parse(value.toString('utf8'));
  } catch (error) {
    throw new FilingRejectedException(FilingRejectCode.InvalidJson, `body is not JSON: ${(error as Error).message}`);
  }
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'must be a JSON object');
  return value as Record<string, unknown>;
}

function requireString(envelope: Record<string, unknown>, field: string): string {
  const value = envelope[field];
  if (typeof value !== 'string' || value.length === 0) fail(field, 'is required and must be a non-empty string');
  return value;
}

function fail(field: string, rule: string): never {
  throw new FilingRejectedException(FilingRejectCode.InvalidEnvelope, `${field}: ${rule}`);
}

/** Parses RFC 3339 with a mandatory offset; returns undefined for anything else. */
export function parseRfc3339(text: string): Date | undefined {
  const match = RFC3339.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const daysInMonth = new Date(Date.UTC(y!, mo!, 0)).getUTCDate();
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > daysInMonth || h! > 23 || mi! > 59 || s! > 60) return undefined;
  const date = new Date(text.toUpperCase());
  return Number.isNaN(date.getTime()) ? undefined : date;
}
