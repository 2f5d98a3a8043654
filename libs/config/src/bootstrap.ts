import { ConfigurationError, loadConfig, type PortscoreConfig } from './portscore-config';
import { checkSeeds } from './seeds';

/** The exit status of a configuration problem (EX_CONFIG of sysexits.h), for every process. */
export const CONFIGURATION_EXIT_STATUS = 78;

/**
 * Loads and validates configuration, seed files included, for a service's main(); throws a
 * ConfigurationError naming every problem.
 */
export function loadServiceConfig(env: Record<string, string | undefined> = process.env): PortscoreConfig {
  const config = loadConfig(env);
  checkSeeds(config.seedsDir);
  return config;
}

/**
 * Loads and validates configuration for a service's main(); on a bad value or a missing seed file
 * prints what is wrong and exits with status 78 (EX_CONFIG) instead of starting half-configured.
 */
export function configOrExit(service: string): PortscoreConfig {
  try {
    return loadServiceConfig();
  } catch (error) {
    if (error instanceof ConfigurationError) {
      console.error(`${service}: ${error.message}`);
      process.exit(CONFIGURATION_EXIT_STATUS);
    }
    throw error;
  }
}

/**
 * Stops the process on SIGTERM/SIGINT after `close` has drained in-flight work. A drain that
 * cannot finish (the broker is gone, say) is cut off after `timeoutMs` with exit status 1:
 * whatever was not committed is redelivered after the restart.
 */
export function closeOnSignals(service: string, close: () => Promise<void>, timeoutMs = 25_000): void {
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`${service}: ${signal} received, draining`);
    setTimeout(() => {
      console.error(
        `${service}: could not drain within ${timeoutMs} ms; exiting, uncommitted work will be redelivered`,
      );
      process.exit(1);
    }, timeoutMs).unref();
    close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(`${service}: error while closing`, error);
        process.exit(1);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
