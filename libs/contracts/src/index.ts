export * from './cloud-event';
export * from './event-data.dto';
export * from './filing-rejection.exception';
export * from './filing-validator';
export * from './port-registry';
export * from './canonical-json';
