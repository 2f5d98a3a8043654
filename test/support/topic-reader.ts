import { type IncomingMessage, KafkaBus } from '@portscore/messaging';

/** Reads a topic from the beginning with its own consumer group and keeps every message. */
export class TopicReader {
  readonly messages: IncomingMessage[] = [];
  private readonly bus: KafkaBus;

  private constructor(brokers: string) {
    this.bus = new KafkaBus({ brokers: brokers.split(','), clientId: 'portscore-test-reader' });
  }

  static async open(brokers: string, topic: string): Promise<TopicReader> {
    const reader = new TopicReader(brokers);
    await reader.bus.consume({
      groupId: `portscore-test-${topic}-${process.pid}-${Date.now()}`,
      topic,
      fromBeginning: true,
      handler: async (messages) => {
        reader.messages.push(...messages);
      },
    });
    return reader;
  }

  /** Latest JSON value per key: what a compacted topic holds for a subscriber. */
  latestByKey<T>(): Map<string, T> {
    const latest = new Map<string, T>();
    for (const message of this.messages) latest.set(message.key ?? '', JSON.parse(message.value.toString('utf8')) as T);
    return latest;
  }

  close(): Promise<void> {
    return this.bus.disconnect();
  }
}
