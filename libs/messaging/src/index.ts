export * from './kafka-batch.transport';
export * from './kafka-bus';
export * from './message-bus';
export * from './kafkajs-fast-paths';
