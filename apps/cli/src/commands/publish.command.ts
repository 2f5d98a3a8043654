import type { PortscoreConfig } from '@portscore/config';
import { KafkaBus } from '@portscore/messaging';

import { filingPort, readFilingFiles } from '../filing-files';

/** Publishes NDJSON filings to the filings topic as structured CloudEvents, keyed by port. */
export async function publishCommand(config: PortscoreConfig, files: string[], progress = true): Promise<number> {
  const filings = readFilingFiles(files);
  const bus = new KafkaBus({ brokers: config.kafkaBrokers, clientId: `${config.kafkaClientId}-cli` });
  const chunk = 500;
  try {
    for (let start = 0; start < filings.length; start += chunk) {
      const slice = filings.slice(start, start + chunk);
      await bus.publish(
        config.topics.filings,
        slice.map((filing) => ({
          key: filingPort(filing.value),
          value: filing.value,
          headers: { 'content-type': 'application/cloudevents+json' },
        })),
      );
      if (progress) process.stderr.write(`\rpublished ${start + slice.length}/${filings.length}`);
    }
    if (progress) process.stderr.write('\n');
  } finally {
    await bus.disconnect();
  }
  console.log(`published ${filings.length} filings to ${config.topics.filings}`);
  return 0;
}
