/** PostgreSQL SQLSTATE classes of a server that is away: connection exceptions, shutdown, resources. */
const DATABASE_AWAY = /^(08|57P0|53)/;
const NETWORK_AWAY = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const KAFKA_AWAY = new Set([
  'KafkaJSConnectionError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSConnectionClosedError',
]);

/**
 * Whether an error means the database or the broker is unreachable (as opposed to something
 * wrong with the data): then the work is waited out and retried, never dead-lettered.
 */
export function isOutage(error: unknown): boolean {
  for (
    let current = error as
        { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; originalError?: unknown } | undefined,
      depth = 0;
    current && depth < 5;
    depth += 1
  ) {
    if (typeof current.code === 'string' && (DATABASE_AWAY.test(current.code) || NETWORK_AWAY.has(current.code)))
      return true;
    if (typeof current.name === 'string' && KAFKA_AWAY.has(current.name)) return true;
    if (
      typeof current.message === 'string' &&
      /Connection terminated|connect ECONNREFUSED|the database system is (starting up|shutting down)|Cannot use a pool after calling end/i.test(
        current.message,
      )
    )
      return true;
    current = (current.cause ?? current.originalError) as typeof current;
  }
  return false;
}
