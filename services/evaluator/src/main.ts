#!/usr/bin/env node
// The evaluator on its own (production: next to Kafka ingest and the API, all on one ClickHouse).
import { createLogger, loadEnv } from '@pi-egress/config';
import { createMetrics, loadCatalogue, openStoreWhenReady, storeOptionsFromEnv, type MonitorContext } from '@pi-egress/core';
import { evaluatorOptionsFromEnv } from './evaluator.js';
import { startEvaluatorReplica } from './replica.js';
import { serveMetrics } from './metrics-server.js';
import { BUNDLED_RUNBOOKS_URL } from './runbooks.js';

const env = loadEnv();
const logger = createLogger({ level: env.LOG_LEVEL, name: 'evaluator' });
if (!env.CLICKHOUSE_URL) throw new Error('CLICKHOUSE_URL is required when the evaluator runs on its own');

const store = await openStoreWhenReady(storeOptionsFromEnv(env, env.CLICKHOUSE_URL), {
  onRetry: (err) => logger.warn({ err }, 'ClickHouse not ready yet, retrying'),
});
const ctx: MonitorContext = {
  store,
  catalogue: loadCatalogue(env.EGRESS_CATEGORIES_FILE),
  // The evaluator never pseudonymises: it reads counts, not subjects.
  subjectKey: env.EGRESS_SUBJECT_KEY ?? '',
  now: () => new Date(),
};
const metrics = createMetrics();
const evaluator = startEvaluatorReplica({ ctx, metrics, logger, ...evaluatorOptionsFromEnv(env, BUNDLED_RUNBOOKS_URL) });
const server = await serveMetrics(metrics, { host: env.EGRESS_HTTP_HOST, port: env.EGRESS_HTTP_PORT });
logger.info({ metrics: `${server.url}/metrics`, alertmanager: env.ALERTMANAGER_URL ?? '(none)' }, 'evaluator started');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'evaluator stopping');
    void evaluator
      .stop()
      .then(() => Promise.all([server.close(), store.close()]))
      .finally(() => process.exit(0));
  });
}
