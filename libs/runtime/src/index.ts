export * from './active-catalogue';
export * from './runtime.module';
export * from './tokens';
export * from './topics';
export * from './consumer-service';
export * from './local-infrastructure';
export * from './kafka-bus-for';
export * from './outage';
