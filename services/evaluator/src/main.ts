#!/usr/bin/env node
// The evaluator on its own (production: next to Kafka ingest and the API, all on one ClickHouse).
import { createMetrics, expositionBytes, loadCatalogue, runService, serveOps } from '@pi-egress/core';
import { evaluatorEnvSchema } from './env.js';
import { evaluatorOptionsFromEnv } from './evaluator.js';
import { startEvaluatorReplica } from './replica.js';
import { BUNDLED_RUNBOOKS_URL } from './runbooks.js';

await runService({
  name: 'pi-egress-evaluator',
  envSchema: evaluatorEnvSchema,
  async start({ env, logger, openStore, onStop }) {
    const store = await openStore();
    const ctx = {
      store,
      catalogue: loadCatalogue(env.EGRESS_CATEGORIES_FILE),
      // The evaluator never pseudonymises: it reads counts, not subjects.
      subjectKey: env.EGRESS_SUBJECT_KEY ?? '',
      now: () => new Date(),
    };
    const metrics = createMetrics();
    const evaluator = startEvaluatorReplica({ ctx, metrics, logger, ...evaluatorOptionsFromEnv(env, BUNDLED_RUNBOOKS_URL) });
    onStop(() => evaluator.stop());
    const ops = await serveOps({
      host: env.EGRESS_HTTP_HOST,
      port: env.EGRESS_HTTP_PORT,
      registry: metrics.registry,
      exposition: () => expositionBytes(metrics),
      isReady: () => store.ping(),
    });
    onStop(() => ops.close());
    logger.info({ metrics: `${ops.url}/metrics`, alertmanager: env.ALERTMANAGER_URL ?? '(none)' }, 'evaluator started');
  },
});
