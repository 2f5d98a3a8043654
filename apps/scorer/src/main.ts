import { runConsumerService } from '@portscore/runtime';

import { ScorerModule } from './scorer.module';

/** Scorer: sw.events.v1 → stored facts, recomputed windows, sw.indicators.v1. */
runConsumerService({
  name: 'scorer',
  module: (config, bus) => ScorerModule.register(config, bus),
  topics: (config) => ({ events: config.topics.events }),
});
