import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';

/** One filing read from a file, with the transport headers it is published with. */
export interface FileFiling {
  /** file:line, for messages. */
  where: string;
  value: Buffer;
  headers: Record<string, string>;
  key: string | null;
}

const STRUCTURED = { 'content-type': 'application/cloudevents+json' };

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
    const extension = extname(file).toLowerCase();
    if (extension === '.xml') {
      const sidecar = file.replace(/\.xml$/i, '.headers.json');
      const headers: Record<string, string> = {
        'content-type': 'application/xml',
        ...(existsSync(sidecar) ? (JSON.parse(readFileSync(sidecar, 'utf8')) as Record<string, string>) : {}),
        ...extraHeaders,
      };
      return [{ where: file, value: readFileSync(file), headers, key: headers.ce_port ?? null }];
    }
    if (extension === '.json') return [fromText(readFileSync(file, 'utf8').trim(), file)];
    return readFileSync(file, 'utf8')
      .split('\n')
      .map((line, index) => ({ line: line.trim(), where: `${file}:${index + 1}` }))
      .filter(({ line }) => line.length > 0)
      .map(({ line, where }) => fromText(line, where));
  });
}

function fromText(text: string, where: string): FileFiling {
  const value = Buffer.from(text, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: published as it is, so the gateway refuses it with a reason.
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
    typeof (value as { headers?: unknown }).headers === 'object'
  );
}

/** `--header name=value` options, repeated. */
export function headerOptions(args: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  args.forEach((arg, index) => {
    if (arg === '--header' && args[index + 1]) {
      const [name, ...rest] = args[index + 1]!.split('=');
      headers[name!.toLowerCase()] = rest.join('=');
    }
  });
  return headers;
}

/** Command-line words that are files: not options and not option values. */
export function fileArguments(args: string[], optionsWithValue: string[]): string[] {
  return args.filter((arg, index) => !arg.startsWith('-') && !optionsWithValue.includes(args[index - 1] ?? ''));
}
