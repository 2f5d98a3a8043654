import { runCli } from './cli';

// An explicit exit: a Kafka or database client may still hold the event loop open.
void runCli(process.argv.slice(2)).then((status) => process.exit(status));
