import type { PortscoreConfig } from '@portscore/config';
import { kafkaBusFor } from '@portscore/runtime';

import type { FileFiling } from '../filing-files';

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
    const summary = await publishHttp(options.http, options.apiKey, filings, report);
    if (options.progress) process.stderr.write('\n');
    console.log(
      `sent ${filings.length} filings to ${options.http}: ${summary.accepted} accepted, ${summary.duplicates} duplicate, ${summary.rejected} rejected`,
    );
    return summary.rejected === 0 ? 0 : 1;
  }
  const bus = kafkaBusFor(config, 'cli');
  const chunk = 1000;
  try {
    for (let start = 0; start < filings.length; start += chunk) {
      const slice = filings.slice(start, start + chunk);
      await bus.publish(
        config.topics.filings,
        slice.map((filing) => ({ key: filing.key, value: filing.value, headers: filing.headers })),
      );
      report(start + slice.length);
    }
    if (options.progress) process.stderr.write('\n');
  } finally {
    await bus.disconnect();
  }
  const seconds = (Date.now() - started) / 1000;
  console.log(`published ${filings.length} filings to ${config.topics.filings} in ${seconds.toFixed(1)} s`);
  return 0;
}

async function publishHttp(
  base: string,
  apiKey: string | undefined,
  filings: FileFiling[],
  report: (done: number) => void,
): Promise<{ accepted: number; duplicates: number; rejected: number }> {
  if (!apiKey) throw new Error('publish --http needs --api-key KEY (or PORTSCORE_API_KEY)');
  const totals = { accepted: 0, duplicates: 0, rejected: 0 };
  const url = `${base.replace(/\/$/, '')}/v1/filings`;
  for (const [index, filing] of filings.entries()) {
    const headers: Record<string, string> = { authorization: `Bearer ${apiKey}` };
    for (const [name, value] of Object.entries(filing.headers)) {
      headers[name.startsWith('ce_') ? `ce-${name.slice(3)}` : name] = value;
    }
    const response = await fetch(url, { method: 'POST', headers, body: filing.value });
    if (response.status === 401 || response.status === 403)
      throw new Error(`${url} refused the key (${response.status})`);
    const body = (await response.json()) as {
      accepted?: number;
      duplicates?: number;
      rejected?: number;
      results?: Array<{ reason?: string; detail?: string }>;
    };
    totals.accepted += body.accepted ?? 0;
    totals.duplicates += body.duplicates ?? 0;
    totals.rejected += body.rejected ?? 0;
    const reason = body.results?.[0]?.reason;
    if (reason) process.stderr.write(`\n${filing.where}: ${reason}: ${body.results?.[0]?.detail}\n`);
    report(index + 1);
  }
  return totals;
}
