#!/usr/bin/env node
// The evaluator on its own (production: next to Kafka ingest and the API, all on one ClickHouse).
import { createMetrics, expositionBytes, runService, serveOps } from '@pi-egress/core';
import { evaluatorEnvSchema } from './env.js';
import { evaluatorOptionsFromEnv } from './evaluator.js';
import { startEvaluatorReplica } from './replica.js';
import { BUNDLED_RUNBOOKS_URL } from './runbooks.js';

await runService({
  name: 'pi-egress-evaluator',
  envSchema: evaluatorEnvSchema,
  async start({ env, logger, openContext, onStop }) {
    const ctx = await openContext();
    const metrics = createMetrics();
    const evaluator = startEvaluatorReplica({ ctx, metrics, logger, ...evaluatorOptionsFromEnv(env, BUNDLED_RUNBOOKS_URL) });
    onStop(() => evaluator.stop());
    const ops = await serveOps({
      host: env.EGRESS_HTTP_HOST,
      port: env.EGRESS_HTTP_PORT,
      registry: metrics.registry,
      exposition: () => expositionBytes(metrics),
      isReady: () => ctx.store.ping(),
    });
    onStop(() => ops.close());
    logger.info({ metrics: `${ops.url}/metrics`, alertmanager: env.ALERTMANAGER_URL ?? '(none)' }, 'evaluator started');
  },
});
