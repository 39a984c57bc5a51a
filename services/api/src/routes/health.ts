import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { expositionBytes } from '@pi-egress/core';
import { z } from 'zod';
import type { ApiOptions } from '../options.js';
import { DEFAULT_STORE_UNREACHABLE_LIMIT_MS, StoreReachability } from '../store-reachability.js';

const healthy = z.object({ status: z.literal('ok') });
const unhealthy = z
  .object({ status: z.literal('store_unreachable'), unreachableSeconds: z.number(), limitSeconds: z.number() })
  .describe('The store has not answered for longer than EGRESS_STORE_UNREACHABLE_LIMIT_MS: restart the monitor');
const readiness = z.object({ status: z.enum(['ready', 'not_ready']), checks: z.record(z.string(), z.boolean()) });

/**
 * Liveness (fails once the store has been unreachable longer than a bound), readiness (store and
 * any other dependency answering now) and Prometheus metrics: no token.
 */
export const healthRoutes: FastifyPluginAsyncZod<ApiOptions> = async (
  app,
  { ctx, metrics, readiness: checks = {}, storeUnreachableLimitMs, runbookBaseUrl },
) => {
  metrics.runbooks.set({ base_url: runbookBaseUrl?.replace(/\/+$/, '') ?? '' }, 1);
  const store = new StoreReachability(() => ctx.store.ping(), storeUnreachableLimitMs ?? DEFAULT_STORE_UNREACHABLE_LIMIT_MS);
  store.start();
  app.addHook('onClose', async () => store.stop());
  const open = { tags: ['operations'], security: [] };

  app.get(
    '/healthz',
    {
      schema: {
        ...open,
        summary: 'Liveness: fails once the store has been unreachable longer than the bound',
        description:
          'For liveness probes: 503 once the store has not answered pings for longer than EGRESS_STORE_UNREACHABLE_LIMIT_MS, so the orchestrator restarts the monitor.',
        response: { 200: healthy, 503: unhealthy },
      },
    },
    async (_request, reply) => {
      if (store.healthy()) return { status: 'ok' as const };
      const unreachableSeconds = Math.round(store.unreachableForMs() / 1000);
      return reply.code(503).send({ status: 'store_unreachable' as const, unreachableSeconds, limitSeconds: store.limitMs / 1000 });
    },
  );

  app.get(
    '/readyz',
    {
      schema: {
        ...open,
        summary: 'Readiness: the store and every other dependency answer now',
        description: 'For readiness probes: 503 while the store (or Kafka, when configured) does not answer; each check is listed.',
        response: { 200: readiness, 503: readiness },
      },
    },
    async (_request, reply) => {
      const results: Record<string, boolean> = { store: await ctx.store.ping() };
      for (const [name, check] of Object.entries(checks)) results[name] = await Promise.resolve(check()).catch(() => false);
      const ready = Object.values(results).every(Boolean);
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not_ready', checks: results });
    },
  );

  app.get(
    '/metrics',
    {
      schema: {
        ...open,
        summary: 'Prometheus metrics (SPEC §7), text exposition format',
        description: 'Scraped by Prometheus; never rate limited. Labels never carry a subject id.',
        produces: ['text/plain'],
        response: { 200: z.string().describe('Prometheus text exposition format 0.0.4') },
      },
    },
    async (_request, reply) => {
      reply.header('content-type', metrics.registry.contentType);
      // The text as bytes encoded once per evaluation (the schema documents the text); fastify sends a Buffer as is.
      return (reply as FastifyReply).send(await expositionBytes(metrics));
    },
  );
};
