import { readFileSync } from 'node:fs';

import type { PortscoreConfig } from '@portscore/config';
import { KafkaBus } from '@portscore/messaging';

/** A KafkaBus for a component, with the brokers and TLS/SASL settings of the configuration. */
export function kafkaBusFor(config: PortscoreConfig, component: string): KafkaBus {
  const { ssl, sasl } = config.kafkaSecurity;
  return new KafkaBus({
    brokers: config.kafkaBrokers,
    clientId: `${config.kafkaClientId}-${component}`,
    service: component,
    ...(ssl
      ? {
          ssl: {
            ...(ssl.caFile ? { ca: [readFileSync(ssl.caFile, 'utf8')] } : {}),
            ...(ssl.certFile && ssl.keyFile
              ? { cert: readFileSync(ssl.certFile, 'utf8'), key: readFileSync(ssl.keyFile, 'utf8') }
              : {}),
          },
        }
      : {}),
    ...(sasl ? { sasl } : {}),
  });
}
