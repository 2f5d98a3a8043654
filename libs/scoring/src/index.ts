export * from './in-memory-scoring.store';
export * from './indicator-outbox.service';
export * from './score-events.usecase';
export * from './recompute.usecase';
export * from './open-windows.usecase';
