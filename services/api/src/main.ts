#!/usr/bin/env node
// The API service alone (production, next to the ingest and evaluator services on one ClickHouse):
// certificates, HTTP ingest, usage, evidence, admission, /healthz /readyz /metrics.
import { createMetrics, loadOrCreateEvidenceKey, runService } from '@pi-egress/core';
import { buildApi } from './app.js';
import { parseTokens } from './auth.js';
import { apiEnvSchema, apiOptionsFromEnv } from './env.js';

await runService({
  name: 'pi-egress-api',
  envSchema: apiEnvSchema,
  async start({ env, logger, openContext, onStop }) {
    const api = await buildApi({
      ctx: await openContext(),
      metrics: createMetrics(),
      logger,
      tokens: parseTokens(env.EGRESS_TOKENS),
      evidenceKey: loadOrCreateEvidenceKey(env.EGRESS_EVIDENCE_KEY_FILE),
      ...apiOptionsFromEnv(env),
    });
    onStop(() => api.close());
    await api.listen({ host: env.EGRESS_HTTP_HOST, port: env.EGRESS_HTTP_PORT });
    logger.info({ port: env.EGRESS_HTTP_PORT }, 'API service listening');
  },
});
