#!/usr/bin/env node
// The ingest service alone (production): Kafka → store, with /healthz /readyz /metrics.
import { createMetrics, type MonitorContext, runService, serveOps, startCheckpointing } from '@pi-egress/core';
import { ingestEnvSchema, kafkaSettingsFromEnv } from './env.js';
import { startKafkaIngest, type KafkaIngest } from './kafka-ingest.js';

await runService({
  name: 'pi-egress-ingest',
  envSchema: ingestEnvSchema,
  async start({ env, logger, openContext, onStop, signal }) {
    const kafka = kafkaSettingsFromEnv(env);
    const metrics = createMetrics();
    let ctx: MonitorContext | undefined;
    let ingest: KafkaIngest | undefined;
    // Alive (and not ready) while the store is still starting.
    const ops = await serveOps({
      host: env.EGRESS_HTTP_HOST,
      port: env.EGRESS_HTTP_PORT,
      registry: metrics.registry,
      isReady: async () => (ingest?.isReady() ?? false) && (await ctx!.store.ping()),
    });
    onStop(() => ops.close());
    logger.info({ url: ops.url }, 'health and metrics endpoints listening');
    ctx = await openContext();
    if (signal.aborted) return;
    const running = await startKafkaIngest({ ctx, metrics, logger, kafka });
    ingest = running;
    onStop(() => running.stop());
    // The writer advances the checkpoints of what it writes too, not only the evaluator.
    onStop(
      startCheckpointing(ctx.store, env.EGRESS_EVAL_INTERVAL_MS, (err) => {
        metrics.storeErrors.inc({ operation: 'checkpoint' });
        logger.warn({ err }, 'count checkpoint refresh failed; retrying at the next interval');
      }),
    );
  },
});
