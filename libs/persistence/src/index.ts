export * from './data-source';
export * from './entities/event.entity';
export * from './entities/indicator.entity';
export * from './repositories/api-key.repository';
export * from './repositories/filing-receipt.repository';
export * from './repositories/scorecard.repository';
export * from './repositories/scoring.repository';
export * from './local-database';
