import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiOptions } from '../options.js';
import { responses } from '../responses.js';

const firingAlert = z.object({
  alertname: z.string(),
  severity: z.string(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  startsAt: z.string().describe('RFC 3339'),
});

/** Firing alerts (SPEC §5), as persisted by the evaluator: the same list Alertmanager receives. */
export const alertRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens }) => {
  app.get(
    '/v1/alerts',
    {
      onRequest: requireRole(tokens, 'viewer'),
      schema: {
        tags: ['alerts'],
        summary: 'Firing alerts',
        description: 'The alerts firing now, as the evaluator persisted and pushed them to Alertmanager.',
        querystring: z.strictObject({}),
        response: responses({ 200: z.object({ alerts: z.array(firingAlert) }) }),
      },
    },
    async () => ({ alerts: await ctx.store.alerts.firing() }),
  );
};
