import type { PortscoreConfig } from '@portscore/config';
import { kafkaBusFor } from '@portscore/runtime';

import { ExitStatus } from '../exit-status';
import { FILE_FORMATS, type FileFiling } from '../filing-files';

export const PUBLISH_HELP = `Usage: portscore publish FILE… [--http URL [--api-key KEY]] [--header name=value …] [--quiet]

Publishes filings to the filings topic (KAFKA_BROKERS, TOPIC_FILINGS), keyed by port; the gateway
validates them there and dead-letters the ones it refuses (portscore dlq list).

With --http URL they go to the API instead (URL is its base, e.g. http://127.0.0.1:3000; filings
are POSTed to URL/v1/filings), with a key of role admin or port:<PORT> from --api-key or
PORTSCORE_API_KEY. CloudEvents go in batches of up to 1,000, and the answer for each filing is
counted: accepted, duplicate, rejected (its reason is shown) or not delivered. A rate-limited (429),
unavailable (502, 503, 504) or unreachable API is retried a few times, waiting as long as it asks
(Retry-After). Publishing the same filings again is always safe: a repeat of (source, id) counts as
a duplicate, never twice.

Progress goes to stderr unless --quiet.

${FILE_FORMATS}

Exit status: 0 every filing delivered (and, over HTTP, accepted or a duplicate); 1 over HTTP, a
filing was rejected; 2 usage error; 66 a FILE cannot be read; 75 filings not delivered (the summary
says how many; publish the FILEs again); 78 configuration problem.`;

export interface PublishOptions {
  /** API base URL: publish over HTTP instead of Kafka. */
  http?: string;
  apiKey?: string;
  progress: boolean;
}

/** Publishes filings to the filings topic (keyed by port), or to POST /v1/filings over HTTP. */
export async function publishCommand(
  config: PortscoreConfig,
  filings: FileFiling[],
  options: PublishOptions,
): Promise<number> {
  const started = Date.now();
  const report = (done: number) => {
    if (options.progress) process.stderr.write(`\rpublished ${done}/${filings.length}`);
  };
  if (options.http) {
    const publisher = new HttpPublisher(options.http, options.apiKey ?? '', {
      // The API takes request bodies up to ten times MAX_FILING_BYTES; half leaves room for a
      // server configured a little lower (a 413 still splits the batch).
      maxBatchBytes: config.maxFilingBytes * 5,
      progress: options.progress,
    });
    const totals = await publisher.publish(filings, report);
    if (options.progress) process.stderr.write('\n');
    console.log(
      `${filings.length} filings to ${publisher.url}: ${totals.accepted} accepted, ${totals.duplicates} duplicate, ` +
        `${totals.rejected} rejected, ${totals.failed} not delivered` +
        (totals.failed > 0 ? ' (publish them again: filings delivered before count as duplicates)' : ''),
    );
    if (totals.failed > 0) return ExitStatus.NotDelivered;
    return totals.rejected === 0 ? ExitStatus.Ok : ExitStatus.Rejected;
  }
  const bus = kafkaBusFor(config, 'cli');
  const chunk = 1000;
  let published = 0;
  try {
    for (let start = 0; start < filings.length; start += chunk) {
      const slice = filings.slice(start, start + chunk);
      await bus.publish(
        config.topics.filings,
        slice.map((filing) => ({ key: filing.key, value: filing.value, headers: filing.headers })),
      );
      published += slice.length;
      report(published);
    }
    if (options.progress) process.stderr.write('\n');
  } catch (error) {
    if (options.progress) process.stderr.write('\n');
    console.error(
      `portscore publish: ${(error as Error).message}; ${filings.length - published} of ${filings.length} filings ` +
        `not delivered to ${config.topics.filings} (publish them again: filings delivered before count as duplicates)`,
    );
    return ExitStatus.NotDelivered;
  } finally {
    await bus.disconnect().catch(() => undefined);
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`published ${filings.length} filings to ${config.topics.filings} in ${seconds.toFixed(1)} s`);
  return ExitStatus.Ok;
}

const BATCH = 'application/cloudevents-batch+json';
const STRUCTURED = 'application/cloudevents+json';
/** The most events POST /v1/filings takes in one batch. */
const MAX_BATCH_EVENTS = 1000;
/** Tries of one request before its filings count as not delivered. */
const MAX_ATTEMPTS = 6;
const RETRY_BASE_MS = 500;
const MAX_RETRY_WAIT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 60_000;
/** Answers worth trying again: rate limited, or the API (or a proxy before it) briefly unavailable. */
const TRANSIENT = new Set([429, 502, 503, 504]);
/** Answers after which no other request can succeed: a wrong key or a wrong URL. */
const FATAL = new Set([401, 403, 404]);

