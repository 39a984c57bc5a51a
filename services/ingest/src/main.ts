#!/usr/bin/env node
// The ingest service alone (production): Kafka → store, with /healthz /readyz /metrics.
import { createLogger, loadEnv } from '@pi-egress/config';
import { createMetrics, loadCatalogue, openStoreWhenReady, startCheckpointing, storeOptionsFromEnv, type MonitorContext } from '@pi-egress/core';
import { phoneRegion } from '@pi-egress/domain';
import type { Store } from '@pi-egress/store';
import { kafkaSettingsFromEnv } from './env.js';
import { serveOperationalEndpoints, type OperationalServer } from './http.js';
import { startKafkaIngest, type KafkaIngest } from './kafka-ingest.js';

const logger = createLogger({ name: 'pi-egress-ingest' });
let store: Store | undefined;
let server: OperationalServer | undefined;
let ingest: KafkaIngest | undefined;
let stopCheckpointing: (() => Promise<void>) | undefined;
let exiting = false;

async function shutdown(reason: string, code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  logger.info({ reason }, 'stopping the ingest service');
  try {
    await ingest?.stop();
    await stopCheckpointing?.();
    await server?.close();
    await store?.close();
  } catch (error) {
    logger.error({ err: error }, 'error while stopping');
    code = code || 1;
  }
  process.exit(code);
}

process.on('SIGTERM', () => void shutdown('SIGTERM', 0));
process.on('SIGINT', () => void shutdown('SIGINT', 0));

try {
  const env = loadEnv();
  logger.level = env.LOG_LEVEL;
  if (!env.CLICKHOUSE_URL) throw new Error('CLICKHOUSE_URL is required for the standalone ingest service');
  if (!env.EGRESS_SUBJECT_KEY) throw new Error('EGRESS_SUBJECT_KEY is required for the standalone ingest service');
  const kafka = kafkaSettingsFromEnv(env);
  const metrics = createMetrics();
  server = await serveOperationalEndpoints({
    host: env.EGRESS_HTTP_HOST,
    port: env.EGRESS_HTTP_PORT,
    registry: metrics.registry,
    isReady: async () => (ingest?.isReady() ?? false) && (await store!.ping()),
  });
  logger.info({ url: server.url }, 'health and metrics endpoints listening');
  // An engine that is still starting is waited for, however long: not ready meanwhile, no crash loop.
  store = await openStoreWhenReady(storeOptionsFromEnv(env, env.CLICKHOUSE_URL), {
    timeoutMs: Number.POSITIVE_INFINITY,
    onRetry: (error) => logger.warn({ err: error }, 'ClickHouse not reachable yet, retrying'),
  });
  const ctx: MonitorContext = {
    store,
    catalogue: loadCatalogue(env.EGRESS_CATEGORIES_FILE),
    subjectKey: env.EGRESS_SUBJECT_KEY,
    phoneRegion: phoneRegion(env.EGRESS_PHONE_REGION),
    now: () => new Date(),
  };
  if (!exiting) {
    ingest = await startKafkaIngest({ ctx, metrics, logger, kafka });
    // The writer advances the checkpoints of what it writes too, not only the evaluator.
    stopCheckpointing = startCheckpointing(store, env.EGRESS_EVAL_INTERVAL_MS, (err) => {
      metrics.storeErrors.inc({ operation: 'checkpoint' });
      logger.warn({ err }, 'count checkpoint refresh failed; retrying at the next interval');
    });
  }
} catch (error) {
  logger.fatal({ err: error }, error instanceof Error ? error.message : 'the ingest service could not start');
  await shutdown('start-up failed', 1);
}
