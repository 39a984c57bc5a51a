import { identifier } from '@pi-egress/domain';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../auth.js';
import type { ApiOptions } from '../options.js';

const incidentsQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2200).optional().describe('Counting year (China time) the breach is about'),
  status: z.enum(['open', 'acknowledged']).optional(),
});
const acknowledgeBody = z.strictObject({ note: z.string().trim().min(1).max(2_000).describe('What was done about the breach') });

/**
 * Breaches on record (SPEC §6): each breach alert opens an incident that stays open, across
 * 1 January and after its alert resolves, until an admin acknowledges it with a note.
 */
export const incidentRoutes: FastifyPluginAsyncZod<ApiOptions> = async (app, { ctx, tokens }) => {
  app.get(
    '/v1/incidents',
    { onRequest: requireRole(tokens, 'viewer'), schema: { tags: ['incidents'], summary: 'Breaches on record', querystring: incidentsQuery } },
    async (request) => ({ incidents: await ctx.store.incidents.list(request.query) }),
  );

  app.post(
    '/v1/incidents/:id/acknowledge',
    {
      onRequest: requireRole(tokens, 'admin'),
      schema: {
        tags: ['incidents'],
        summary: 'Acknowledge a breach: who (role, token fingerprint), when and why are recorded',
        params: z.object({ id: identifier() }),
        body: acknowledgeBody,
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const incident = await ctx.store.incidents.acknowledge(request.params.id, {
        role: principal.role,
        tokenFingerprint: principal.fingerprint,
        note: request.body.note,
        at: new Date(),
      });
      if (!incident) return reply.code(404).send({ error: 'not_found', message: `no incident ${request.params.id}` });
      request.audit = { detail: { note: request.body.note } };
      return incident;
    },
  );
};
