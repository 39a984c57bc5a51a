import { pino, type Logger, type LoggerOptions } from 'pino';

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
  'body',
  '*.body',
  'subjectKey',
  '*.subjectKey',
];

export function createLogger(options: { level?: string; name?: string } & LoggerOptions = {}): Logger {
  return pino({
    level: options.level ?? process.env.LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    ...options,
  });
}

export type { Logger };
