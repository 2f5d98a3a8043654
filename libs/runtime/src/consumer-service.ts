import 'reflect-metadata';

import { type DynamicModule, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { closeOnSignals, configOrExit, type PortscoreConfig } from '@portscore/config';
import { type BatchStats, KafkaBatchTransport, type KafkaBus } from '@portscore/messaging';
import { migrate } from '@portscore/persistence';

import { serviceLogger } from './json-logger';
import { kafkaBusFor } from './kafka-bus-for';
import { Metrics } from './metrics';
import { whenReachable } from './outage';
import { OutageGuard } from './outage-guard';
import { topicSpecs } from './topics';

export interface ConsumerServiceOptions {
  name: 'gateway' | 'scorer';
  /** The service's root module, built from config and the bus. */
  module: (config: PortscoreConfig, bus: KafkaBus) => DynamicModule;
  /** Logical @EventPattern names and the configured topic each one reads. */
  topics: (config: PortscoreConfig) => Record<string, string>;
}

/**
 * Starts a Kafka-consuming service: validated config, migrations, topics, then a Nest
 * application that consumes with the batch transport and serves /health, /ready (and /metrics)
 * over HTTP. Exits non-zero with the reason when start-up fails. SIGTERM ends any wait for an
 * outage, lets the batch in hand finish and commit, then closes.
 */
export function runConsumerService(options: ConsumerServiceOptions): void {
  const start = async () => {
    const config = configOrExit(options.name);
    const log = (line: string) => console.warn(`${options.name}: ${line}`);
    await whenReachable('PostgreSQL', () => migrate(config.databaseUrl), log);
    const bus = kafkaBusFor(config, options.name);
    await whenReachable('Kafka', () => bus.ensureTopics(topicSpecs(config)), log);
    const topics = options.topics(config);
    const app = await NestFactory.create(options.module(config, bus), {
      logger: serviceLogger(options.name, config),
    });
    const metrics = app.get(Metrics);
    const onBatch = (stats: BatchStats) => {
      metrics.batchSeconds.observe({ topic: stats.topic }, stats.seconds);
      metrics.batchWait.observe({ topic: stats.topic }, stats.waitedSeconds);
      metrics.batchSize.observe({ topic: stats.topic }, stats.messages);
      metrics.consumerLag.set({ topic: stats.topic, partition: String(stats.partition) }, stats.lag);
    };
    app.connectMicroservice(
      {
        strategy: new KafkaBatchTransport({
          bus,
          groupId: `${config.kafkaClientId}-${options.name}`,
          topics,
          onBatch,
          concurrency: config.consumerConcurrency,
          maxBatchBytes: config.consumerMaxBatchBytes,
          minBatchBytes: config.consumerMinBatchBytes,
          maxWaitMs: config.consumerMaxWaitMs,
        }),
      },
      { inheritAppConfig: true },
    );
    const guard = app.get(OutageGuard);
    closeOnSignals(options.name, async () => {
      guard.stop();
      await app.close();
    });
    const port = config.httpPorts[options.name];
    await app.listen(port, config.apiHost);
    await app.startAllMicroservices();
    new Logger(options.name).log(
      `consuming ${Object.values(topics).join(', ')} from ${config.kafkaBrokers.join(',')}; ` +
        `health on http://${config.apiHost}:${port}/ready`,
    );
  };
  start().catch((error: unknown) => {
    console.error(`${options.name}: failed to start:`, error);
    process.exit(1);
  });
}
