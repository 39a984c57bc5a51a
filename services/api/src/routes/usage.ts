import { certificateUsage, groupUsage, processorUsage } from '@pi-egress/core';
import { identifier, yearOf } from '@pi-egress/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiOptions } from '../options.js';

const idParams = z.object({ id: identifier() });
const yearQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2200).optional().describe('Calendar year in China time; default the current one'),
});

/** Distinct individuals per class since 1 January (China time) at the three counting levels. */
export const usageRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens }) => {
  const viewer = requireRole(tokens, 'viewer');
  const yearOfRequest = (year: number | undefined) => year ?? yearOf(ctx.now());

  app.get(
    '/v1/certificates/:id/usage',
    { onRequest: viewer, schema: { tags: ['usage'], summary: 'Counts of a certificate against its caps', params: idParams, querystring: yearQuery } },
    async (request, reply) => {
      const certificate = await ctx.store.scopes.certificate(request.params.id);
      if (!certificate) return reply.code(404).send({ error: 'not_found', message: `no certificate ${request.params.id}` });
      return certificateUsage(ctx, certificate, yearOfRequest(request.query.year));
    },
  );

  app.get(
    '/v1/processors/:id/usage',
    { onRequest: viewer, schema: { tags: ['usage'], summary: 'Counts of a processor over all its counted transfers', params: idParams, querystring: yearQuery } },
    async (request) => processorUsage(ctx, request.params.id, yearOfRequest(request.query.year)),
  );

  app.get(
    '/v1/groups/:id/usage',
    { onRequest: viewer, schema: { tags: ['usage'], summary: 'Group totals (each person once) and members', params: idParams, querystring: yearQuery } },
    async (request) => groupUsage(ctx, request.params.id, yearOfRequest(request.query.year)),
  );
};
