import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { ApiOptions } from '../options.js';

/** Liveness, readiness (store and any other dependency answering) and Prometheus metrics: no token. */
export const healthRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, metrics, readiness = {} }) => {
  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

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
