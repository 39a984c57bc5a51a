import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiOptions } from '../options.js';
import { DEFAULT_STORE_UNREACHABLE_LIMIT_MS, StoreReachability } from '../store-reachability.js';

/**
 * Liveness (fails once the store has been unreachable longer than a bound), readiness (store and
 * any other dependency answering now) and Prometheus metrics: no token.
 */
export const healthRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, metrics, readiness = {}, storeUnreachableLimitMs, runbookBaseUrl }) => {
  metrics.runbooks.set({ base_url: runbookBaseUrl?.replace(/\/+$/, '') ?? '' }, 1);
  const store = new StoreReachability(() => ctx.store.ping(), storeUnreachableLimitMs ?? DEFAULT_STORE_UNREACHABLE_LIMIT_MS);
  store.start();
  app.addHook('onClose', async () => store.stop());

  app.get('/healthz', { schema: { hide: true } }, async (_request, reply) => {
    if (store.healthy()) return { status: 'ok' };
    const unreachableSeconds = Math.round(store.unreachableForMs() / 1000);
    return reply.code(503).send({ status: 'store_unreachable', unreachableSeconds, limitSeconds: store.limitMs / 1000 });
  });

  app.get('/readyz', { schema: { hide: true } }, async (_request, reply) => {
    const checks: Record<string, boolean> = { store: await ctx.store.ping() };
    for (const [name, check] of Object.entries(readiness)) checks[name] = await Promise.resolve(check()).catch(() => false);
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks });
  });

  app.get('/metrics', { schema: { hide: true } }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};
