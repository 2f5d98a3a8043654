import 'reflect-metadata';

import { type DynamicModule, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { closeOnSignals, configOrExit, type PortscoreConfig } from '@portscore/config';
import { KafkaBatchTransport, type KafkaBus } from '@portscore/messaging';
import { migrate } from '@portscore/persistence';

import { kafkaBusFor } from './kafka-bus-for';
import { topicSpecs } from './topics';

export interface ConsumerServiceOptions {
  name: string;
  /** The service's root module, built from config and the bus. */
  module: (config: PortscoreConfig, bus: KafkaBus) => DynamicModule;
  /** Logical @EventPattern names and the configured topic each one reads. */
  topics: (config: PortscoreConfig) => Record<string, string>;
}

/**
 * Starts a Kafka-consuming service: validated config, migrations, topics, then a Nest
 * microservice on the batch transport. Exits non-zero with the reason when start-up fails.
 */
export function runConsumerService(options: ConsumerServiceOptions): void {
  const start = async () => {
    const config = configOrExit(options.name);
    await migrate(config.databaseUrl);
    const bus = kafkaBusFor(config, options.name);
    await bus.ensureTopics(topicSpecs(config));
    const topics = options.topics(config);
    const app = await NestFactory.createMicroservice(options.module(config, bus), {
      strategy: new KafkaBatchTransport({ bus, groupId: `${config.kafkaClientId}-${options.name}`, topics }),
      logger: config.logLevel === 'debug' ? ['debug', 'log', 'warn', 'error'] : ['log', 'warn', 'error'],
    });
    closeOnSignals(options.name, () => app.close());
    await app.listen();
    new Logger(options.name).log(`consuming ${Object.values(topics).join(', ')} from ${config.kafkaBrokers.join(',')}`);
  };
  start().catch((error: unknown) => {
    console.error(`${options.name}: failed to start:`, error);
    process.exit(1);
  });
}
