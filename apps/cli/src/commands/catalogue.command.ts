import { readFileSync } from 'node:fs';

import { type Catalogue, MeasureCatalogue } from '@portscore/catalogue';
import { loadPorts, type PortscoreConfig } from '@portscore/config';
import { dataSourceOptions, migrate, PgCatalogueStore, PgScoringStore } from '@portscore/persistence';
import { RecomputeUseCase } from '@portscore/scoring';
import { DataSource } from 'typeorm';

import { UsageError } from '../arguments';

export const CATALOGUE_HELP = `Usage: portscore catalogue <show|apply FILE> | portscore recompute
  catalogue show         the versions applied and the one in force
  catalogue apply FILE   check FILE (same shape as seeds/catalogue.json, a new "version"), make it
                         the catalogue in force, then recompute every window from the stored
                         events with it; running services pick it up within seconds, and
                         ingestion goes on meanwhile. Changed values are published as usual.
  recompute              recompute every window with the catalogue in force`;

export async function catalogueCommand(config: PortscoreConfig, args: string[]): Promise<number> {
  const [action, file] = args;
  if (!(action === 'show' || action === 'recompute' || (action === 'apply' && file))) {
    throw new UsageError(action === 'apply' ? 'apply needs the catalogue FILE' : 'name an action: show or apply FILE');
  }
  await migrate(config.databaseUrl);
  const dataSource = await new DataSource(dataSourceOptions(config.databaseUrl)).initialize();
  try {
    const store = new PgCatalogueStore(dataSource);
    if (action === 'show') {
      const active = await store.active();
      for (const version of await store.versions()) {
        console.log(
          `${version.version}\tactivated ${version.activatedAt.toISOString()}${version.version === active?.version ? '\t(in force)' : ''}`,
        );
      }
      return 0;
    }
    if (action === 'apply' && file) {
      const catalogue = new MeasureCatalogue(JSON.parse(readFileSync(file, 'utf8')) as Catalogue);
      const outcome = await store.activate(catalogue.data);
      console.log(
        outcome === 'activated'
          ? `catalogue ${catalogue.version} is now in force`
          : `catalogue ${catalogue.version} was already in force`,
      );
      return await recompute(config, dataSource, catalogue);
    }
    if (action === 'recompute') {
      const data = await store.active();
      if (!data) throw new Error('no catalogue has been applied yet; start a service once, or run catalogue apply');
      return await recompute(config, dataSource, new MeasureCatalogue(data));
    }
    console.error(CATALOGUE_HELP);
    return 2;
  } finally {
    await dataSource.destroy();
  }
}

async function recompute(
  config: PortscoreConfig,
  dataSource: DataSource,
  catalogue: MeasureCatalogue,
): Promise<number> {
  const started = Date.now();
  const useCase = new RecomputeUseCase(new PgScoringStore(dataSource), catalogue, loadPorts(config.seedsDir));
  const result = await useCase.execute((line) => process.stderr.write(`recomputing ${line}\n`));
  console.log(
    `recomputed ${result.windowsRecomputed} windows of ${result.ports} ports with catalogue ${catalogue.version} in ${((Date.now() - started) / 1000).toFixed(1)} s: ` +
      `${result.indicatorsChanged} indicators and ${result.scoresChanged} scores changed (published by the scorers' outbox)`,
  );
  return 0;
}
