import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';

import { UsageError } from './arguments';

/** One filing read from a file, with the transport headers it is published with. */
export interface FileFiling {
  /** file:line, for messages. */
  where: string;
  value: Buffer;
  headers: Record<string, string>;
  key: string | null;
}

const STRUCTURED = { 'content-type': 'application/cloudevents+json' };

export const FILE_FORMATS = `FILE formats: .ndjson/.jsonl (a CloudEvent per line, or {"headers":{…},"value":"…"} records for
binary mode), .json (one CloudEvent), .xml (binary mode; attributes from FILE.headers.json beside
it and/or --header ce_type=… --header ce_id=… --header ce_source=… --header ce_time=… --header ce_port=…).`;

/** A FILE (or the headers file beside an XML one) that cannot be read. */
export class FilingFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FilingFileError';
  }
}

/**
 * Reads filings from files:
 * - `.ndjson` / `.jsonl`: one per non-empty line, each a structured CloudEvent, or a record
 *   `{"headers": {…}, "value": "…"}` for binary mode (headers as on Kafka: content-type, ce_*);
 * - `.json`: one structured CloudEvent (or one record);
 * - `.xml`: binary mode, its CloudEvents attributes from `FILE.headers.json` beside it and/or
 *   `--header name=value` options (e.g. ce_type, ce_id, ce_source, ce_time, ce_port).
 */
export function readFilingFiles(files: string[], extraHeaders: Record<string, string> = {}): FileFiling[] {
  return files.flatMap((file) => {
    try {
      return readFilingFile(file, extraHeaders);
    } catch (error) {
      throw new FilingFileError(`cannot read ${file}: ${readProblem(error)}`);
    }
  });
}

function readProblem(error: unknown): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a folder';
    default:
      return (error as Error).message;
  }
}

function readFilingFile(file: string, extraHeaders: Record<string, string>): FileFiling[] {
  const extension = extname(file).toLowerCase();
  if (extension === '.xml') {
    const sidecar = file.replace(/\.xml$/i, '.headers.json');
    const headers: Record<string, string> = {
      'content-type': 'application/xml',
      ...(existsSync(sidecar) ? sidecarHeaders(sidecar) : {}),
      ...extraHeaders,
    };
    return [{ where: file, value: readFileSync(file), headers, key: headers.ce_port ?? null }];
  }
  // Read as bytes: a filing that is not UTF-8 goes out unchanged, for the gateway's reason.
  const bytes = withoutByteOrderMark(readFileSync(file));
  if (extension === '.json') return [fromBytes(trimBytes(bytes), file)];
  const filings: FileFiling[] = [];
  for (let start = 0, line = 1; start <= bytes.length; line += 1) {
    const end = bytes.indexOf(0x0a, start);
    const text = trimBytes(bytes.subarray(start, end < 0 ? bytes.length : end));
    if (text.length > 0) filings.push(fromBytes(text, `${file}:${line}`));
    if (end < 0) break;
    start = end + 1;
  }
  return filings;
}

function withoutByteOrderMark(bytes: Buffer): Buffer {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
}

/** Without the ASCII white space around it (as String.prototype.trim for the JSON we read). */
function trimBytes(bytes: Buffer): Buffer {
  const blank = (byte: number) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
  let start = 0;
  let end = bytes.length;
  while (start < end && blank(bytes[start]!)) start += 1;
  while (end > start && blank(bytes[end - 1]!)) end -= 1;
  return bytes.subarray(start, end);
}

function sidecarHeaders(sidecar: string): Record<string, string> {
  try {
    return JSON.parse(readFileSync(sidecar, 'utf8')) as Record<string, string>;
  } catch (error) {
    throw new Error(`${sidecar}: ${(error as Error).message}`);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function fromBytes(value: Buffer, where: string): FileFiling {
  let parsed: unknown;
  try {
    parsed = JSON.parse(UTF8.decode(value));
  } catch {
    // Not UTF-8 or not JSON: published as it is, so the gateway refuses it with a reason.
    return { where, value, headers: { ...STRUCTURED }, key: null };
  }
  if (isRecord(parsed)) {
    const headers = Object.fromEntries(Object.entries(parsed.headers).map(([k, v]) => [k.toLowerCase(), String(v)]));
    return { where, value: Buffer.from(parsed.value, 'utf8'), headers, key: headers.ce_port ?? null };
  }
  const port = (parsed as { port?: unknown } | null)?.port;
  return { where, value, headers: { ...STRUCTURED }, key: typeof port === 'string' ? port : null };
}

function isRecord(value: unknown): value is { headers: Record<string, unknown>; value: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !('specversion' in value) &&
    typeof (value as { value?: unknown }).value === 'string' &&
    typeof (value as { headers?: unknown }).headers === 'object' &&
    (value as { headers?: unknown }).headers !== null
  );
}

/** `--header name=value` options, repeated. */
export function headerOptions(args: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  args.forEach((arg, index) => {
    if (arg !== '--header') return;
    const header = args[index + 1] ?? '';
    const [name, ...rest] = header.split('=');
    if (!name || rest.length === 0)
      throw new UsageError('--header needs name=value, e.g. --header ce_type=sw.bl.issued.v1');
    headers[name.toLowerCase()] = rest.join('=');
  });
  return headers;
}

/** Command-line words that are files: not options and not option values. */
export function fileArguments(args: string[], optionsWithValue: string[]): string[] {
  return args.filter((arg, index) => !arg.startsWith('-') && !optionsWithValue.includes(args[index - 1] ?? ''));
}