interface HttpTotals {
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Not delivered: the API could not be reached or answered with an error. */
  failed: number;
}

/** One request: a batch of structured CloudEvents, or one filing as it is (binary mode, or not JSON). */
interface HttpRequest {
  filings: FileFiling[];
  batch: boolean;
}

type Answer =
  | { kind: 'answered'; results: Array<{ status?: string; reason?: string; detail?: string }> }
  | {
      kind: 'failed';
      problem: string;
      fatal: boolean;
      tooLarge: boolean;
      transient: boolean;
      /** How long the API asked to wait before trying again. */
      retryAfterMs?: number;
    };

/** The part of the API's answer (IngestResponseDto) read here: one result per filing, in order. */
interface IngestAnswer {
  results?: unknown;
}

/**
 * Publishes filings over HTTP, retrying what may succeed later. Every retry resends the same
 * events, which the gateway deduplicates by (source, id): nothing is counted twice.
 */
class HttpPublisher {
  readonly url: string;
  private readonly totals: HttpTotals = { accepted: 0, duplicates: 0, rejected: 0, failed: 0 };
  private done = 0;

  constructor(
    base: string,
    private readonly apiKey: string,
    private readonly options: { maxBatchBytes: number; progress: boolean },
  ) {
    this.url = `${base.replace(/\/+$/, '')}/v1/filings`;
  }

  async publish(filings: FileFiling[], report: (done: number) => void): Promise<HttpTotals> {
    const requests = this.requests(filings);
    for (const [index, request] of requests.entries()) {
      const stopped = await this.send(request);
      report(this.done);
      if (stopped) {
        this.abandon(requests.slice(index + 1));
        break;
      }
    }
    return this.totals;
  }

  /** Sends one request (split in halves if too large); true when nothing more should be sent. */
  private async send(request: HttpRequest): Promise<boolean> {
    const answer = await this.deliver(request);
    if (answer.kind === 'answered') {
      answer.results.forEach((result, index) => {
        if (result.status === 'accepted') this.totals.accepted += 1;
        else if (result.status === 'duplicate') this.totals.duplicates += 1;
        else {
          this.totals.rejected += 1;
          this.note(`${request.filings[index]!.where}: ${result.reason ?? 'rejected'}: ${result.detail ?? ''}`);
        }
      });
      this.done += request.filings.length;
      return false;
    }
    if (answer.tooLarge && request.filings.length > 1) {
      const half = Math.ceil(request.filings.length / 2);
      const parts = [request.filings.slice(0, half), request.filings.slice(half)].map((part) => ({
        filings: part,
        batch: request.batch,
      }));
      if (await this.send(parts[0]!)) {
        this.abandon(parts.slice(1));
        return true;
      }
      return this.send(parts[1]!);
    }
    this.totals.failed += request.filings.length;
    this.done += request.filings.length;
    this.note(`${span(request.filings)}: not delivered: ${answer.problem}`);
    return answer.fatal || answer.transient;
  }

