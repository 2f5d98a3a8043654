import { indicatorKey } from '@portscore/catalogue';
import type { MessagePublisher } from '@portscore/messaging';
import type { ScoringStore } from '@portscore/persistence';

/**
 * Publishes indicators that were saved but not yet sent, then marks them sent. Saved values are
 * the truth; a crash between save and send leaves them pending, and the next flush sends them.
 */
export class IndicatorOutbox {
  private running: Promise<number> = Promise.resolve(0);

  constructor(
    private readonly store: ScoringStore,
    private readonly publisher: MessagePublisher,
    private readonly topic: string,
    private readonly pageSize = 2000,
  ) {}

  /** Sends everything pending; concurrent calls queue behind one another. Returns the count sent. */
  flush(): Promise<number> {
    this.running = this.running.catch(() => 0).then(() => this.drain());
    return this.running;
  }

  private async drain(): Promise<number> {
    let sent = 0;
    for (;;) {
      const pending = await this.store.unpublishedIndicators(this.pageSize);
      if (pending.length === 0) return sent;
      await this.publisher.publish(
        this.topic,
        pending.map((message) => ({
          key: indicatorKey(message),
          value: JSON.stringify(message),
          headers: { 'content-type': 'application/json' },
        })),
      );
      await this.store.markPublished(pending);
      sent += pending.length;
      if (pending.length < this.pageSize) return sent;
    }
  }
}
