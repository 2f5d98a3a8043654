import { readFileSync } from 'node:fs';

/** One filing read from a file: a structured CloudEvents envelope (a line of NDJSON). */
export interface FileFiling {
  file: string;
  line: number;
  value: Buffer;
}

/** Reads NDJSON files: one CloudEvents JSON envelope per non-empty line. */
export function readFilingFiles(files: string[]): FileFiling[] {
  return files.flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((text, index) => ({ file, line: index + 1, value: Buffer.from(text.trim(), 'utf8') }))
      .filter((filing) => filing.value.length > 0),
  );
}

/** The port a structured filing names, used as its Kafka key; null when unreadable. */
export function filingPort(value: Buffer): string | null {
  try {
    const port = (JSON.parse(value.toString('utf8')) as { port?: unknown }).port;
    return typeof port === 'string' ? port : null;
  } catch {
    return null;
  }
}