  /** One request, tried again while the failure may pass (bounded, honouring Retry-After). */
  private async deliver(request: HttpRequest): Promise<Answer> {
    const { body, contentType, headers } = this.encode(request);
    for (let attempt = 1; ; attempt += 1) {
      const answer = await this.attempt(request, body, { ...headers, 'content-type': contentType });
      if (answer.kind === 'answered' || !answer.transient || attempt >= MAX_ATTEMPTS) {
        if (answer.kind === 'failed' && answer.transient) answer.problem += ` (gave up after ${MAX_ATTEMPTS} tries)`;
        return answer;
      }
      const wait = answer.retryAfterMs ?? Math.min(MAX_RETRY_WAIT_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
      if (this.options.progress) this.note(`${answer.problem}; trying again in ${(wait / 1000).toFixed(1)} s`);
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  private async attempt(request: HttpRequest, body: Buffer, headers: Record<string, string>): Promise<Answer> {
    let response: Response;
    let text: string;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { ...headers, authorization: `Bearer ${this.apiKey}` },
        body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (error) {
      return { kind: 'failed', problem: describeFetchError(error), fatal: false, tooLarge: false, transient: true };
    }
    const status = response.status;
    // 202 accepted, 200 duplicate (or a batch), 422 rejected: each with one result per filing.
    if (status === 200 || status === 202 || status === 422) {
      const results = resultsOf(text, request.filings.length);
      if (results) return { kind: 'answered', results };
    }
    const problem = `HTTP ${status} ${serverError(text)}`;
    const transient = TRANSIENT.has(status);
    return {
      kind: 'failed',
      problem,
      fatal: FATAL.has(status),
      tooLarge: status === 413,
      transient,
      ...(transient ? { retryAfterMs: retryAfter(response.headers.get('retry-after')) } : {}),
    };
  }

  private encode(request: HttpRequest): { body: Buffer; contentType: string; headers: Record<string, string> } {
    if (request.batch) {
      const body = Buffer.concat([
        Buffer.from('['),
        ...request.filings.flatMap((filing, index) =>
          index === 0 ? [filing.value] : [Buffer.from(','), filing.value],
        ),
        Buffer.from(']'),
      ]);
      return { body, contentType: BATCH, headers: {} };
    }
    const filing = request.filings[0]!;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(filing.headers)) {
      if (name !== 'content-type') headers[name.startsWith('ce_') ? `ce-${name.slice(3)}` : name] = value;
    }
    return { body: filing.value, contentType: filing.headers['content-type'] ?? STRUCTURED, headers };
  }

  /** Structured CloudEvents in batches (bounded in count and bytes); any other filing alone. */
  private requests(filings: FileFiling[]): HttpRequest[] {
    const requests: HttpRequest[] = [];
    let batch: FileFiling[] = [];
    let bytes = 2;
    const flush = () => {
      if (batch.length > 0) requests.push({ filings: batch, batch: true });
      batch = [];
      bytes = 2;
    };
    for (const filing of filings) {
      if (!batchable(filing, this.options.maxBatchBytes)) {
        flush();
        requests.push({ filings: [filing], batch: false });
        continue;
      }
      if (batch.length >= MAX_BATCH_EVENTS || bytes + filing.value.length + 1 > this.options.maxBatchBytes) flush();
      batch.push(filing);
      bytes += filing.value.length + 1;
    }
    flush();
    return requests;
  }

  /** Filings left unsent once sending stopped: not delivered. */
  private abandon(requests: HttpRequest[]): void {
    const rest = requests.reduce((sum, request) => sum + request.filings.length, 0);
    if (rest === 0) return;
    this.totals.failed += rest;
    this.done += rest;
    this.note(`the other ${rest} filings were not sent`);
  }

  private note(line: string): void {
    process.stderr.write(`${this.options.progress ? '\n' : ''}${line}\n`);
  }
}

/**
 * A filing can go in a batch when it is one structured CloudEvent whose bytes the API would read
 * the same way alone (valid UTF-8, a JSON object); anything else is sent alone so that it gets
 * the same answer, and reason, as on Kafka.
 */
function batchable(filing: FileFiling, maxBatchBytes: number): boolean {
  const names = Object.keys(filing.headers);
  if (names.length !== 1 || filing.headers['content-type'] !== STRUCTURED) return false;
  if (filing.value.length + 2 > maxBatchBytes) return false;
  const text = filing.value.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(filing.value)) return false;
  try {
    const event: unknown = JSON.parse(text);
    return typeof event === 'object' && event !== null && !Array.isArray(event);
  } catch {
    return false;
  }
}

function resultsOf(
  text: string,
  count: number,
): Array<{ status?: string; reason?: string; detail?: string }> | undefined {
  try {
    const answer = JSON.parse(text) as IngestAnswer;
    if (!Array.isArray(answer.results) || answer.results.length !== count) return undefined;
    return answer.results as Array<{ status?: string; reason?: string; detail?: string }>;
  } catch {
    return undefined;
  }
}

/** The API's `{"error","detail"}`, or the start of whatever else it answered. */
function serverError(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; detail?: unknown };
    if (typeof body.error === 'string')
      return `${body.error}${typeof body.detail === 'string' ? `: ${body.detail}` : ''}`;
  } catch {
    // Not JSON: shown as it is.
  }
  const start = text.trim().slice(0, 200);
  return start || '(no body)';
}

/** Retry-After in seconds or as an HTTP date, bounded. */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isNaN(ms) ? undefined : Math.min(MAX_RETRY_WAIT_MS, Math.max(0, ms));
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

function span(filings: FileFiling[]): string {
  return filings.length === 1
    ? filings[0]!.where
    : `${filings[0]!.where} … ${filings[filings.length - 1]!.where} (${filings.length} filings)`;
}
