import type { Logger } from '@pi-egress/config';
import { logLevel, type logCreator } from 'kafkajs';

/** Routes kafkajs' own log lines into the service's pino logger. */
export function kafkaLogCreator(logger: Logger): logCreator {
  const log = logger.child({ component: 'kafkajs' });
  return () =>
    ({ level, log: entry }) => {
      const { message, timestamp: _timestamp, ...fields } = entry;
      if (level === logLevel.ERROR) log.error(fields, message);
      else if (level === logLevel.WARN) log.warn(fields, message);
      else if (level === logLevel.INFO) log.info(fields, message);
      else log.debug(fields, message);
    };
}
