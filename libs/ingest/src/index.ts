export * from './ingest-filings.command';
export * from './ingest-filings.usecase';
export * from './ingest.module';
