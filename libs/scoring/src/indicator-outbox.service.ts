import type { MessagePublisher } from '@portscore/messaging';
import type { ScoringStore } from '@portscore/persistence';

export interface OutboxTopics {
  indicators: string;
  scores: string;
}

export interface OutboxOptions {
  /** Messages read and sent per round: entries are read until they hold this many (default 5000). */
  pageSize?: number;
  /**
   * Messages removed between two compactions of the queue (`compactOutbox`, a VACUUM); 0 leaves
   * it to autovacuum. Deployed from `OUTBOX_COMPACT_EVERY`, whose default the configuration holds.
   */
  compactEvery: number;
  /** Told after each round what was sent (metrics). */
  onPublished?: (sent: { indicators: number; scores: number; ms: number }) => void;
}

/**
 * Publishes the indicators and scores the outbox names, then removes those entries. Saved
 * values are the truth; a crash between save and send leaves them pending for the next flush.
 */
export class IndicatorOutbox {
  private running: Promise<number> = Promise.resolve(0);
  private pumping = false;
  private again = false;
  private removedSinceCompaction = 0;

  constructor(
    private readonly store: ScoringStore,
    private readonly publisher: MessagePublisher,
    private readonly topics: OutboxTopics,
    private readonly options: OutboxOptions,
  ) {}

  /** Sends everything pending; concurrent calls queue behind one another. Returns the count sent. */
  flush(): Promise<number> {
    this.running = this.running.catch(() => 0).then(() => this.store.exclusivelyPublishing(() => this.drain()));
    return this.running;
  }

  /**
   * Asks for a flush without waiting for it: a batch's commit does not wait for publishing, and
   * however many batches ask while a flush runs, one more round serves them all. Errors go to
   * `onError`; what was not sent stays pending for the next request or sweep.
   */
  request(onError: (error: unknown) => void): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump().catch(onError);
  }

  private async pump(): Promise<void> {
    try {
      for (;;) {
        this.again = false;
        await this.flush();
        // No await between this check and clearing the flag: a request cannot slip in between.
        if (!this.again) break;
      }
    } finally {
      this.pumping = false;
    }
  }

  private async drain(): Promise<number> {
    const pageSize = this.options.pageSize ?? 5000;
    let sent = 0;
    for (;;) {
      const started = performance.now();
      const { ids, messages, indicators, scores } = await this.store.pendingOutbox(pageSize);
      if (ids.length === 0) return this.compacted(sent);
      const headers = { 'content-type': 'application/json' };
      await Promise.all([
        this.publisher.publish(
          this.topics.indicators,
          indicators.map((m) => ({ key: m.key, value: m.value, headers })),
        ),
        this.publisher.publish(
          this.topics.scores,
          scores.map((m) => ({ key: m.key, value: m.value, headers })),
        ),
      ]);
      await this.store.removeFromOutbox(ids);
      sent += indicators.length + scores.length;
      this.options.onPublished?.({
        indicators: indicators.length,
        scores: scores.length,
        ms: performance.now() - started,
      });
      this.removedSinceCompaction += messages;
      if (messages < pageSize) return this.compacted(sent);
    }
  }

  /** Once the queue is drained and enough entries were removed since the last time, compacts it. */
  private async compacted(sent: number): Promise<number> {
    const every = this.options.compactEvery;
    if (every > 0 && this.removedSinceCompaction >= every) {
      // Counted again only once it succeeded: a failed compaction is tried after the next round.
      await this.store.compactOutbox();
      this.removedSinceCompaction = 0;
    }
    return sent;
  }
}
