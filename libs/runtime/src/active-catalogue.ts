import { Logger } from '@nestjs/common';
import { type Catalogue, MeasureCatalogue } from '@portscore/catalogue';
import type { CatalogueStore } from '@portscore/persistence';

/**
 * The measure catalogue in force: the latest activated version in the database (seeded from
 * seeds/catalogue.json on first start). Services refresh it every few seconds, so an upgrade
 * applied with `portscore catalogue apply` reaches running scorers and APIs without a restart.
 */
export class ActiveCatalogue {
  private catalogue: MeasureCatalogue;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: CatalogueStore,
    seed: Catalogue,
  ) {
    this.catalogue = new MeasureCatalogue(seed);
  }

  current(): MeasureCatalogue {
    return this.catalogue;
  }

  /** The catalogue of the given version, reloading when it is not the one held. */
  async ensure(version: string): Promise<MeasureCatalogue> {
    if (version !== this.catalogue.version) await this.refresh();
    return this.catalogue;
  }

  /** Loads the version in force, activating the seed catalogue when none is stored yet. */
  async refresh(): Promise<void> {
    let data = await this.store.active();
    if (!data) {
      await this.store.activate(this.catalogue.data);
      data = await this.store.active();
    }
    if (data && data.version !== this.catalogue.version) this.catalogue = new MeasureCatalogue(data);
  }

  start(intervalMs = 5000): void {
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) =>
        // Kept in force until the next refresh succeeds; logged in the service's log format.
        new Logger('ActiveCatalogue').error(
          `catalogue refresh failed (retried in ${intervalMs} ms): ${(error as Error).message}`,
        ),
      );
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
