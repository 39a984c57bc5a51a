#!/usr/bin/env node
import { createLogger, loadEnv } from '@pi-egress/config';
import { startMonitor } from './monitor.js';

const logger = createLogger();
try {
  const env = loadEnv();
  logger.level = env.LOG_LEVEL;
  const monitor = await startMonitor(env, logger);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the monitor');
    monitor.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  logger.fatal({ err: error }, error instanceof Error ? error.message : 'the monitor could not start');
  process.exit(1);
}
