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
 * TLS failures that waiting does not cure, by the error's code: the server refused this client's
 * certificate (OpenSSL's alerts, e.g. ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE when none was given), or
 * this client does not trust the server's (OpenSSL's verification codes, and Node's for a host name).
 */
const TLS_REFUSALS = [
  {
    code: /ALERT_.*(CERTIFICATE|UNKNOWN_CA)/,
    problem: "the server refused this client's certificate, or its lack of one",
    remedy:
      'give it a certificate from a CA the server trusts (KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE for the brokers)',
  },
  {
    code: /CERT|UNABLE_TO_VERIFY/,
    problem: "the server's certificate is not trusted",
    remedy: 'name the CA that signed it (KAFKA_SSL_CA_FILE for the brokers)',
  },
];

/**
 * Whether an error means the database or the broker is unreachable (as opposed to something
 * wrong with the data): then the work is waited out and retried, never dead-lettered.
 */
export function isOutage(error: unknown): boolean {
  for (const current of causeChain(error)) {
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
  }
  return false;
}

interface ErrorLike {
  code?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
}

/** An error and what it wraps (`cause`, or TypeORM's `originalError`), five levels at most. */
function* causeChain(error: unknown): Generator<ErrorLike> {
  let current = error as ErrorLike | undefined;
  for (let depth = 0; current && depth < 5; depth += 1) {
    yield current;
    current = (current.cause ?? current.originalError) as ErrorLike | undefined;
  }
}

/**
 * The TLS refusal behind an error, if any. At start-up that is configuration to fix; later (a
 * certificate replaced by one the other side does not accept) the work is held like in an outage
 * until it is fixed.
 */
function tlsRefusal(error: unknown): (typeof TLS_REFUSALS)[number] | undefined {
  for (const { code } of causeChain(error)) {
    if (typeof code !== 'string') continue;
    const refusal = TLS_REFUSALS.find((r) => r.code.test(code));
    if (refusal) return refusal;
  }
  return undefined;
}

/**
 * Start-up work that needs the database or the broker: while they are unreachable it is retried
 * every 2 s (a line every 10 s says what is awaited), instead of exiting into a restart loop.
 * Errors that are not outages (bad credentials, a certificate refused) are thrown at once.
 */
export async function whenReachable<T>(
  what: string,
  work: () => Promise<T>,
  log: (line: string) => void = (line) => console.warn(line),
): Promise<T> {
  const started = Date.now();
  let lastLog = 0;
  for (;;) {
    try {
      return await work();
    } catch (error) {
      const refusal = tlsRefusal(error);
      if (refusal)
        throw new Error(`${what}: ${refusal.problem} (${(error as Error).message.trim()}); ${refusal.remedy}`, {
          cause: error,
        });
      if (!isOutage(error)) throw error;
      if (Date.now() - lastLog >= 10_000) {
        const waited = Math.round((Date.now() - started) / 1000);
        log(`${what}: unreachable (${(error as Error).message}); waiting (${waited} s so far)`);
        lastLog = Date.now();
      }
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

/** What an error says, whatever was thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
