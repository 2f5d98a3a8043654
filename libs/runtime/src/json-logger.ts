import type { LoggerService, LogLevel } from '@nestjs/common';
import type { PortscoreConfig } from '@portscore/config';
import pino, { type Logger } from 'pino';

/**
 * Nest's logger as pino JSON lines on stdout: `{"level":"info","time":…,"service":"gateway",
 * "context":"FilingsConsumer","msg":…}`. A log call with an object merges its fields, so lines
 * about an event carry `eventId` and `port` as fields, e.g.
 * `logger.warn({ msg: 'dead-lettered', eventId, port, reason })`.
 */
export class JsonLogger implements LoggerService {
  private readonly pino: Logger;

  constructor(service: string, level: 'debug' | 'info' | 'warn' | 'error') {
    this.pino = pino({
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    });
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    // Nest passes (message, stack, context) for errors.
    const context = rest.length > 0 && typeof rest.at(-1) === 'string' ? rest.pop() : undefined;
    const stack = typeof rest[0] === 'string' ? rest[0] : undefined;
    this.write('error', message, context === undefined ? [] : [context], stack ? { stack } : {});
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  setLogLevels(levels: LogLevel[]): void {
    const order: Array<[LogLevel, string]> = [
      ['verbose', 'debug'],
      ['debug', 'debug'],
      ['log', 'info'],
      ['warn', 'warn'],
      ['error', 'error'],
      ['fatal', 'fatal'],
    ];
    const lowest = order.find(([nest]) => levels.includes(nest));
    if (lowest) this.pino.level = lowest[1];
  }

  private write(
    level: 'debug' | 'info' | 'warn' | 'error' | 'fatal',
    message: unknown,
    rest: unknown[],
    extra: Record<string, unknown> = {},
  ): void {
    const context = typeof rest.at(-1) === 'string' ? (rest.at(-1) as string) : undefined;
    const fields: Record<string, unknown> = { ...(context ? { context } : {}), ...extra };
    if (message instanceof Error) {
      this.pino[level]({ ...fields, err: message }, message.message);
    } else if (message && typeof message === 'object') {
      const { msg, ...more } = message as { msg?: unknown } & Record<string, unknown>;
      this.pino[level]({ ...fields, ...more }, typeof msg === 'string' ? msg : '');
    } else {
      this.pino[level](fields, String(message));
    }
  }
}

/** The logger option of a service's Nest application, by LOG_FORMAT and LOG_LEVEL. */
export function serviceLogger(service: string, config: PortscoreConfig): LoggerService | LogLevel[] {
  if (config.logFormat === 'json') return new JsonLogger(service, config.logLevel);
  const levels: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug'];
  const from = { debug: 4, info: 3, warn: 2, error: 1 }[config.logLevel];
  return levels.slice(0, from + 1);
}
