import { hostname } from 'node:os';

import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { PortscoreConfig } from '@portscore/config';
import { type IncomingMessage, KafkaBus } from '@portscore/messaging';
import { CONFIG, kafkaBusFor } from '@portscore/runtime';

export interface Update {
  /** kind:partition:offset — the SSE event id, for Last-Event-ID resumption. */
  id: string;
  kind: 'indicator' | 'score';
  port: string;
  measure: number | null;
  data: string;
}

type Listener = (update: Update) => void;

const BUFFER = 20_000;

/**
 * Follows the indicator and score topics (a consumer group of its own per API process, from the
 * latest offset) and fans updates out to SSE subscribers. Keeps the last updates so a client
 * reconnecting with Last-Event-ID gets what it missed.
 */
@Injectable()
export class UpdateStream implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UpdateStream.name);
  private readonly recent: Update[] = [];
  private readonly listeners = new Set<Listener>();
  private readonly bus: KafkaBus;

  constructor(@Inject(CONFIG) private readonly config: PortscoreConfig) {
    this.bus = kafkaBusFor(config, 'api-stream');
  }

  onApplicationBootstrap(): void {
    void this.follow();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.disconnect();
  }

  private async follow(): Promise<void> {
    const group = `${this.config.kafkaClientId}-api-stream-${hostname()}-${process.pid}`;
    for (const [kind, topic] of [
      ['indicator', this.config.topics.indicators],
      ['score', this.config.topics.scores],
    ] as const) {
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.bus.consume({
            groupId: `${group}-${kind}`,
            topic,
            fromBeginning: false,
            handler: async (messages) => this.publish(kind, messages),
          });
          break;
        } catch (error) {
          this.logger.warn(`cannot follow ${topic} yet (${(error as Error).message}); retrying`);
          await new Promise((resolve) => setTimeout(resolve, Math.min(30_000, 1000 * attempt)));
        }
      }
    }
  }

  private publish(kind: Update['kind'], messages: IncomingMessage[]): void {
    for (const message of messages) {
      let parsed: { port?: string; measure?: number };
      try {
        parsed = JSON.parse(message.value.toString('utf8')) as typeof parsed;
      } catch {
        continue;
      }
      const update: Update = {
        id: `${kind}:${message.partition}:${message.offset}`,
        kind,
        port: parsed.port ?? '',
        measure: parsed.measure ?? null,
        data: message.value.toString('utf8'),
      };
      this.recent.push(update);
      for (const listener of this.listeners) listener(update);
    }
    if (this.recent.length > BUFFER) this.recent.splice(0, this.recent.length - BUFFER);
  }

  /** Subscribes; returns the buffered updates after `lastEventId` (all buffered ones when unknown) and an unsubscribe. */
  subscribe(listener: Listener, lastEventId?: string): { missed: Update[]; unsubscribe: () => void } {
    let missed: Update[] = [];
    if (lastEventId) {
      const index = this.recent.findIndex((u) => u.id === lastEventId);
      missed = index >= 0 ? this.recent.slice(index + 1) : [...this.recent];
    }
    this.listeners.add(listener);
    return { missed, unsubscribe: () => this.listeners.delete(listener) };
  }
}
