import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';

/**
 * Paths pino censors wherever they appear in a log object. Subject ids and tokens must never
 * reach a log line (SPEC §3, §6); request bodies are not logged at all.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'subjectId',
  '*.subjectId',
  'subjects',
  '*.subjects',
  'idHash',
  '*.idHash',
  'req.headers.cookie',
  'body',
  '*.body',
  'subjectKey',
  '*.subjectKey',
];

/** A pino logger with the redaction above; `destination` defaults to stdout (tests pass a stream to read back). */
export function createLogger(options: { level?: string; name?: string } & LoggerOptions = {}, destination?: DestinationStream): Logger {
  const settings = {
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...options,
  };
  return destination ? pino(settings, destination) : pino(settings);
}

export type { Logger };
