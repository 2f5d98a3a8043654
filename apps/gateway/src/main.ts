import { runConsumerService } from '@portscore/runtime';

import { GatewayModule } from './gateway.module';

/** Ingest gateway: sw.filings.v1 → validated sw.events.v1, or the dead-letter topic. */
runConsumerService({
  name: 'gateway',
  module: (config, bus) => GatewayModule.register(config, bus),
  topics: (config) => ({ filings: config.topics.filings }),
});
