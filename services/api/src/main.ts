#!/usr/bin/env node
// The API service alone (production, next to the ingest and evaluator services on one ClickHouse):
// certificates, HTTP ingest, usage, evidence, admission, /healthz /readyz /metrics.
import { createLogger, loadEnv } from '@pi-egress/config';
import { createMetrics, loadCatalogue, loadOrCreateEvidenceKey, openStoreWhenReady, storeOptionsFromEnv } from '@pi-egress/core';
import { phoneRegion } from '@pi-egress/domain';
import { buildApi } from './app.js';
import { parseTokens } from './auth.js';

const env = loadEnv();
const logger = createLogger({ level: env.LOG_LEVEL, name: 'pi-egress-api' });
const required = { CLICKHOUSE_URL: env.CLICKHOUSE_URL, EGRESS_SUBJECT_KEY: env.EGRESS_SUBJECT_KEY, EGRESS_TOKENS: env.EGRESS_TOKENS, EGRESS_EVIDENCE_KEY_FILE: env.EGRESS_EVIDENCE_KEY_FILE };
for (const [name, value] of Object.entries(required)) if (!value) throw new Error(`${name} is required for the standalone API service`);

const store = await openStoreWhenReady(storeOptionsFromEnv(env, required.CLICKHOUSE_URL!), {
  timeoutMs: Number.POSITIVE_INFINITY,
  onRetry: (err) => logger.warn({ err }, 'ClickHouse not reachable yet, retrying'),
});
const api = await buildApi({
  ctx: { store, catalogue: loadCatalogue(env.EGRESS_CATEGORIES_FILE), subjectKey: required.EGRESS_SUBJECT_KEY!, phoneRegion: phoneRegion(env.EGRESS_PHONE_REGION), now: () => new Date() },
  metrics: createMetrics(),
  logger,
  tokens: parseTokens(required.EGRESS_TOKENS!),
  maxBodyBytes: env.EGRESS_MAX_BODY_BYTES,
  maxBatchEvents: env.EGRESS_MAX_BATCH_EVENTS,
  publicUrl: env.EGRESS_PUBLIC_URL,
  runbookBaseUrl: env.EGRESS_RUNBOOK_BASE_URL ?? (env.EGRESS_PUBLIC_URL ? `${env.EGRESS_PUBLIC_URL.replace(/\/+$/, '')}/runbooks` : undefined),
  storeUnreachableLimitMs: env.EGRESS_STORE_UNREACHABLE_LIMIT_MS,
  evidenceKey: loadOrCreateEvidenceKey(required.EGRESS_EVIDENCE_KEY_FILE!),
  ...(env.EGRESS_CHROMIUM_PATH ? { chromiumPath: env.EGRESS_CHROMIUM_PATH } : {}),
  rateLimit: { perTokenPerMinute: env.EGRESS_RATE_LIMIT_PER_MINUTE, anonymousPerMinute: env.EGRESS_RATE_LIMIT_ANONYMOUS_PER_MINUTE },
});
await api.listen({ host: env.EGRESS_HTTP_HOST, port: env.EGRESS_HTTP_PORT });
logger.info({ port: env.EGRESS_HTTP_PORT }, 'API service listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'API service stopping');
    void api
      .close()
      .then(() => store.close())
      .finally(() => process.exit(0));
  });
}
