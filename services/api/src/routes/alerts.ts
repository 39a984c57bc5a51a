import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requireRole } from '../auth.js';
import type { ApiOptions } from '../options.js';

/** Firing alerts (SPEC §5), as persisted by the evaluator: the same list Alertmanager receives. */
export const alertRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens }) => {
  app.get(
    '/v1/alerts',
    { onRequest: requireRole(tokens, 'viewer'), schema: { tags: ['alerts'], summary: 'Firing alerts' } },
    async () => ({ alerts: await ctx.store.alerts.firing() }),
  );
};
